// agent_propose as an agent calls it: the same idempotency key returns the same request (also when
// many copies race), and every refusal comes back with its own stable code and files nothing.
import { beforeAll, describe, expect, it } from 'vitest'
import { AgentRefusal, type ApprovalHandle, type ApprovalRequest } from '../../src/agent-sdk/index'
import { isErrorCode } from '../../src/shared/errors'
import { admin } from '../support/db'
import { agentWorld, newAgent, refund, type AgentWorld, type TestAgent } from './support'

let world: AgentWorld
let agent: TestAgent

beforeAll(async () => {
  world = await agentWorld()
  agent = await newAgent(world.tenantId)
})

async function actionsOf(agentId: string): Promise<number> {
  const { rows } = await admin().query('select count(*)::int as n from public.actions where agent_id = $1', [agentId])
  return rows[0].n
}

async function refusalOf(a: TestAgent, req: ApprovalRequest): Promise<string> {
  const before = await actionsOf(a.agentId)
  const err = await a.client.requestApproval(req).then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(AgentRefusal)
  expect(await actionsOf(a.agentId)).toBe(before)
  const code = (err as AgentRefusal).code
  expect(isErrorCode(code), `${code} is in src/shared/errors.ts`).toBe(true)
  return code
}

describe('idempotency', () => {
  it('the same key returns the same request, and files it once', async () => {
    const req = refund(1500)
    const first = await agent.client.requestApproval(req)
    const again = await agent.client.requestApproval(req)
    expect(first.replayed).toBe(false)
    expect(again.replayed).toBe(true)
    expect(again.actionId).toBe(first.actionId)
    expect(again.approvalId).toBe(first.approvalId)
  })

  it('twenty concurrent copies of one proposal make one action and one approval', async () => {
    // Twenty calls racing on the server, not filed together by the SDK.
    const racing = await newAgent(world.tenantId, { fileTogether: false })
    const req = refund(2500)
    const handles = await Promise.all(Array.from({ length: 20 }, () => racing.client.requestApproval(req)))
    expect(new Set(handles.map((h) => h.actionId)).size).toBe(1)
    expect(handles.filter((h) => !h.replayed)).toHaveLength(1)
    const { rows } = await admin().query(
      `select count(distinct ac.id)::int as actions, count(ap.id)::int as approvals
       from public.actions ac join public.approvals ap on ap.action_id = ac.id
       where ac.tenant_id = $1 and ac.external_id = $2`, [world.tenantId, req.idempotencyKey])
    expect(rows[0]).toEqual({ actions: 1, approvals: 1 })
  })

  it('a key reused for a different call is refused, not silently mapped to the first', async () => {
    const req = refund(3500)
    await agent.client.requestApproval(req)
    expect(await refusalOf(agent, { ...req, args: { ...req.args, amount: 3600 } })).toBe('idempotency_conflict')
    // Another agent of the tenant cannot take over the key either.
    const other = await newAgent(world.tenantId)
    expect(await refusalOf(other, req)).toBe('idempotency_conflict')
  })

  it('the same key in another tenant is another request', async () => {
    const elsewhere = await agentWorld()
    const stranger = await newAgent(elsewhere.tenantId)
    const req = refund(4500)
    const mine = await agent.client.requestApproval(req)
    const theirs = await stranger.client.requestApproval(req)
    expect(theirs.replayed).toBe(false)
    expect(theirs.actionId).not.toBe(mine.actionId)
  })
})

