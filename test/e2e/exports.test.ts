// Exports for auditors, end to end: a holding manager decides from the keyboard (one decision comes
// back in conflict with the server's reason), then saves "my decisions" from History — the file
// parses as RFC 4180 and holds exactly the rows on screen, in order, with outcome and reason. The
// segregation-of-duties report (g s) lists the self-approval planted past sync_push, and its CSV
// the same decision; scoped to the clean subsidiary it says so, with the number checked, and its
// CSV is the header alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { csvObjects, parseCsv } from '../support/csv'
import { addMember, createApproval, createUser, type ApprovalRow, type UserRef } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { goToApproval, nextShown, queuedIntents, screenshot, setWorkOffline, shownApprovalId, until, waitForInbox, withSignedIn } from './helpers/console'
import { saveDownload } from './helpers/downloads'
import { createHoldingGroup, plantDecision, seedPending, type HoldingGroup } from './helpers/tenant-fixtures'

const skip = chromiumUnavailable()

const OUTCOME_ON_SCREEN: Record<string, string> = { applied: '✓ Applied', refused: '× Refused', conflict: '⇄ Conflict' }

interface HistoryRowOnScreen {
  id: string
  decision: string
  outcome: string
}

function historyOnScreen(page: Page): Promise<HistoryRowOnScreen[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLTableRowElement>('[data-testid="history"] tbody tr')].map((tr) => ({
      id: tr.dataset['id']!,
      decision: tr.cells[1]!.innerText,
      outcome: tr.cells[2]!.innerText,
    })),
  )
}

async function approvedDecisions(userId: string): Promise<number> {
  const { rows } = await admin().query<{ n: number }>(`select count(*)::int as n from public.approval_decisions where actor_id = $1`, [userId])
  return rows[0]!.n
}

