// The console's side of tool policies (issue 12 item 3), through the core as the window calls it:
// the tools a reviewer may set policies for, the policy as the server holds it, the backtest of a
// draft — its numbers equal a direct SQL count over the decided requests — and saving through the
// queue (policy.set through sync_push: applied and audited, or refused with the server's reason).
// Offline, the network-only reads say so with their own code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, createUser } from '../../src/stack/fixtures'
import { admin } from '../support/db'
import { decide } from '../push/support'
import { settled, startCore, waitFor, type TestCore } from '../core/support/harness'
import { agentWorld, newAgent, refund, stack, type AgentWorld, type TestAgent } from './support'

let world: AgentWorld
let agent: TestAgent
let t: TestCore

/** The draft the tests backtest: refunds of at most 50.00 USD approve themselves. */
const DRAFT = {
  name: 'Small refunds',
  approval: 'required' as const,
  rules: [{ name: 'up to 50 USD', route: 'auto' as const, when: { amount_at_most: 50 } }],
}

beforeAll(async () => {
  world = await agentWorld()
  agent = await newAgent(world.tenantId, { name: 'Refund bot' })
  // Decided requests of every kind, below and above the draft's threshold (amounts in cents).
  const cases: [number, 'approve' | 'approve_with_edits' | 'reject'][] = [
    [1000, 'approve'], [2000, 'approve_with_edits'], [3000, 'reject'], [4000, 'reject'],
    [9000, 'approve'], [12000, 'reject'], [15000, 'approve_with_edits'],
  ]
  for (const [cents, decision] of cases) {
    const req = refund(cents)
    const h = await agent.client.requestApproval(req)
    await decide(world.reviewer.id, h.approvalId, decision,
      decision === 'approve_with_edits' ? { edited_payload: { ...req.args, amount: cents - 500 }, reason: 'less' }
        : decision === 'reject' ? { reason: 'no' } : {})
  }
  await agent.client.requestApproval(refund(500)) // still pending: not part of any backtest
  t = await startCore()
  await t.call('session.signIn', { email: world.admin.email, password: world.admin.password })
  await t.call('settings.update', { holdSeconds: 0 })
  // The first sync complete, not one table of it: the backtest lists requests as the replica holds them.
  await settled(t)
})

afterAll(async () => {
  await t?.close()
  await agent?.client.close()
})

/** The draft's backtest counted directly: the intake's recorded base amount, decided by a person. */
async function directCount(maxAmount: number) {
  const { rows } = await admin().query<{ decided: number; auto: number; rejected: number; edited: number; ids: string[] }>(
    `with d as (
       select ap.id, ap.status, (ap.origin ->> 'amount_base')::numeric <= $3 as auto,
              exists (select 1 from public.approval_decisions x where x.approval_id = ap.id and x.decision = 'approve_with_edits') as edited
         from public.approvals ap join public.actions ac on ac.id = ap.action_id
        where ap.tenant_id = $1 and ac.tool ->> 'app' = 'stripe' and ac.tool ->> 'key' = 'refund'
          and ap.status in ('approved', 'rejected') and ap.decided_by is not null and ac.agent_id = $2)
     select count(*)::int as decided, count(*) filter (where auto)::int as auto,
            count(*) filter (where auto and status = 'rejected')::int as rejected,
            count(*) filter (where auto and status = 'approved' and edited)::int as edited,
            coalesce(array_agg(id order by id) filter (where auto and (status = 'rejected' or edited)), '{}') as ids
       from d`,
    [world.tenantId, agent.agentId, maxAmount],
  )
  return rows[0]!
}

