// Tool policies decide what needs a person: auto (approved at once by the rule that said so),
// required, four_eyes, deny; per tenant and tool, overridable per agent; rules on amount in base
// currency, risk, trust and hour. Saving one is audited; the backtest's numbers are a plain count.
import { beforeAll, describe, expect, it } from 'vitest'
import { admin, asUser } from '../support/db'
import { decide, mutation, pushOne } from '../push/support'
import { addMember, createUser } from '../../src/stack/fixtures'
import { agentWorld, newAgent, refund, setPolicy, stack, type AgentWorld, type TestAgent } from './support'

let world: AgentWorld
let agent: TestAgent

beforeAll(async () => {
  world = await agentWorld()
  agent = await newAgent(world.tenantId, { name: 'Refund Desk' })
})

const tiered = {
  name: 'refunds by size',
  approval: 'required',
  rules: [
    { name: 'tiny refunds', route: 'auto', when: { amount_at_most: 20 } },
    { name: 'huge refunds', route: 'deny', when: { amount_above: 10000 } },
    { name: 'large refunds', route: 'four_eyes', when: { amount_above: 1000 } },
  ],
}

describe('policy outcomes', () => {
  beforeAll(() => setPolicy(world, world.tools.refund, tiered))

  it('auto: approved at once, decided by the policy with the rule that decided, queued for the executor', async () => {
    const h = await agent.client.requestApproval(refund(1500)) // 15.00 USD
    const d = await h.decision({ timeoutMs: 0 })
    expect(d).toMatchObject({ outcome: 'approved', route: 'auto', rule: 'tiny refunds', edited: false })
    const { rows } = await admin().query(
      `select ap.status, ap.decided_by, ap.decided_at is not null as decided, ap.decision_reason, ap.origin,
              ac.approval_state, (select count(*)::int from public.outbox o where o.action_id = ac.id) as queued
       from public.approvals ap join public.actions ac on ac.id = ap.action_id where ap.id = $1`, [h.approvalId])
    expect(rows[0]).toMatchObject({
      status: 'approved', decided_by: null, decided: true, approval_state: 'approved', queued: 1,
      decision_reason: 'Approved by policy "refunds by size", rule "tiny refunds".',
      origin: { agent_id: agent.agentId, route: 'auto', rule: 'tiny refunds', policy_name: 'refunds by size',
                external_id: h.view.external_id, amount_base: 15 },
    })
    const audit = await admin().query(
      `select actor_type, actor_id, metadata from public.audit_log where entity_id = $1 and action = 'approval.auto_approved'`, [h.approvalId])
    expect(audit.rows[0]).toMatchObject({ actor_type: 'agent', actor_id: agent.agentId, metadata: { rule: 'tiny refunds' } })
  })

  it('required: one approver, with risk, expiry and approvers from the policy', async () => {
    const h = await agent.client.requestApproval(refund(50_000)) // 500.00
    expect(h.view).toMatchObject({ state: 'pending', route: 'required', rule: 'default', required_approvals: 1, risk: 2 })
    const { rows } = await admin().query('select amount, currency, expires_at > now() + interval \'23 hours\' as a_day from public.approvals where id = $1', [h.approvalId])
    expect(rows[0]).toEqual({ amount: '500.00', currency: 'USD', a_day: true })
  })

  it('four_eyes: two different approvers', async () => {
    const h = await agent.client.requestApproval(refund(500_000)) // 5,000.00
    expect(h.view).toMatchObject({ state: 'pending', route: 'four_eyes', rule: 'large refunds', required_approvals: 2 })
  })

  it('deny: rejected at once with a reason code the agent can act on', async () => {
    const h = await agent.client.requestApproval(refund(2_000_000)) // 20,000.00
    expect(await h.decision()).toMatchObject({ outcome: 'rejected', reasonCode: 'policy_denied', rule: 'huge refunds' })
  })

  it('an amount in another currency is compared in the base currency at the day\'s rate (fx_rates)', async () => {
    const eur = (cents: number) => { const req = refund(cents); return { ...req, args: { ...req.args, currency: 'eur' } } }
    const { rows } = await admin().query<{ rate: string }>(`select public.fx_rate_on('EUR', 'USD', current_date)::text as rate`)
    const rate = Number(rows[0]!.rate)
    // 18.00 EUR is at most 20 USD, 19.00 EUR is not (the seeded rate is about 1.08).
    expect(18 * rate).toBeLessThanOrEqual(20)
    expect(19 * rate).toBeGreaterThan(20)
    const small = await agent.client.requestApproval(eur(1800))
    expect(small.view).toMatchObject({ route: 'auto', rule: 'tiny refunds' })
    const origin = await admin().query<{ base: string }>(`select origin ->> 'amount_base' as base from public.approvals where id = $1`, [small.approvalId])
    expect(Number(origin.rows[0]!.base)).toBeCloseTo(18 * rate, 6)
    expect((await agent.client.requestApproval(eur(1900))).view).toMatchObject({ state: 'pending', route: 'required', rule: 'default' })
  })

  it('an amount no rate converts is unknown: an amount rule never auto-approves it, a person decides', async () => {
    const chf = await agentWorld({ baseCurrency: 'CHF' }) // the demo rates know no CHF
    const a = await newAgent(chf.tenantId)
    await setPolicy(chf, chf.tools.refund, { approval: 'auto', rules: [{ name: 'big refunds', route: 'required', when: { amount_above: 100 } }] })
    const h = await a.client.requestApproval(refund(100)) // 1.00 USD, but how much in CHF nobody can say
    expect(h.view).toMatchObject({ state: 'pending', route: 'required', rule: 'unknown value for rule "big refunds"' })
  })

  it('an agent override beats the tenant policy, for that agent only', async () => {
    const careful = await newAgent(world.tenantId)
    await setPolicy(world, world.tools.refund, { name: 'careful agent', approval: 'required' }, careful.agentId)
    expect((await careful.client.requestApproval(refund(1000))).view).toMatchObject({ route: 'required', rule: 'default' })
    expect((await agent.client.requestApproval(refund(1000))).view).toMatchObject({ route: 'auto', rule: 'tiny refunds' })
  })

  it('rules on risk, trust and hour', async () => {
    const w = await agentWorld()
    const a = await newAgent(w.tenantId)
    const hour = Number((await admin().query(`select extract(hour from now() at time zone 'UTC')::int as h`)).rows[0].h)
    await setPolicy(w, w.tools.refund, { approval: 'required', rules: [
      { name: 'not now', route: 'deny', when: { from_hour: hour, until_hour: hour + 1 } }] })
    expect((await a.client.requestApproval(refund(100))).view).toMatchObject({ state: 'rejected', rule: 'not now' })
    await setPolicy(w, w.tools.refund, { approval: 'required', rules: [
      { name: 'risky', route: 'four_eyes', when: { risk_above: 3 } },
      { name: 'trusted', route: 'auto', when: { trust_at_least: 0.9 } }] })
    expect((await a.client.requestApproval({ ...refund(100), risk: 4 })).view).toMatchObject({ route: 'four_eyes', rule: 'risky' })
    // No trust score yet: the trust rule cannot auto-approve.
    expect((await a.client.requestApproval(refund(101))).view).toMatchObject({ route: 'required', rule: 'default' })
    await admin().query(
      `insert into public.trust_ledger (agent_id, day, tenant_id, approved_no_edit, score) values ($1, current_date, $2, 10, 1)`,
      [a.agentId, w.tenantId])
    const trusted = await a.client.requestApproval(refund(102))
    expect(trusted.view).toMatchObject({ route: 'auto', rule: 'trusted' })
    // The origin records the score the trust rule was judged on.
    const { rows } = await admin().query(`select origin ->> 'trust' as trust from public.approvals where id = $1`, [trusted.approvalId])
    expect(Number(rows[0].trust)).toBe(1)
  })

  it('an A2 agent is auto-approved only up to risk 2', async () => {
    const w = await agentWorld()
    const a2 = await newAgent(w.tenantId, { autonomy: 'A2' })
    await setPolicy(w, w.tools.refund, { approval: 'auto' })
    expect((await a2.client.requestApproval(refund(100))).view).toMatchObject({ route: 'auto' })
    expect((await a2.client.requestApproval({ ...refund(100), risk: 3 })).view).toMatchObject({ route: 'required' })
  })

  it('no policy: the tool’s own approval_default', async () => {
    expect((await agent.client.requestApproval({ tool: 'stripe.payout', idempotencyKey: crypto.randomUUID(), args: {
      amount: 500, currency: 'usd', destination: 'ba_12345678901234', method: 'standard', metadata: { beneficiary: 'Acme' } } })).view)
      .toMatchObject({ route: 'required', rule: 'default', policy_id: null })
  })
})

