// Delegation by name, end to end: `d` lists only the colleagues who could decide the request,
// typing narrows them, ⌘/Ctrl+Enter hands it on; the server records the reassignment (the request
// now waits for that colleague, audited with both people) and History names them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../support/db'
import { createAgent, createApproval, type ApprovalRow } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { goToApproval, until, withSignedIn } from './helpers/console'
import { createReviewer, createWorkspace, type Reviewer, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

describe.skipIf(skip)('delegate / reassign by name', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let maya: Reviewer
  let approval: ApprovalRow

  beforeAll(async () => {
    ws = await createWorkspace('delegation')
    maya = await createReviewer(ws.tenant.id, 'maya', { role: 'manager', approvalLimit: null })
    await createReviewer(ws.tenant.id, 'otto', { role: 'ops', approvalLimit: 100 }) // below the amount
    await createReviewer(ws.tenant.id, 'vera', { role: 'viewer' }) // may not decide at all
    const agent = await createAgent(ws.tenant.id, { name: 'Payables Bot' })
    approval = await createApproval(ws.tenant.id, { agentId: agent.id, title: 'Pay the print shop 500.00 EUR', amount: '500.00', riskLevel: 2 })
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('offers only those who could decide it, hands it to the one named, and History says who', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      await goToApproval(page, approval.id)
      await page.keyboard.press('d')
      const dialog = page.getByRole('dialog', { name: 'Delegate / reassign' })
      await dialog.waitFor()
      const options = dialog.getByRole('option')
      await until(async () => (await options.count()) > 0, 'the colleagues who could decide it')
      const offered = await options.allInnerTexts()
      expect(offered).toHaveLength(1)
      expect(offered[0]).toContain(maya.fullName)

      await page.keyboard.type('nobody mcfake')
      expect(await options.count()).toBe(0)
      expect(await dialog.getByRole('button', { name: /Hand/ }).isDisabled()).toBe(true)
      await page.keyboard.press('Control+a')
      await page.keyboard.type('may')
      await until(async () => (await options.count()) === 1, 'Maya found by typing')
      await page.keyboard.press('Control+Enter')
      await dialog.waitFor({ state: 'detached' })

      const audit = await until(async () => {
        const { rows } = await admin().query<{ actor_id: string; to_name: string }>(
          `select actor_id, metadata->>'to_name' as to_name from public.audit_log where entity_id = $1 and action = 'approval.reassign'`,
          [approval.id],
        )
        return rows[0] ?? null
      }, 'the reassignment on the server')
      expect(audit).toEqual({ actor_id: ws.reviewer.id, to_name: maya.fullName })
      const { rows } = await admin().query<{ approver_ids: string[] }>('select approver_ids from public.approvals where id = $1', [approval.id])
      expect(rows[0]!.approver_ids).toEqual([maya.id])

      await page.keyboard.press('g')
      await page.keyboard.press('h')
      await until(
        async () => (await page.getByTestId('history').innerText()).includes(`Reassign to ${maya.fullName} · Pay the print shop`),
        'History naming the colleague',
      )
    })
  }, 120_000)
})
