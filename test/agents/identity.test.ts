// An agent signs in as itself and sees only its own requests: not another agent's, not another
// tenant's, nothing of the reviewers' tables; it cannot decide, review or manage anything; and a
// suspended agent is refused at once. Through supabase-js against the real stack, and as SQL under
// the agent's own token claims where a table (not an RPC) is the point.
import { randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { AgentRefusal } from '../../src/agent-sdk/index'
import { signClaims } from '../../src/stack/jwt'
import { supabaseClient } from '../../src/stack/fixtures'
import { admin } from '../support/db'
import { decide, mutation, pushOne } from '../push/support'
import { agentWorld, asAgent, newAgent, refund, stack, type AgentWorld, type TestAgent } from './support'

let world: AgentWorld
let other: AgentWorld
let me: TestAgent
let colleague: TestAgent
let stranger: TestAgent
let mine: string
let theirs: string
let foreign: string

beforeAll(async () => {
  ;[world, other] = await Promise.all([agentWorld(), agentWorld()])
  ;[me, colleague, stranger] = await Promise.all([newAgent(world.tenantId), newAgent(world.tenantId), newAgent(other.tenantId)])
  mine = (await me.client.requestApproval(refund(1000))).approvalId
  theirs = (await colleague.client.requestApproval(refund(2000))).approvalId
  foreign = (await stranger.client.requestApproval(refund(3000))).approvalId
  // A decision on my request, one on my colleague's.
  await decide(world.reviewer.id, mine, 'reject', { reason: 'wrong charge' })
  await decide(world.reviewer.id, theirs, 'approve')
})

describe('agent identity', () => {
  it('the access token carries the agent and its tenant in app_metadata, set only by the service role', () => {
    expect(me.claims.app_metadata).toMatchObject({ agent_id: me.agentId, tenant_id: world.tenantId })
    expect(me.claims.role).toBe('authenticated')
  })

  it('a token that merely claims an agent (no credential bound to it) is not that agent', async () => {
    const { jwtSecret } = stack()
    const forged = await signClaims(jwtSecret, {
      sub: world.reviewer.id,
      role: 'authenticated',
      app_metadata: { agent_id: me.agentId, tenant_id: world.tenantId },
      exp: Math.floor(Date.now() / 1000) + 600,
    })
    const client = supabaseClient(stack(), stack().anonKey, forged)
    const { data, error } = await client.rpc('agent_propose', {
      p_tool: 'stripe.refund', p_args: refund(10).args, p_external_id: randomUUID(),
    })
    expect(error).toBeNull()
    expect(data).toMatchObject({ status: 'refused', code: 'not_an_agent' })
  })

  it('the SDK follows its session: after a token refresh the agent files with the new token, once signed out it files nothing', async () => {
    const agent = await newAgent(world.tenantId)
    const before = (await agent.client.supabase.auth.getSession()).data.session!.access_token
    // A token is issued to the second: refreshed within the same one it could be the same text.
    const issuedAt = (decodeJwt(before).iat ?? 0) * 1000
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThanOrEqual(issuedAt + 1000), { timeout: 3000, interval: 50 })
    const { data, error } = await agent.client.supabase.auth.refreshSession()
    expect(error).toBeNull()
    const after = data.session!.access_token
    expect(after).not.toBe(before)
    // The old token is still valid on the server (a JWT lives until it expires), so only what the
    // SDK sends can tell whether it took the new one: its requests are watched on the way out.
    const http = (agent.client as unknown as { http: { post: (url: URL, headers: Record<string, string>, body: string) => Promise<unknown> } }).http
    const post = http.post.bind(http)
    const sent: string[] = []
    http.post = (url, headers, body) => {
      sent.push(headers.authorization ?? '')
      return post(url, headers, body)
    }
    const filed = await agent.client.requestApproval(refund(100))
    expect(filed.view.state).toBe('pending')
    expect(sent.length).toBeGreaterThan(0)
    expect(new Set(sent)).toEqual(new Set([`Bearer ${after}`]))
    await agent.client.supabase.auth.signOut()
    await expect(agent.client.requestApproval(refund(101))).rejects.toMatchObject({ code: 'not_an_agent' })
  })
})

describe('issuing credentials', () => {
  it('only the service role may create Auth users (and so set app_metadata)', async () => {
    const attempt = { email: `x-${randomUUID()}@agents.invalid`, password: randomUUID(), email_confirm: true,
                      app_metadata: { agent_id: me.agentId, tenant_id: world.tenantId } }
    const anon = await supabaseClient(stack()).auth.admin.createUser(attempt)
    expect(anon.error?.status).toBe(403)
    const asAgentToken = await me.client.supabase.auth.getSession()
    const agentClient = supabaseClient(stack(), stack().anonKey, asAgentToken.data.session!.access_token)
    expect((await agentClient.auth.admin.createUser(attempt)).error?.status).toBe(403)
    const { rows } = await admin().query('select count(*)::int as n from auth.users where email = $1', [attempt.email])
    expect(rows[0].n).toBe(0)
  })
})