describe('changing a policy', () => {
  it('is audited with the policy before and after', async () => {
    const w = await agentWorld()
    await setPolicy(w, w.tools.payout, { approval: 'required' })
    await setPolicy(w, w.tools.payout, { approval: 'four_eyes', name: 'payouts' })
    const { rows } = await admin().query(
      `select actor_id, before_state, after_state from public.audit_log where tenant_id = $1 and action = 'policy.set' order by id`, [w.tenantId])
    expect(rows).toHaveLength(2)
    expect(rows[1]).toEqual({
      actor_id: w.admin.id,
      before_state: { policy: { approval: 'required' } },
      after_state: { policy: { approval: 'four_eyes', name: 'payouts' } },
    })
  })

  it('needs policies:manage, a valid policy, and approvers who can decide in the tenant', async () => {
    const ops = await createUser(stack().dbUrl)
    await addMember(stack().dbUrl, { tenantId: world.tenantId, userId: ops.id, role: 'ops' })
    expect(await pushOne(ops.id, mutation('policy.set', { tool_id: world.tools.refund, policy: { approval: 'auto' } })))
      .toMatchObject({ status: 'rejected', code: 'forbidden' })
    expect(await pushOne(world.admin.id, mutation('policy.set', { tool_id: world.tools.refund, policy: { approval: 'sometimes' } })))
      .toMatchObject({ status: 'rejected', code: 'invalid_policy' })
    expect(await pushOne(world.admin.id, mutation('policy.set', {
      tool_id: world.tools.refund, policy: { approval: 'required', approver_ids: [crypto.randomUUID()] } })))
      .toMatchObject({ status: 'rejected', code: 'invalid_policy' })
  })
})

