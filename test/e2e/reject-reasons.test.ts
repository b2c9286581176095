// Reject always asks why, at every risk level: a quick pick the agent can act on (Alt+1…5) and the
// reviewer's words. The code reaches the server inside the decision's reason, and History reads
// it back in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../support/db'
import { createAgent, createApproval, type ApprovalRow } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { goToApproval, until, withSignedIn } from './helpers/console'
import { createWorkspace, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

describe.skipIf(skip)('structured reject reasons', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let lowRisk: ApprovalRow

  beforeAll(async () => {
    ws = await createWorkspace('reasons')
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Bot' })
    lowRisk = await createApproval(ws.tenant.id, { agentId: agent.id, title: 'Refund 80.00 USD for a torn bag', riskLevel: 1, amount: '80.00' })
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('asks for a reason even at risk 1, and sends the quick pick with the words to the server', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      await goToApproval(page, lowRisk.id)
      await page.keyboard.press('r')
      const dialog = page.getByRole('dialog', { name: 'Reject' })
      await dialog.waitFor()
      await page.keyboard.press('Control+Enter')
      expect(await dialog.getByRole('alert').innerText()).toMatch(/reason is required/i)

      await page.keyboard.press('Alt+1')
      expect(await dialog.getByRole('radio', { name: /Wrong amount/ }).isChecked()).toBe(true)
      await page.keyboard.type('The bag cost 40.00 USD')
      await page.keyboard.press('Control+Enter')
      await dialog.waitFor({ state: 'detached' })

      const reason = await until(async () => {
        const { rows } = await admin().query<{ reason: string }>(
          `select reason from public.approval_decisions where approval_id = $1 and actor_id = $2 and decision = 'reject'`,
          [lowRisk.id, ws.reviewer.id],
        )
        return rows[0]?.reason ?? null
      }, 'the rejection on the server')
      expect(reason).toBe('[wrong_amount] The bag cost 40.00 USD')

      await page.keyboard.press('g')
      await page.keyboard.press('h')
      const history = page.getByTestId('history')
      await until(async () => (await history.getByTestId('history-reason').count()) > 0, 'the reason in History')
      expect(await history.getByTestId('history-reason').first().innerText()).toBe('Wrong amount — The bag cost 40.00 USD')
    })
  }, 120_000)
})