describe('what an agent reads', () => {
  it('its own actions, approvals and decisions, and no one else’s', async () => {
    const seen = await asAgent(me, async (c) => ({
      approvals: (await c.query('select id from public.approvals')).rows.map((r) => r.id),
      actions: (await c.query('select agent_id from public.actions')).rows.map((r) => r.agent_id),
      decisions: (await c.query('select approval_id, decision, reason from public.approval_decisions')).rows,
      agents: (await c.query('select id from public.agents')).rows.map((r) => r.id),
    }))
    expect(seen.approvals).toEqual([mine])
    expect(seen.approvals).not.toContain(theirs)
    expect(seen.approvals).not.toContain(foreign)
    expect(new Set(seen.actions)).toEqual(new Set([me.agentId]))
    expect(seen.decisions).toEqual([{ approval_id: mine, decision: 'reject', reason: 'wrong charge' }])
    expect(seen.agents).toEqual([me.agentId])
  })

  it('nothing of the reviewers’ tables', async () => {
    const counts = await asAgent(me, async (c) => {
      const out: Record<string, number> = {}
      for (const t of ['tenants', 'tenant_members', 'tools', 'tool_policies', 'audit_log', 'hallucination_flags',
        'escalations', 'memory_entries', 'trust_ledger', 'outbox', 'approval_delegations', 'review_snoozes', 'tasks']) {
        out[t] = Number((await c.query(`select count(*) from public.${t}`)).rows[0].count)
      }
      return out
    })
    expect(Object.values(counts).every((n) => n === 0), JSON.stringify(counts)).toBe(true)
  })

  it('the SDK’s status call returns only its own requests, even when given another agent’s ids', async () => {
    const colleaguesAction = (await admin().query('select action_id from public.approvals where id = $1', [theirs])).rows[0].action_id
    const views = await me.client.fetch([colleaguesAction])
    expect(views).toEqual([])
    await expect(me.client.resume(colleaguesAction)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('cannot write any table directly', async () => {
    await expect(asAgent(me, (c) => c.query(`update public.approvals set status = 'approved' where id = $1`, [mine])))
      .rejects.toThrow(/permission denied/)
    await expect(asAgent(me, (c) => c.query(`update public.agents set status = 'active' where id = $1`, [me.agentId])))
      .rejects.toThrow(/permission denied/)
  })
})

describe('an agent is not a reviewer', () => {
  it('sync_push refuses every intent from an agent credential', async () => {
    const pending = (await colleague.client.requestApproval(refund(4000))).view
    const { data, error } = await me.client.supabase.rpc('sync_push', {
      p_mutations: [mutation('approval.decide', {
        approval_id: pending.approval_id, decision: 'approve', version_seen: 1,
        payload_hash_seen: (await admin().query('select payload_hash from public.approvals where id = $1', [pending.approval_id])).rows[0].payload_hash,
      }), mutation('agent.resume', { agent_id: me.agentId })],
    })
    expect(error).toBeNull()
    expect((data as { results: { code: string }[] }).results.map((r) => r.code)).toEqual(['agent_not_reviewer', 'agent_not_reviewer'])
    const { rows } = await admin().query('select status from public.approvals where id = $1', [pending.approval_id])
    expect(rows[0].status).toBe('pending')
  })

  it('the backtest and other reviewers’ reads give an agent nothing', async () => {
    const backtest = await me.client.supabase.rpc('agent_policy_backtest', {
      p_tool_id: world.tools.refund, p_policy: { approval: 'auto' },
    })
    expect(backtest.error?.message).toBe('not_found')
    const who = await me.client.supabase.rpc('whoami')
    expect(who.data.tenants).toEqual([])
  })
})

describe('suspending an agent from the console', () => {
  it('needs agents:manage, is audited, and refuses the agent’s next proposal at once', async () => {
    const agent = await newAgent(world.tenantId)
    const denied = await pushOne(world.reviewer.id, mutation('agent.suspend', { agent_id: agent.agentId }))
    expect(denied).toMatchObject({ status: 'rejected', code: 'forbidden' })

    const applied = await pushOne(world.admin.id, mutation('agent.suspend', { agent_id: agent.agentId, reason: 'looping on refunds' }))
    expect(applied.status).toBe('applied')
    const refusal = await agent.client.requestApproval(refund(500)).catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(AgentRefusal)
    expect(refusal).toMatchObject({ code: 'agent_suspended' })
    const audit = await admin().query(
      `select actor_id, action, before_state, after_state, metadata from public.audit_log
       where entity_type = 'agent' and entity_id = $1 and action like 'agent.%' order by id`, [agent.agentId])
    expect(audit.rows.at(-1)).toMatchObject({
      actor_id: world.admin.id, action: 'agent.suspend', before_state: { status: 'active' },
      after_state: { status: 'suspended' }, metadata: { reason: 'looping on refunds' },
    })

    expect((await pushOne(world.admin.id, mutation('agent.resume', { agent_id: agent.agentId }))).status).toBe('applied')
    await expect(agent.client.requestApproval(refund(600))).resolves.toMatchObject({ replayed: false })
  })

  it('an admin of another tenant cannot suspend this tenant’s agent', async () => {
    const refused = await pushOne(other.admin.id, mutation('agent.suspend', { agent_id: me.agentId }))
    expect(refused).toMatchObject({ status: 'rejected', code: 'not_found' })
  })
})