describe('backtest', () => {
  it('counts what a draft would have auto-approved, and how many of those people rejected or edited — equal to a direct count', async () => {
    const w = await agentWorld()
    const a = await newAgent(w.tenantId)
    // History: 12 refunds of 5..60 USD decided by a person — approved, rejected or approved with edits.
    for (let i = 0; i < 12; i++) {
      const h = await a.client.requestApproval(refund(500 * (i + 1)))
      if (i % 3 === 0) await decide(w.reviewer.id, h.approvalId, 'reject', { reason: 'no' })
      else if (i % 3 === 1) await decide(w.reviewer.id, h.approvalId, 'approve_with_edits', { edited_payload: { ...h.view.args, ...(await argsOf(h.approvalId)), amount: 400 } })
      else await decide(w.reviewer.id, h.approvalId, 'approve')
    }
    await a.client.requestApproval(refund(100)) // still pending: not part of the backtest
    const draft = { approval: 'required', rules: [{ name: 'small', route: 'auto', when: { amount_at_most: 30 } }] }
    const policiesBefore = await admin().query('select count(*)::int as n from public.tool_policies where tool_id = $1', [w.tools.refund])
    const result = await asUser(w.admin.id, async (c) =>
      (await c.query('select public.agent_policy_backtest($1, $2) as r', [w.tools.refund, draft])).rows[0].r)

    // By the amount asked (origin.amount_base): an edit lowers the approval's amount afterwards.
    const direct = (await admin().query(
      `select count(*)::int as decided,
              count(*) filter (where (ap.origin ->> 'amount_base')::numeric <= 30)::int as auto,
              count(*) filter (where (ap.origin ->> 'amount_base')::numeric <= 30 and ap.status = 'rejected')::int as auto_rejected,
              count(*) filter (where (ap.origin ->> 'amount_base')::numeric <= 30 and ap.status = 'approved' and exists (
                select 1 from public.approval_decisions d where d.approval_id = ap.id and d.decision = 'approve_with_edits'))::int as auto_edited
       from public.approvals ap where ap.tenant_id = $1 and ap.status in ('approved', 'rejected') and ap.decided_by is not null`,
      [w.tenantId])).rows[0]
    expect(direct).toEqual({ decided: 12, auto: 6, auto_rejected: 2, auto_edited: 2 })
    expect(result).toMatchObject({
      decided: direct.decided, would_auto_approve: direct.auto,
      would_auto_approve_rejected: direct.auto_rejected, would_auto_approve_edited: direct.auto_edited,
    })
    expect(result.auto_approved_but_rejected_or_edited).toHaveLength(direct.auto_rejected + direct.auto_edited)
    // Nothing was saved.
    expect((await admin().query('select count(*)::int as n from public.tool_policies where tool_id = $1', [w.tools.refund])).rows[0].n)
      .toBe(policiesBefore.rows[0].n)
  })
})

async function argsOf(approvalId: string): Promise<Record<string, unknown>> {
  return (await admin().query('select payload from public.approvals where id = $1', [approvalId])).rows[0].payload
}

describe('policy sanity', () => {
  it('four-eyes naming a single approver is refused: it could never complete', async () => {
    const w = await agentWorld()
    expect(await pushOne(w.admin.id, mutation('policy.set', {
      tool_id: w.tools.refund, policy: { approval: 'four_eyes', approver_ids: [w.reviewer.id] } })))
      .toMatchObject({ status: 'rejected', code: 'invalid_policy' })
  })
})