describe.skipIf(skip)('CSV exports', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let g: HoldingGroup
  let requester: UserRef
  let selfApproved: ApprovalRow
  let selfDecision: string

  beforeAll(async () => {
    g = await createHoldingGroup('Audit')
    requester = await createUser({ label: 'requester', fullName: 'Rita Requester' })
    await addMember(g.retail.id, requester.id, 'finance')
    selfApproved = await createApproval(g.retail.id, { requestedByUserId: requester.id, agentId: null, title: '+Bonus payout to myself', amount: '-12.50' })
    selfDecision = (await plantDecision(selfApproved, requester.id, { reason: 'urgent, "trust me"' })).id
    await seedPending(g.retail.id, 3, 'Retail refund')
    await seedPending(g.payments.id, 2, 'Payments payout')
    // A clean approval in payments: the scoped report has something to check and nothing to find.
    const clean = await createApproval(g.payments.id, { requestedByUserId: requester.id, agentId: null, title: 'Clean payout' })
    const colleague = await createUser({ label: 'colleague' })
    await addMember(g.payments.id, colleague.id, 'finance')
    await plantDecision(clean, colleague.id)
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('saves my decisions from History as a CSV holding exactly the rows on screen', async () => {
    await withSignedIn(rig.browser, shell.url, g.manager.email, { holdSeconds: 0 }, async (page) => {
      await waitForInbox(page, 5)
      const list = page.getByTestId('inbox-list')
      await list.focus()
      // Approve one, reject one with a reason a spreadsheet would misread.
      let current = await until(() => shownApprovalId(page), 'a shown item')
      await page.keyboard.press('a')
      current = await nextShown(page, current)
      await page.keyboard.press('r')
      await page.getByRole('dialog', { name: 'Reject' }).waitFor()
      await page.keyboard.type('=Duplicate, see "INV-7", per policy')
      await page.keyboard.press('Control+Enter')
      await page.getByRole('dialog').waitFor({ state: 'detached' })
      await until(async () => (await approvedDecisions(g.manager.id)) === 2, 'both decisions on the server')

      // Offline, approve one that then changes on the server: it comes back in conflict. The change
      // is made once the approval is queued: a replica that had the new version already would
      // (rightly) refuse to queue it, and History would have nothing to show in conflict.
      await setWorkOffline(page, true)
      const stale = await nextShown(page, current)
      await list.focus()
      await goToApproval(page, stale)
      await page.keyboard.press('a')
      await until(async () => (await queuedIntents(page)).some((i) => i.args['approval_id'] === stale && i.state === 'queued'), 'the offline approval queued')
      await admin().query(`update public.approvals set payload = payload || '{"note": "changed"}' where id = $1`, [stale])
      await setWorkOffline(page, false)

      await page.keyboard.press('g')
      await page.keyboard.press('h')
      let seen: HistoryRowOnScreen[] = []
      await until(async () => {
        seen = await historyOnScreen(page)
        return seen.length === 3 && seen.some((r) => r.outcome.startsWith(OUTCOME_ON_SCREEN['conflict']!))
      }, 'three answered decisions, one in conflict, in History', 30_000).catch(async (err: unknown) => {
        throw new Error(`${String(err)}; History shows: ${JSON.stringify(seen)}; queue: ${JSON.stringify(await queuedIntents(page))}`)
      })
      const screen = await historyOnScreen(page)
      await screenshot(page, 'history-exports-light')

      const file = await saveDownload(page, () => page.getByTestId('export-history').click())
      expect(file.filename).toMatch(/^my-decisions-\d{4}-\d{2}-\d{2}\.csv$/)
      const { header, rows } = csvObjects(file.text)
      expect(header).toContain('server_reason')
      expect(rows.map((r) => r['client_mutation_id'])).toEqual(screen.map((r) => r.id))
      rows.forEach((row, i) => {
        const shown = screen[i]!
        // The decision cell shows the subject, then my reason in words beneath it when I gave one.
        const [subject, ...reason] = shown.decision.split('\n')
        expect(subject).toBe(row['subject'])
        if (row['my_reason']) expect(reason.join(' ')).toContain('Duplicate, see "INV-7", per policy')
        // The outcome cell shows the state, then the server's reason when there is one.
        expect(shown.outcome.split('\n')[0]).toBe(OUTCOME_ON_SCREEN[row['outcome']!])
        if (row['server_reason']) expect(shown.outcome).toContain(row['server_reason'])
      })
      expect(rows.find((r) => r['decision'] === 'reject')!['my_reason']).toBe(`'=Duplicate, see "INV-7", per policy`)
      expect(rows.filter((r) => r['outcome'] === 'conflict').map((r) => r['refusal_code'])).toEqual(['stale_version'])
    })
  }, 120_000)

  it('shows the segregation-of-duties report and saves the same rows; an empty scope says so', async () => {
    await withSignedIn(rig.browser, shell.url, g.manager.email, {}, async (page) => {
      await page.getByTestId('tab-history').click()
      await page.getByTestId('open-sod').click()
      const dialog = page.getByRole('dialog', { name: 'Segregation of duties' })
      await dialog.waitFor()
      const shownRows = dialog.getByTestId('sod-rows').locator('tbody tr')
      await until(async () => (await shownRows.count()) === 1, 'the planted self-approval in the report')
      expect(await shownRows.first().getAttribute('data-decision-id')).toBe(selfDecision)
      expect(await shownRows.first().innerText()).toContain('Approved by the requester')
      await screenshot(page, 'sod-report-violation-light')

      const file = await saveDownload(page, () => dialog.getByTestId('sod-download').click())
      expect(file.filename).toMatch(/^segregation-of-duties-all-\d{4}-\d{2}-\d{2}\.csv$/)
      const { rows } = csvObjects(file.text)
      expect(rows.map((r) => r['decision_id'])).toEqual([selfDecision])
      expect(rows[0]).toMatchObject({
        approval_id: selfApproved.id,
        rule: 'requester_approved',
        approval_title: "'+Bonus payout to myself",
        amount: '-12.50',
        requested_by: 'Rita Requester',
        decided_by: 'Rita Requester',
        reason: 'urgent, "trust me"',
      })
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })

      // Scoped to the clean subsidiary: nothing found, and the number checked is the server's.
      await page.getByTestId('tenant-switcher').click()
      await page.locator(`[data-testid="tenant-options"] [data-tenant-id="${g.payments.id}"]`).click()
      await until(async () => (await page.getByTestId('tenant-switcher').getAttribute('data-scope')) === g.payments.id, 'the payments scope')
      await page.keyboard.press('g')
      await page.keyboard.press('s')
      await dialog.waitFor()
      const empty = dialog.getByTestId('sod-empty')
      await empty.waitFor()
      const { rows: checked } = await admin().query<{ n: number }>(
        `select count(distinct approval_id)::int as n from public.approval_decisions
          where tenant_id = $1 and decision in ('approve', 'approve_with_edits')`,
        [g.payments.id],
      )
      const n = checked[0]!.n
      expect(await empty.innerText()).toContain(
        `No approval was decided by its requester or for them — ${n} approval${n === 1 ? '' : 's'} with decisions checked`,
      )
      await screenshot(page, 'sod-report-empty-light')
      const none = await saveDownload(page, () => dialog.getByTestId('sod-download').click())
      expect(none.filename).toMatch(new RegExp(`^segregation-of-duties-${g.payments.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
      expect(parseCsv(none.text)).toHaveLength(1)
      expect(parseCsv(none.text)[0]).toContain('decision_id')
    })
  }, 90_000)
})
