// The tool policy editor from the Agents view (issue 12 item 3), at 1024×700: shift+P opens it on
// the focused agent's tenant, a rule is drafted from the keyboard, and before anything is saved
// the backtest shows what the draft would have done with the last 90 days of decided requests —
// its numbers equal a direct SQL count, and it lists the requests a person rejected or edited that
// the draft would have approved by itself. ⌘/Ctrl+Enter saves through the queue (audited on the
// server). axe finds nothing serious in the dialog, and nothing in it runs off a 1024 px window.
import AxeBuilder from '@axe-core/playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../support/db'
import { createAgent } from '../support/fixtures'
import { decide } from '../push/support'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { screenshot, until, withSignedIn } from './helpers/console'
import { createReviewer, createWorkspace, seedRefundCalls, type SeededCall, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

/** What a colleague did with each seeded call, in order: amounts 40, 77, 114, 151, 188, 225, 262, 299 USD. */
const DECISIONS = ['approve', 'approve_with_edits', 'reject', 'approve', 'reject', 'approve_with_edits', 'approve', 'reject'] as const
const THRESHOLD = 150

/** The draft's backtest counted directly over the approvals: amount (USD, the base currency) at most the threshold. */
async function directCount(tenantId: string) {
  const { rows } = await admin().query<{ decided: number; auto: number; rejected: number; edited: number; ids: string[] }>(
    `with d as (
       select ap.id, ap.status, ap.amount <= $2 as auto,
              exists (select 1 from public.approval_decisions x where x.approval_id = ap.id and x.decision = 'approve_with_edits') as edited
         from public.approvals ap join public.actions ac on ac.id = ap.action_id
        where ap.tenant_id = $1 and ap.status in ('approved', 'rejected') and ap.decided_by is not null)
     select count(*)::int as decided, count(*) filter (where auto)::int as auto,
            count(*) filter (where auto and status = 'rejected')::int as rejected,
            count(*) filter (where auto and status = 'approved' and edited)::int as edited,
            coalesce(array_agg(id::text order by id) filter (where auto and (status = 'rejected' or edited)), '{}') as ids
       from d`,
    [tenantId, THRESHOLD],
  )
  return rows[0]!
}

describe.skipIf(skip)('the tool policy editor', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let calls: SeededCall[]

  beforeAll(async () => {
    ws = await createWorkspace('policy')
    const colleague = await createReviewer(ws.tenant.id, 'colleague')
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    calls = await seedRefundCalls(ws.tenant.id, DECISIONS.length, agent.id)
    for (const [i, decision] of DECISIONS.entries()) {
      const c = calls[i]!
      await decide(colleague.id, c.approval.id, decision,
        decision === 'approve_with_edits' ? { edited_payload: { ...c.args, amount: c.args.amount - 10 }, reason: 'Partial refund' }
          : decision === 'reject' ? { reason: 'Not eligible' } : {})
    }
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('drafts a rule from the keyboard, shows its backtest before saving, and saves it through the queue', async () => {
    const direct = await directCount(ws.tenant.id)
    // The seed is what the test thinks it is: 40, 77 (edited to 67) and 114 are at most 150.
    expect(direct).toMatchObject({ decided: 8, auto: 3, rejected: 1, edited: 1 })

    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { viewport: { width: 1024, height: 700 }, holdSeconds: 0 }, async (page) => {
      await page.keyboard.press('g')
      await page.keyboard.press('a')
      await until(async () => (await page.getByTestId('agent-detail').count()) === 1, 'an agent in the detail')
      await page.keyboard.press('Shift+P')
      const editor = page.getByRole('dialog', { name: 'Tool policy' })
      await until(async () => (await editor.getByTestId('policy-saved-state').count()) === 1, 'the policy read from the server')
      expect(await editor.getByTestId('policy-saved-state').innerText()).toMatch(/No policy saved yet: the tool’s default applies \(One person\)/)

      // The unchanged default sends everything to people: nothing would have been auto-approved.
      const summary = editor.getByTestId('backtest-summary')
      await until(async () => (await summary.count()) === 1 && (await summary.getAttribute('data-decided')) === '8', 'the first backtest')
      expect(await summary.getAttribute('data-auto')).toBe('0')

      // A rule, from the keyboard: Add a rule moves the focus to its name.
      await editor.getByRole('button', { name: 'Add a rule' }).focus()
      await page.keyboard.press('Enter')
      await page.keyboard.type('Small refunds')
      expect(await page.evaluate(() => document.activeElement?.getAttribute('id'))).toMatch(/^rule-\d+-name$/)
      await page.keyboard.press('Tab') // Then: Auto-approve (the new rule's default)
      await page.keyboard.press('Tab') // Amount above
      await page.keyboard.press('Tab') // Amount at most
      await page.keyboard.type(String(THRESHOLD))
      expect(await editor.getByLabel('Amount at most (USD)').inputValue()).toBe(String(THRESHOLD))

      await until(async () => (await summary.getAttribute('data-auto')) === String(direct.auto), 'the backtest of the draft')
      expect(await summary.getAttribute('data-decided')).toBe(String(direct.decided))
      expect(await summary.getAttribute('data-auto-rejected')).toBe(String(direct.rejected))
      expect(await summary.getAttribute('data-auto-edited')).toBe(String(direct.edited))
      expect(await summary.innerText()).toMatch(/auto-approved 3 — of those, a person rejected 1 and edited 1/)
      const cases = editor.getByTestId('backtest-cases').locator('tbody tr')
      expect((await cases.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-approval-id')))).sort()).toEqual([...direct.ids].sort())
      expect(await cases.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-outcome')).sort())).toEqual(['edited', 'rejected'])

      // Accessible, and within a 1024 px window.
      const axe = await new AxeBuilder({ page: page as never })
        .include('[role="dialog"]')
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze()
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([])
      const fits = await editor.evaluate((el) => ({
        right: el.getBoundingClientRect().right,
        viewport: document.documentElement.clientWidth,
        overflowing: el.scrollWidth > el.clientWidth + 1,
      }))
      expect(fits.right).toBeLessThanOrEqual(fits.viewport)
      expect(fits.overflowing).toBe(false)
      await screenshot(page, 'policy-editor-1024')

      // Saved from the keyboard; the server stores and audits it.
      await page.keyboard.press('Control+Enter')
      await until(async () => (await editor.count()) === 0, 'the editor closed')
      const stored = await until(async () => {
        const { rows } = await admin().query<{ id: string; policy: unknown }>(
          `select p.id, p.policy from public.tool_policies p join public.tools t on t.id = p.tool_id
            where t.tenant_id = $1 and p.agent_id is null`,
          [ws.tenant.id])
        return rows[0]
      }, 'the policy on the server')
      expect(stored.policy).toEqual({
        approval: 'required',
        rules: [{ name: 'Small refunds', route: 'auto', when: { amount_at_most: THRESHOLD } }],
      })
      const audit = await admin().query(`select actor_id from public.audit_log where action = 'policy.set' and entity_id = $1`, [stored.id])
      expect(audit.rows).toEqual([{ actor_id: ws.reviewer.id }])

      // Opened again, the editor shows it as saved.
      await page.keyboard.press('Shift+P')
      await until(async () => /^Saved /.test(await editor.getByTestId('policy-saved-state').innerText().catch(() => '')), 'the saved policy')
      expect(await editor.getByLabel('Amount at most (USD)').inputValue()).toBe(String(THRESHOLD))
    })
  }, 180_000)
})
