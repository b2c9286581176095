// Safe keys: a refused command that would open a text box opens that box saying why, with nothing
// to submit, so the reason the reviewer goes on typing never runs as commands. The reproduction of
// issue 15: `r` on one's own request, then "so r ter" and Ctrl+Enter used to snooze that request
// (`s`, space) and reject the next one with the reason "ter" — two decisions nobody intended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../support/db'
import { createAgent, createApproval, type ApprovalRow } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { goToApproval, queuedIntents, shownApprovalId, withSignedIn } from './helpers/console'
import { createWorkspace, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

describe.skipIf(skip)('a refused text-box command swallows what the reviewer types next', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let own: ApprovalRow
  let next: ApprovalRow

  beforeAll(async () => {
    ws = await createWorkspace('safe-keys')
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Bot' })
    own = await createApproval(ws.tenant.id, {
      agentId: null,
      requestedByUserId: ws.reviewer.id,
      title: 'Own request: reimburse my taxi',
      riskLevel: 2,
      amount: '40.00',
      expiresAt: 10 * 60,
    })
    // Over the reviewer's limit: in Others with my own request, and still mine to reject.
    next = await createApproval(ws.tenant.id, { agentId: agent.id, title: 'Refund a cracked vase', riskLevel: 2, amount: '60000.00', expiresAt: 11 * 60 })
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('opens Reject on my own request with the refusal and no field, and runs none of the reason as commands', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      await goToApproval(page, own.id, { lane: 'others' })
      await page.keyboard.press('r')
      const dialog = page.getByRole('dialog', { name: 'Reject' })
      await dialog.waitFor()
      expect(await dialog.getByTestId('refusal').innerText()).toMatch(/cannot reject this request.*raised yourself/i)
      expect(await dialog.locator('textarea, input').count()).toBe(0)

      // The reviewer, eyes on the paper, types the reason anyway and submits it.
      await page.keyboard.type('so r ter')
      await page.keyboard.press('Control+Enter')
      expect(await page.getByRole('dialog').count()).toBe(1)
      expect(await dialog.getByTestId('refusal').count()).toBe(1)
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })

      // Nothing was snoozed, rejected or queued; both requests are still in the inbox, mine focused.
      expect(await queuedIntents(page)).toHaveLength(0)
      expect(await shownApprovalId(page)).toBe(own.id)
      expect(await page.locator(`[role="option"][data-approval-id="${next.id}"]`).count()).toBe(1)
      const { rows } = await admin().query(
        `select 1 from public.approval_decisions where approval_id = any($1)
         union all select 1 from public.review_snoozes where approval_id = any($1)`,
        [[own.id, next.id]],
      )
      expect(rows).toHaveLength(0)
    })
  }, 120_000)

  it('names the request a bulk reject cannot include, in the Reject dialog, with nothing to submit', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      await goToApproval(page, own.id, { lane: 'others' })
      await page.keyboard.press('x')
      await page.keyboard.press('Shift+J')
      await page.keyboard.press('Shift+R')
      const dialog = page.getByRole('dialog', { name: 'Reject 2 requests' })
      await dialog.waitFor()
      const why = await dialog.getByTestId('refusal').innerText()
      expect(why).toMatch(/cannot reject 1 of 2 selected/i)
      expect(why).toContain('Own request: reimburse my taxi')
      expect(await dialog.locator('textarea').count()).toBe(0)
      await page.keyboard.type('r ter')
      await page.keyboard.press('Control+Enter')
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })
      expect(await queuedIntents(page)).toHaveLength(0)
    })
  }, 120_000)
})