describe('the policy editor through the core', () => {
  it('lists the tools the reviewer may set policies for, and reads the policy from the server', async () => {
    const tools = await t.call('policies.tools', { tenantId: world.tenantId })
    expect(tools.map((x) => `${x.app}.${x.key}`).sort()).toEqual(['crm.lookup', 'stripe.payout', 'stripe.refund'])
    const state = await t.call('policies.get', { toolId: world.tools.refund })
    expect(state).toMatchObject({
      baseCurrency: 'USD', agent: null, saved: null, savedAt: null,
      inherited: { name: 'tool default', approval: 'required' },
    })
    expect(state.approvers.map((p) => p.id).sort()).toEqual([world.reviewer.id, world.admin.id].sort())
    expect(state.agents.map((a) => a.name)).toContain('Refund bot')
  })

  it('backtests a draft: its numbers equal a direct SQL count, with the requests behind them', async () => {
    const r = await t.call('policies.backtest', { toolId: world.tools.refund, agentId: agent.agentId, policy: DRAFT })
    const direct = await directCount(50)
    expect(direct).toMatchObject({ decided: 7, auto: 4, rejected: 2, edited: 1 })
    expect({ decided: r.decided, auto: r.wouldAutoApprove, rejected: r.wouldAutoApproveRejected, edited: r.wouldAutoApproveEdited })
      .toEqual({ decided: direct.decided, auto: direct.auto, rejected: direct.rejected, edited: direct.edited })
    expect(r.cases.map((c) => c.approvalId).sort()).toEqual([...direct.ids].sort())
    expect(r.cases.filter((c) => c.outcome === 'edited')).toHaveLength(1)
    expect(r.cases.every((c) => c.agentName === 'Refund bot')).toBe(true)

    // An invalid draft never reaches the server: the contract refuses it in the core.
    await expect(t.call('policies.backtest', {
      toolId: world.tools.refund, policy: { approval: 'auto', rules: [{ name: 'x', route: 'auto', when: { risk_above: 9 } }] },
    })).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('saves through the queue: applied, stored as drafted and audited', async () => {
    const intent = await t.call('intents.create', { kind: 'policy.set', args: { tool_id: world.tools.refund, policy: DRAFT } })
    expect(intent.label).toBe('Set policy · stripe.refund → required')
    await waitFor(async () => (await t.call('history.list', { limit: 10, offset: 0 })).items
      .find((i) => i.clientMutationId === intent.clientMutationId)?.state === 'applied', 20_000, 'the policy applied')
    const { rows } = await admin().query(
      `select p.policy, p.updated_by, (select count(*)::int from public.audit_log a
                                       where a.entity_id = p.id::text and a.action = 'policy.set' and a.actor_id = $2) as audited
         from public.tool_policies p where p.tool_id = $1 and p.agent_id is null`,
      [world.tools.refund, world.admin.id])
    expect(rows).toEqual([{ policy: DRAFT, updated_by: world.admin.id, audited: 1 }])
    const state = await t.call('policies.get', { toolId: world.tools.refund })
    expect(state.saved).toEqual(DRAFT)
  })

  it('a refusal reaches the reviewer with the server’s reason', async () => {
    const outsider = await createUser(stack().dbUrl)
    const intent = await t.call('intents.create', {
      kind: 'policy.set',
      args: { tool_id: world.tools.payout, policy: { approval: 'required', approver_ids: [world.reviewer.id, outsider.id] } },
    })
    const refused = await waitFor(async () => (await t.call('history.list', { limit: 10, offset: 0 })).items
      .find((i) => i.clientMutationId === intent.clientMutationId && i.state === 'rejected'), 20_000, 'the refusal')
    expect(refused.refusal).toEqual({
      code: 'invalid_policy', message: `Approver ${outsider.id} cannot decide approvals in this tenant.` })
    const { rows } = await admin().query('select 1 from public.tool_policies where tool_id = $1', [world.tools.payout])
    expect(rows).toEqual([])
  })

  it('offline, the policy and its backtest say plainly that they need the server', async () => {
    await t.call('sync.setWorkOffline', { offline: true })
    try {
      await expect(t.call('policies.backtest', { toolId: world.tools.refund, policy: DRAFT })).rejects.toMatchObject({ code: 'offline' })
      await expect(t.call('policies.get', { toolId: world.tools.refund })).rejects.toMatchObject({ code: 'offline' })
      // What the replica knows still answers.
      expect(await t.call('policies.tools', { tenantId: world.tenantId })).toHaveLength(3)
    } finally {
      await t.call('sync.setWorkOffline', { offline: false })
    }
  })

  it('a reviewer without policies:manage gets no tools, and the server refuses their backtest', async () => {
    const viewer = await createUser(stack().dbUrl)
    await addMember(stack().dbUrl, { tenantId: world.tenantId, userId: viewer.id, role: 'viewer' })
    const v = await startCore()
    try {
      await v.call('session.signIn', { email: viewer.email, password: viewer.password })
      await settled(v)
      expect(await v.call('policies.tools', { tenantId: world.tenantId })).toEqual([])
      await expect(v.call('policies.get', { toolId: world.tools.refund })).rejects.toMatchObject({ code: 'forbidden' })
      await expect(v.call('policies.backtest', { toolId: world.tools.refund, policy: DRAFT })).rejects.toMatchObject({ code: 'not_found' })
    } finally {
      await v.close()
    }
  })
})