describe('refusals, each with its code', () => {
  it('unknown_tool', async () => {
    expect(await refusalOf(agent, { ...refund(100), tool: 'stripe.teleport' })).toBe('unknown_tool')
  })

  it('tool_not_writable', async () => {
    expect(await refusalOf(agent, { ...refund(100), tool: { app: 'crm', key: 'lookup' }, args: {} })).toBe('tool_not_writable')
  })

  it('invalid_args: arguments that break the tool’s JSON Schema', async () => {
    const req = refund(100)
    expect(await refusalOf(agent, { ...req, args: { ...req.args, amount: -5 } })).toBe('invalid_args')
    expect(await refusalOf(agent, { ...req, args: { ...req.args, surprise: true } })).toBe('invalid_args')
  })

  it('invalid_input: a malformed call', async () => {
    expect(await refusalOf(agent, { ...refund(100), tool: 'no-dot' })).toBe('invalid_input')
    expect(await refusalOf(agent, { ...refund(100), idempotencyKey: 'x'.repeat(201) })).toBe('invalid_input')
    expect(await refusalOf(agent, { ...refund(100), risk: 9 })).toBe('invalid_input')
  })

  it('autonomy_forbids: an A1 (suggest-only) agent', async () => {
    const a1 = await newAgent(world.tenantId, { autonomy: 'A1' })
    expect(await refusalOf(a1, refund(100))).toBe('autonomy_forbids')
  })

  it('agent_tier_forbids: a call riskier than the agent’s risk tier', async () => {
    const timid = await newAgent(world.tenantId, { riskTier: 1 })
    expect(await refusalOf(timid, refund(100))).toBe('agent_tier_forbids') // stripe.refund is risk 2
    // Declaring a higher risk is allowed up to the tier (this agent's tier is 5).
    const risky = await agent.client.requestApproval({ ...refund(100), risk: 5 })
    expect(risky.view.risk).toBe(5)
  })

  it('agent_suspended', async () => {
    const a = await newAgent(world.tenantId)
    await admin().query(`update public.agents set status = 'suspended' where id = $1`, [a.agentId])
    expect(await refusalOf(a, refund(100))).toBe('agent_suspended')
  })

  it('rate_limited: the tool’s bucket runs dry, and a replay costs no token', async () => {
    const w = await agentWorld()
    const a = await newAgent(w.tenantId)
    await admin().query(
      `insert into public.rate_buckets (tenant_id, bucket, per_minute, tokens) values ($1, 'stripe-write', 3, 3)`, [w.tenantId])
    const first = refund(100)
    await a.client.requestApproval(first)
    await a.client.requestApproval(first) // replayed: no token
    await a.client.requestApproval(refund(101))
    await a.client.requestApproval({ ...refund(102), tool: 'stripe.payout', args: {
      amount: 500, currency: 'usd', destination: 'ba_12345678901234', method: 'standard', metadata: { beneficiary: 'Acme' } } })
    expect(await refusalOf(a, refund(103))).toBe('rate_limited')
  })

  it('rate_limited under a race: five tokens accept exactly five of twenty proposals, and the refused file nothing', async () => {
    // The token is taken after the request's rows are written; a dry bucket must undo them all.
    const w = await agentWorld()
    const a = await newAgent(w.tenantId, { fileTogether: false })
    await admin().query(
      `insert into public.rate_buckets (tenant_id, bucket, per_minute, tokens) values ($1, 'stripe-write', 5, 5)`, [w.tenantId])
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      a.client.requestApproval(refund(200 + i)).then(
        () => 'accepted',
        (e: unknown) => (e instanceof AgentRefusal ? e.code : String(e)))))
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(5)
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(15)
    const { rows } = await admin().query(
      `select (select count(*)::int from public.actions where agent_id = $1) as actions,
              (select count(*)::int from public.approvals where requested_by_agent_id = $1) as approvals,
              (select count(*)::int from public.audit_log where actor_id = $1) as audited,
              -- Every refused call still counted against the bucket: it is in debt, not refilled.
              (select tokens < 0 from public.rate_buckets where tenant_id = $2 and bucket = 'stripe-write') as in_debt,
              public.verify_audit_chain($2) as chain_break`,
      [a.agentId, w.tenantId])
    expect(rows[0]).toEqual({ actions: 5, approvals: 5, audited: 5, in_debt: true, chain_break: null })
  })
})

