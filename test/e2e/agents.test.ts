// The Agents view (`g a`): every agent with tier, autonomy and status; for the agent in focus its
// trust ledger over time and its spend against the daily budget as charts a screen reader can read
// (and where colour is not the only signal), and its recent requests with how each was decided.
// j moves between agents, `t` changes the chart range, and another view (Flags, `o`) sends the
// reviewer to one agent, which the view then focuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { createAgent, createApproval } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { focusedRowId, screenshot, until, waitForFirstSync, withSignedIn } from './helpers/console'
import { createReviewer, createWorkspace, type Reviewer, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

interface Seeded {
  desk: { id: string; name: string }
  ledger: { id: string; name: string }
  approved: string
  edited: string
  rejected: string
  pending: string
  auto: string
}

/** Refund Desk: trusted, over budget today, with decided requests; Ledger Assistant: suspended, with a flag. */
async function seedAgents(ws: Workspace, colleague: Reviewer): Promise<Seeded> {
  const db = admin()
  const desk = await createAgent(ws.tenant.id, {
    name: 'Refund Desk',
    tier: 2,
    autonomy: 'A1',
    status: 'active',
  })
  const ledger = await createAgent(ws.tenant.id, {
    name: 'Ledger Assistant',
    tier: 4,
    autonomy: 'A3',
    status: 'suspended',
  })
  await db.query(`update public.agents set max_cost_per_day = 10.00 where id = $1`, [desk.id])
  await db.query(
    `insert into public.trust_ledger (agent_id, day, tenant_id, approved_no_edit, edited, rejected, score)
     select $1, current_date - d, $2, 10 + d % 4, d % 3, d % 2, 0.8 from generate_series(1, 20) d`,
    [desk.id, ws.tenant.id],
  )
  await db.query(
    `insert into public.cost_transactions (tenant_id, agent_id, provider, model, input_tokens, output_tokens, cost_amount, created_at)
     values ($1, $2, 'openai', 'gpt', 1, 1, 12.40, now()),
            ($1, $2, 'openai', 'gpt', 1, 1, 4.10, now() - interval '2 days'),
            ($1, $3, 'openai', 'gpt', 1, 1, 1.00, now())`,
    [ws.tenant.id, desk.id, ledger.id],
  )
  const decided = async (
    title: string,
    decision: 'approve' | 'approve_with_edits' | 'reject',
    reason: string | null,
  ) => {
    const a = await createApproval(ws.tenant.id, {
      agentId: desk.id,
      title,
      status: decision === 'reject' ? 'rejected' : 'approved',
    })
    await db.query(
      `insert into public.approval_decisions (tenant_id, approval_id, decision, actor_id, edited_payload, reason, payload_hash_seen, version_seen)
       values ($1, $2, $3, $4, $5, $6, $7, 1)`,
      [
        ws.tenant.id,
        a.id,
        decision,
        colleague.id,
        decision === 'approve_with_edits' ? '{"amount": 99}' : null,
        reason,
        a.payload_hash,
      ],
    )
    return a.id
  }
  // Approved by the tool's policy on its own, before any person saw it: the policy is who decided.
  const auto = (await createApproval(ws.tenant.id, { agentId: desk.id, title: 'Refund order #0 to Zed', status: 'approved' })).id
  await db.query(`update public.approvals set decided_at = now(), origin = $2 where id = $1`, [
    auto,
    { agent_id: desk.id, policy_name: 'small refunds', route: 'auto', rule: 'refunds under 50 USD' },
  ])
  const approved = await decided('Refund order #1 to Ada', 'approve', null)
  const edited = await decided('Refund order #2 to Bo', 'approve_with_edits', 'Partial refund only')
  const rejected = await decided('Refund order #3 to Cy', 'reject', 'Order was never shipped')
  const pending = (await createApproval(ws.tenant.id, { agentId: desk.id, title: 'Refund order #4 to Di' }))
    .id
  // Another agent's pending request: the inbox unfiltered holds two, filtered to Refund Desk one.
  await createApproval(ws.tenant.id, { agentId: ledger.id, title: 'Post journal #5 for Ed' })
  await db.query(
    `insert into public.hallucination_flags (tenant_id, agent_id, detection_method, confidence_score, flagged_content)
     values ($1, $2, 'fact_check', 0.93, 'Invoice 8812 was paid twice')`,
    [ws.tenant.id, ledger.id],
  )
  return { desk, ledger, approved, edited, rejected, pending, auto }
}

const detailAgentId = (page: Page) => page.getByTestId('agent-detail').getAttribute('data-agent-id')

describe.skipIf(skip)('the Agents view', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let seeded: Seeded

  beforeAll(async () => {
    ws = await createWorkspace('agents')
    const colleague = await createReviewer(ws.tenant.id, 'colleague')
    seeded = await seedAgents(ws, colleague)
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('lists agents and charts the focused one’s trust and spend, with its requests and how they were decided', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, {}, async (page) => {
      // The charts and counts below are checked against the server's numbers: they are read once
      // everything has come down, not while the first sync is still bringing the ledger.
      await waitForFirstSync(page)
      await page.keyboard.press('g')
      await page.keyboard.press('a')
      const rows = page.getByTestId('agent-row')
      await until(async () => (await rows.count()) === 2, 'both agents listed')
      // Sorted by name; tier, autonomy and status in words.
      expect(await rows.nth(0).innerText()).toMatch(
        /Ledger Assistant[\s\S]*Suspended[\s\S]*Tier 4[\s\S]*Autonomy A3/,
      )
      expect(await rows.nth(1).innerText()).toMatch(/Refund Desk[\s\S]*Active[\s\S]*Tier 2[\s\S]*Autonomy A1/)
      // Over budget today: said in words too, not only in red.
      expect(await rows.nth(1).innerText()).toMatch(/▲\s*USD\s12\.40 of USD\s10\.00 today/)

      // The view's home focus lands on the first agent; j moves to the next and the detail follows.
      await until(async () => (await focusedRowId(page)) === seeded.ledger.id, 'the first agent focused')
      await until(
        async () => (await detailAgentId(page)) === seeded.ledger.id,
        'Ledger Assistant in the detail',
      )
      await page.keyboard.press('j')
      await until(async () => (await detailAgentId(page)) === seeded.desk.id, 'Refund Desk in the detail')
      expect(await rows.nth(1).getAttribute('aria-selected')).toBe('true')

      // The trust chart: one stacked bar per day of 30, totals in the legend and in the chart's accessible name.
      const trust = page.getByTestId('trust-chart')
      expect(await trust.locator('g[data-day]').count()).toBe(30)
      const trustName = await trust
        .getByRole('img')
        .evaluate((svg) => document.getElementById(svg.getAttribute('aria-labelledby') ?? '')?.textContent)
      const { rows: ledgerRows } = await admin().query<{ a: number; e: number; r: number }>(
        `select sum(approved_no_edit)::int as a, sum(edited)::int as e, sum(rejected)::int as r
           from public.trust_ledger where agent_id = $1 and day > current_date - 30`,
        [seeded.desk.id],
      )
      const t = ledgerRows[0]!
      expect(trustName).toBe(
        `Trust ledger over 30 days: ${t.a} approved without edit, ${t.e} edited, ${t.r} rejected.`,
      )
      // Each day says its numbers on hover; the three series differ by pattern, not only by colour.
      const yesterday = await trust.locator('g[data-day]').nth(28).locator('title').textContent()
      expect(yesterday).toMatch(/: \d+ approved without edit, \d+ edited, \d+ rejected$/)
      const fills = await trust
        .locator('rect.chart-bar')
        .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('fill')))])
      expect(fills).toHaveLength(3)

      // The spend chart: today's bar over the budget line, marked; the summary counts the days over.
      const cost = page.getByTestId('cost-chart')
      expect(await cost.locator('g[data-day]').last().getAttribute('data-over')).toBe('true')
      expect(await cost.locator('g[data-over]').count()).toBe(1)
      expect(await cost.innerText()).toMatch(/Budget USD\s10\.00/)
      const costName = await cost
        .getByRole('img')
        .evaluate((svg) => document.getElementById(svg.getAttribute('aria-labelledby') ?? '')?.textContent)
      expect(costName).toMatch(/16\.50 in all; daily budget .*10\.00, exceeded on 1 of 30 days\./)

      // Recent requests, newest first, each with its outcome, who decided and why.
      const requests = page.getByTestId('agent-requests').locator('tbody tr')
      expect(
        await requests.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-approval-id'))),
      ).toEqual([seeded.pending, seeded.rejected, seeded.edited, seeded.approved, seeded.auto])
      expect(await requests.nth(0).innerText()).toContain('Waiting for a decision')
      expect(await requests.nth(1).innerText()).toMatch(
        /Rejected by Colleague Reviewer[\s\S]*Order was never shipped/,
      )
      expect(await requests.nth(2).innerText()).toMatch(
        /Approved with edits by Colleague Reviewer[\s\S]*Partial refund only/,
      )
      expect(await requests.nth(3).innerText()).toMatch(/Approved by Colleague Reviewer/)
      expect(await requests.nth(4).innerText()).toMatch(/Approved by Policy: refunds under 50 USD \(auto\)/)
      // Trust reads one way everywhere: a percent, as the detail of a request says it.
      expect(await page.getByTestId('agent-detail').innerText()).toMatch(/\b80%/)
      expect(await page.getByTestId('agent-detail').innerText()).not.toMatch(/\b0\.80\b/)

      // t widens the charts to 90 days.
      await page.keyboard.press('t')
      await until(async () => (await trust.locator('g[data-day]').count()) === 90, 'a 90-day trust chart')
      expect(await page.getByRole('button', { name: '90 days' }).getAttribute('aria-pressed')).toBe('true')
      await screenshot(page, 'agents-view')
    })
  })

  it('focuses the agent another view sends the reviewer to', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, {}, async (page) => {
      // Start on Refund Desk, then go to the flag Ledger Assistant raised and ask for its agent.
      await page.keyboard.press('g')
      await page.keyboard.press('a')
      await until(async () => (await detailAgentId(page)) !== null, 'an agent in the detail')
      await page.keyboard.press('j')
      await until(async () => (await detailAgentId(page)) === seeded.desk.id, 'Refund Desk in the detail')
      await page.keyboard.press('g')
      await page.keyboard.press('f')
      await until(async () => (await page.locator('[data-list-item]').count()) === 1, 'the flag listed')
      await page.keyboard.press('j')
      await until(async () => (await focusedRowId(page)) !== null, 'the flag focused')
      await page.keyboard.press('o')
      await until(
        async () => (await detailAgentId(page)) === seeded.ledger.id,
        'Ledger Assistant in the Agents view',
      )
      await until(async () => (await focusedRowId(page)) === seeded.ledger.id, 'its row focused')
      expect(await page.getByRole('option', { name: /Ledger Assistant/ }).getAttribute('aria-selected')).toBe(
        'true',
      )

      // p: what this agent waits for, in the inbox.
      await page.keyboard.press('j')
      await until(async () => (await detailAgentId(page)) === seeded.desk.id, 'Refund Desk in the detail')
      await page.keyboard.press('p')
      await until(
        async () => (await page.getByTestId('tab-inbox').getAttribute('aria-current')) === 'page',
        'the inbox',
      )
      await until(
        async () =>
          (await page
            .locator('[data-testid="inbox-list"] [role="option"]')
            .evaluateAll((els) => els.map((el) => el.getAttribute('data-approval-id')))).join() === seeded.pending,
        'the inbox filtered to Refund Desk’s one pending request',
      )
    })
  })
})
