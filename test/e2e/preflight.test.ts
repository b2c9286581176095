// Safety before sending: when the replica already knows the server would refuse (own request, over
// my limit, not a named approver), the console says why on the item and refuses the key press
// without queueing anything; a four-eyes request says what my approval will do; bulk approve with
// an item above the risk ceiling is refused with a message, and goes through once it is removed;
// at risk 4 a reject needs a reason and an approve a second press.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { createAgent, createApproval, createMember, createUser, type ApprovalRow, type UserRef } from '../support/fixtures'
import { decide, decideArgs, mutation, pushOne, seen } from '../push/support'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { goToApproval, queuedIntents, shownApprovalId, until, waitForInbox, withSignedIn } from './helpers/console'
import { createWorkspace, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

/** Waits for a toast that matches (a decision first shows its own toast, then any refusal). */
async function toastMatching(page: Page, re: RegExp): Promise<string> {
  return until(async () => (await page.locator('[data-testid="toast"]').allInnerTexts()).find((t) => re.test(t)) ?? null, `a toast matching ${re}`)
}

/** My applied decision on the request titled so, as the History view (g h) words it; back to the inbox after. */
async function historyLabel(page: Page, title: string): Promise<string> {
  await page.keyboard.press('g')
  await page.keyboard.press('h')
  const row = page.getByTestId('history').locator('tr[data-list-item]', { hasText: title }).filter({ hasText: 'Applied' })
  await until(async () => (await row.count()) === 1, `my decision on "${title}" applied in History`)
  const label = await row.locator('td').nth(1).evaluate((td) => td.firstChild?.textContent ?? '')
  await page.keyboard.press('g')
  await page.keyboard.press('i')
  return label
}

async function lastToast(page: Page): Promise<string> {
  return until(async () => (await page.locator('[data-testid="toast"]').allInnerTexts()).at(-1) ?? null, 'a toast')
}

describe.skipIf(skip)('pre-flight explanations and the bulk risk ceiling', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  const items: Record<string, ApprovalRow> = {}
  let coApprover: UserRef

  beforeAll(async () => {
    // A finance reviewer who may approve up to 1,000.
    ws = await createWorkspace('preflight', { approvalLimit: 1000 })
    const agent = await createAgent(ws.tenant.id, { name: 'Payables Bot' })
    const someoneElse = await createUser({ label: 'named-approver' })
    const at = (minutes: number) => minutes * 60
    const base = { agentId: agent.id, riskLevel: 2, amount: '120.00' }
    items.own = await createApproval(ws.tenant.id, {
      ...base,
      agentId: null,
      requestedByUserId: ws.reviewer.id,
      title: 'Own request: reimburse my travel',
      expiresAt: at(10),
    })
    items.overLimit = await createApproval(ws.tenant.id, { ...base, title: 'Over limit: pay the van lease', amount: '5000.00', expiresAt: at(11) })
    items.notApprover = await createApproval(ws.tenant.id, {
      ...base,
      title: 'Named approvers only: settle the audit invoice',
      approverIds: [someoneElse.id],
      expiresAt: at(12),
    })
    items.fourEyes = await createApproval(ws.tenant.id, { ...base, title: 'Four-eyes: new supplier payout', requiredApprovals: 2, expiresAt: at(13) })
    items.low1 = await createApproval(ws.tenant.id, { ...base, title: 'Bulk one: refund a late delivery', expiresAt: at(14) })
    items.high = await createApproval(ws.tenant.id, { ...base, riskLevel: 4, title: 'Bulk risky: refund to a new card', expiresAt: at(15) })
    items.low2 = await createApproval(ws.tenant.id, { ...base, title: 'Bulk two: refund a broken mug', expiresAt: at(16) })
    items.rejectAbove = await createApproval(ws.tenant.id, { ...base, title: 'Stop it: pay the fleet invoice', amount: '8000.00', expiresAt: at(17) })
    // Four-eyes refund of 400 USD (no tool: the refund kind's built-in schema), already approved once.
    items.fourEyesEdit = await createApproval(ws.tenant.id, {
      ...base,
      kind: 'refund',
      title: 'Four-eyes edit: refund the damaged pallet',
      amount: '400.00',
      requiredApprovals: 2,
      expiresAt: at(18),
    })
    coApprover = await createMember(ws.tenant.id, 'manager', { approvalLimit: null })
    expect(await decide(coApprover.id, items.fourEyesEdit.id, 'approve')).toMatchObject({ status: 'applied', row: { status: 'pending' } })
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('explains own request, over limit and named approvers before sending, and refuses to queue them', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, {}, async (page) => {
      // Needs me: the five this reviewer may approve; the four they may not (own request, two over
      // the limit, named approvers) wait in Others.
      await waitForInbox(page, 5)
      await until(async () => /Needs me\s*5/.test(await page.getByTestId('lane-mine').innerText()), 'Needs me counting 5')
      await until(async () => /Others\s*4/.test(await page.getByTestId('lane-others').innerText()), 'Others counting 4')
      const cases: [ApprovalRow, RegExp][] = [
        [items.own!, /cannot decide a request you raised yourself/i],
        [items.overLimit!, /above your approval limit/i],
        [items.notApprover!, /not one of the approvers named/i],
      ]
      for (const [approval, why] of cases) {
        await goToApproval(page, approval.id, { lane: 'others' })
        // Said on the item before any key is pressed…
        expect(await page.getByTestId('preflight').innerText()).toMatch(why)
        expect(await page.locator(`[role="option"][data-approval-id="${approval.id}"]`).innerText()).toMatch(why)
        // …and said again, instead of queueing, when the reviewer tries.
        await page.keyboard.press('a')
        expect(await lastToast(page)).toMatch(why)
        expect(await shownApprovalId(page)).toBe(approval.id)
        expect(await queuedIntents(page)).toHaveLength(0)
      }
      // Rejecting one's own request is refused the same way; rejecting over one's limit is allowed.
      await goToApproval(page, items.own!.id, { lane: 'others' })
      await page.keyboard.press('r')
      const refused = page.getByRole('dialog', { name: 'Reject' })
      expect(await refused.getByTestId('refusal').innerText()).toMatch(/cannot reject/i)
      expect(await refused.locator('textarea').count()).toBe(0)
      await page.keyboard.press('Escape')
      // Refusals read whole: "You cannot approve this request with edits", not "Cannot approve with edits this request".
      await page.keyboard.press('e')
      const noEdit = page.getByRole('dialog', { name: 'Approve with edits' })
      expect(await noEdit.getByTestId('refusal').innerText()).toMatch(/^You cannot approve this request with edits\. .*raised yourself/i)
      await page.keyboard.press('Escape')
      await noEdit.waitFor({ state: 'detached' })
      // A limit is money, as the server says it: "1,000.00 USD", not "1000.00".
      await goToApproval(page, items.overLimit!.id, { lane: 'others' })
      expect(await page.getByTestId('preflight').innerText()).toMatch(/5,000\.00 USD .*above your approval limit of 1,000\.00 USD/)
    })
  }, 120_000)

  it('says what a four-eyes approval does, and the request stays pending for a second approver', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      await goToApproval(page, items.fourEyes!.id)
      expect(await page.getByTestId('four-eyes').innerText()).toMatch(/0 of 2 approvals so far.*waits for a second, different approver/i)
      await page.keyboard.press('a')
      const decided = await until(async () => {
        const { rows } = await admin().query<{ status: string; n: string }>(
          `select a.status, (select count(*) from public.approval_decisions d where d.approval_id = a.id)::text as n
             from public.approvals a where a.id = $1`,
          [items.fourEyes!.id],
        )
        return rows[0]?.n === '1' ? rows[0] : null
      }, 'the first of two approvals on the server')
      expect(decided.status).toBe('pending')
      // History says which of the two approvals mine was, with the money it released.
      expect(await historyLabel(page, 'Four-eyes: new supplier payout')).toBe('Approve (1 of 2) · Four-eyes: new supplier payout 120.00 USD to Jane Customer')
    })
  }, 120_000)

  it('refuses bulk approve above the risk ceiling with a message, and approves once the risky item is out', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      await goToApproval(page, items.low1!.id)
      await page.keyboard.press('x')
      await page.keyboard.press('Shift+J') // extends over the risky one
      await page.keyboard.press('Shift+J') // and the next
      expect(await shownApprovalId(page)).toBe(items.low2!.id)
      await until(async () => (await page.locator('[role="option"][aria-selected="true"]').count()) === 3, 'three selected rows')

      await page.keyboard.press('Shift+A')
      expect(await lastToast(page)).toMatch(/Bulk approve refused: 1 of 3 selected is risk 4 or higher/)
      expect(await lastToast(page)).toContain('In the way: “Bulk risky: refund to a new card”')
      expect(await queuedIntents(page)).toHaveLength(0)
      expect(await page.locator('[role="option"][aria-selected="true"]').count()).toBe(3)

      // Deselect the risky one and try again.
      await page.keyboard.press('k')
      expect(await shownApprovalId(page)).toBe(items.high!.id)
      await page.keyboard.press('x')
      await page.keyboard.press('Shift+A')
      const rows = await until(async () => {
        const { rows } = await admin().query<{ approval_id: string }>(
          `select approval_id from public.approval_decisions where actor_id = $1 and decision = 'approve' and approval_id = any($2)`,
          [ws.reviewer.id, [items.low1!.id, items.low2!.id, items.high!.id]],
        )
        return rows.length >= 2 ? rows : null
      }, 'two bulk approvals on the server')
      expect(rows.map((r) => r.approval_id).sort()).toEqual([items.low1!.id, items.low2!.id].sort())
      // The risky one is still in the inbox, focused.
      expect(await shownApprovalId(page)).toBe(items.high!.id)

      // Risk 4: rejecting needs a reason; approving takes a second press, the first one asks.
      await page.keyboard.press('r')
      const reject = page.getByRole('dialog', { name: 'Reject' })
      await reject.waitFor()
      await page.keyboard.press('Control+Enter')
      expect(await reject.getByRole('alert').innerText()).toMatch(/reason is required/i)
      await page.keyboard.press('Escape')
      await reject.waitFor({ state: 'detached' })
      await page.keyboard.press('a')
      expect(await page.locator('.banner-confirm').innerText()).toMatch(/press A again/i)
      expect(await shownApprovalId(page)).toBe(items.high!.id)
      expect(await queuedIntents(page)).toHaveLength(0)
      await page.keyboard.press('a')
      await until(async () => {
        const { rows } = await admin().query(`select 1 from public.approval_decisions where actor_id = $1 and approval_id = $2`, [
          ws.reviewer.id,
          items.high!.id,
        ])
        return rows.length === 1
      }, 'the risk-4 approval on the server after the second press')
    })
  }, 120_000)

  it('lets a reviewer reject a request above their limit: stopping is not releasing', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      // Above the limit it waits in Others (not mine to release), and can still be stopped there.
      await goToApproval(page, items.rejectAbove!.id, { lane: 'others' })
      expect(await page.getByTestId('preflight').innerText()).toMatch(/above your approval limit/i)
      await page.keyboard.press('r')
      const reject = page.getByRole('dialog', { name: 'Reject' })
      await reject.waitFor()
      await page.keyboard.type('Not our invoice')
      await page.keyboard.press('Control+Enter')
      const status = await until(async () => {
        const { rows } = await admin().query<{ status: string }>('select status from public.approvals where id = $1', [items.rejectAbove!.id])
        return rows[0]?.status === 'rejected' ? rows[0].status : null
      }, 'the reject applied on the server')
      expect(status).toBe('rejected')
    })
  }, 120_000)

  it('refuses an over-limit edit of a four-eyes request before queueing, as the server does; a smaller edit restarts the count', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 0 }, async (page) => {
      const id = items.fourEyesEdit!.id
      await goToApproval(page, id)
      expect(await page.getByTestId('four-eyes').innerText()).toMatch(/1 of 2 approvals so far/i)
      const edit = async (amount: string) => {
        await page.keyboard.press('e')
        const dialog = page.getByRole('dialog', { name: 'Approve with edits' })
        await dialog.waitFor()
        await dialog.locator('input[name="amount"]').fill(amount)
        await page.keyboard.press('Control+Enter')
        await dialog.waitFor({ state: 'detached' })
      }
      // 4,000 USD is above the reviewer's 1,000: the console says so and queues nothing…
      await edit('4000')
      expect(await toastMatching(page, /Not queued/)).toMatch(/above your approval limit/i)
      expect(await queuedIntents(page)).toHaveLength(0)
      // …and the server, sent the same edit, refuses it with the same code.
      const edited = { order_id: 'ord_1', amount: 4000, currency: 'USD' }
      const server = await pushOne(ws.reviewer.id, mutation('approval.decide', decideArgs(await seen(id), 'approve_with_edits', { edited_payload: edited })))
      expect(server.code).toBe('over_limit')

      // 300 USD is within the limit: it goes through, and the earlier approval (of 400) no longer counts.
      await goToApproval(page, id)
      await edit('300')
      const after = await until(async () => {
        const { rows } = await admin().query<{ status: string; amount: string; n: number }>(
          `select a.status, a.amount::text as amount,
                  (select count(*)::int from public.approval_decisions d where d.approval_id = a.id and d.payload_hash_approved = a.payload_hash) as n
             from public.approvals a where a.id = $1`,
          [id],
        )
        return rows[0]?.amount === '300.00' ? rows[0] : null
      }, 'the edit applied on the server')
      expect(after).toEqual({ status: 'pending', amount: '300.00', n: 1 })
      // History names the amount released and the one it was edited from, and the restarted count.
      expect(await historyLabel(page, 'Four-eyes edit: refund the damaged pallet')).toBe(
        'Approve with edits (1 of 2) · Four-eyes edit: refund the damaged pallet 300.00 USD (edited from 400.00 USD) to Jane Customer',
      )
    })
  }, 120_000)
})