describe('several requests in one call (requestApprovals)', () => {
  it('judges each request as a single call would, in order, and files only the accepted', async () => {
    const a = await newAgent(world.tenantId)
    const earlier = refund(5100)
    const filedAlone = await a.client.requestApproval(earlier)
    const fresh = refund(5200)
    const bad = refund(5300)
    const before = await actionsOf(a.agentId)
    const answers = await a.client.requestApprovals([
      fresh,
      earlier, // its key was filed before: the same request comes back
      { ...bad, args: { ...bad.args, amount: -5 } },
      { ...refund(5400), tool: 'stripe.teleport' },
      { ...refund(5500), taskId: 'not-a-uuid' },
      fresh, // the same key twice in one batch: filed once
    ])
    const codes = answers.map((x) => (x instanceof AgentRefusal ? x.code : x.replayed ? 'replayed' : 'accepted'))
    expect(codes).toEqual(['accepted', 'replayed', 'invalid_args', 'unknown_tool', 'invalid_input', 'replayed'])
    const [filed, replayed, , , , again] = answers as ApprovalHandle[]
    expect(replayed!.actionId).toBe(filedAlone.actionId)
    expect(again!.actionId).toBe(filed!.actionId)
    const { rows } = await admin().query(
      `select (select count(*)::int from public.actions where agent_id = $1) as actions,
              (select count(*)::int from public.audit_log where actor_id = $1 and entity_id = $2) as audited,
              public.verify_audit_chain($3) as chain_break`,
      [a.agentId, filed!.approvalId, world.tenantId])
    expect(rows[0]).toEqual({ actions: before + 1, audited: 1, chain_break: null })
  })

  it('files the requests an agent makes at once together, each with the answer a call of its own gets', async () => {
    const together = await newAgent(world.tenantId)
    const alone = await newAgent(world.tenantId, { fileTogether: false })
    const calls: string[] = []
    const call = together.client.call.bind(together.client)
    together.client.call = (fn, params) => {
      calls.push(fn)
      return call(fn, params)
    }
    const codeOf = (x: PromiseSettledResult<ApprovalHandle>) =>
      x.status === 'rejected' ? (x.reason instanceof AgentRefusal ? x.reason.code : String(x.reason)) : x.value.replayed ? 'replayed' : 'accepted'
    // The same mix, keys of its own for each agent (a key is the tenant's).
    const mix = (tag: string): ApprovalRequest[] => {
      const fresh = { ...refund(6100), idempotencyKey: `${tag}-fresh` }
      return [
        fresh,
        { ...refund(6200), args: { ...refund(6200).args, amount: -5 } },
        { ...refund(6300), tool: 'stripe.teleport' },
        fresh,
        { ...refund(6400), idempotencyKey: `${tag}-other` },
      ]
    }
    const filedTogether = await Promise.allSettled(mix('t').map((r) => together.client.requestApproval(r)))
    const filedAlone = await Promise.allSettled(mix('s').map((r) => alone.client.requestApproval(r)))
    expect(calls).toEqual(['agent_propose_many'])
    expect(filedTogether.map(codeOf)).toEqual(['accepted', 'invalid_args', 'unknown_tool', 'replayed', 'accepted'])
    // Alone, the two copies race: which one files it is not said, only that one does.
    expect(filedAlone.map(codeOf).sort()).toEqual(filedTogether.map(codeOf).sort())
    const [first, , , copy] = filedTogether.map((x) => (x.status === 'fulfilled' ? x.value : null))
    expect(copy!.actionId).toBe(first!.actionId)

    // A request on its own goes at once, as agent_propose; one made while a call is on its way
    // waits for it and goes in the next.
    calls.length = 0
    const lone = await together.client.requestApproval(refund(6500))
    expect(calls).toEqual(['agent_propose'])
    expect(lone.replayed).toBe(false)
    calls.length = 0
    const firstCall = together.client.requestApproval(refund(6600))
    await new Promise((r) => setImmediate(r))
    const next = [together.client.requestApproval(refund(6700)), together.client.requestApproval(refund(6800))]
    await Promise.all([firstCall, ...next])
    expect(calls).toEqual(['agent_propose', 'agent_propose_many'])
    // Filed: the two accepted of the mix, then the four above; nothing twice.
    expect(await actionsOf(together.agentId)).toBe(6)

    // Closed before its turn came, a request is not filed, and its caller hears so.
    const refused = expect(together.client.requestApproval(refund(6900))).rejects.toThrow('AgentClient closed')
    await together.client.close()
    await refused
    await expect(together.client.requestApproval(refund(7000))).rejects.toThrow('AgentClient closed')
    expect(calls).toEqual(['agent_propose', 'agent_propose_many'])
    expect(await actionsOf(together.agentId)).toBe(6)
  })

  it('a list that is empty or longer than 100 is refused whole, filing nothing', async () => {
    const a = await newAgent(world.tenantId)
    for (const requests of [[], Array.from({ length: 101 }, (_, i) => ({ tool: 'stripe.refund', args: refund(i + 1).args, external_id: `k-${i}` }))]) {
      const { data, error } = await a.client.supabase.rpc('agent_propose_many', { p_requests: requests })
      expect(error).toBeNull()
      expect(data).toMatchObject({ status: 'refused', code: 'invalid_input' })
    }
    expect(await actionsOf(a.agentId)).toBe(0)
  })
})
