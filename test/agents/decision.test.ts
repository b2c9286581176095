// What an agent waits for: decision() resolves to approved (with the final, possibly edited, args
// and their hash), rejected (reason and code), expired (distinct from pending) or cancelled; a
// restarted agent resumes by action id; asking again after a rejection is refused and flagged.
import { beforeAll, describe, expect, it } from 'vitest'
import { AgentRefusal } from '../../src/agent-sdk/index'
import { admin } from '../support/db'
import { decide } from '../push/support'
import { addMember, createUser } from '../../src/stack/fixtures'
import { agentWorld, newAgent, refund, setPolicy, signIn, stack, type AgentWorld, type TestAgent } from './support'

let world: AgentWorld
let agent: TestAgent

beforeAll(async () => {
  world = await agentWorld()
  agent = await newAgent(world.tenantId)
})

describe('decision()', () => {
  it('approved: the args as approved, and the approved payload hash', async () => {
    const h = await agent.client.requestApproval(refund(1234))
    const waiting = h.decision({ timeoutMs: 20_000 })
    await decide(world.reviewer.id, h.approvalId, 'approve')
    const d = await waiting
    const { rows } = await admin().query('select payload, payload_hash from public.approvals where id = $1', [h.approvalId])
    expect(d).toEqual({
      outcome: 'approved', args: rows[0].payload, payloadHash: rows[0].payload_hash, edited: false,
      route: 'required', rule: 'default', decidedAt: expect.any(String),
    })
  })

  it('approved with edits: the edited args, not the ones the agent asked for', async () => {
    const req = refund(9000)
    const h = await agent.client.requestApproval(req)
    const waiting = h.decision({ timeoutMs: 20_000 })
    const edited = { ...req.args, amount: 4500 }
    await decide(world.reviewer.id, h.approvalId, 'approve_with_edits', { edited_payload: edited, reason: 'half now' })
    const d = await waiting
    expect(d).toMatchObject({ outcome: 'approved', args: edited, edited: true })
  })

  it('rejected: the reviewer’s reason and a code the agent can act on', async () => {
    const h = await agent.client.requestApproval(refund(777))
    const waiting = h.decision({ timeoutMs: 20_000 })
    await decide(world.reviewer.id, h.approvalId, 'reject', { reason: 'customer already refunded' })
    expect(await waiting).toEqual({
      outcome: 'rejected', reason: 'customer already refunded', reasonCode: 'reviewer_rejected', rule: 'default' })
  })

  it('four-eyes: still pending after the first approval, approved after the second', async () => {
    const w = await agentWorld()
    const a = await newAgent(w.tenantId)
    const second = await createUser(stack().dbUrl)
    await addMember(stack().dbUrl, { tenantId: w.tenantId, userId: second.id, role: 'finance' })
    await setPolicy(w, w.tools.refund, { approval: 'four_eyes' })
    const h = await a.client.requestApproval(refund(5000))
    await decide(w.reviewer.id, h.approvalId, 'approve')
    expect(await h.decision({ timeoutMs: 300 })).toMatchObject({ outcome: 'pending' })
    const waiting = h.decision({ timeoutMs: 20_000 })
    await decide(second.id, h.approvalId, 'approve')
    expect(await waiting).toMatchObject({ outcome: 'approved' })
  })

  it('expired: nobody decided in time — distinct from a timeout while pending', async () => {
    const w = await agentWorld()
    const a = await newAgent(w.tenantId)
    await setPolicy(w, w.tools.refund, { approval: 'required', expires_in_seconds: 60 })
    const h = await a.client.requestApproval(refund(321))
    expect(await h.decision({ timeoutMs: 200 })).toMatchObject({ outcome: 'pending' })
    // The deadline passes (moved into the past rather than waiting a minute).
    await admin().query(`update public.approvals set expires_at = now() - interval '1 second' where id = $1`, [h.approvalId])
    a.client.wake()
    expect(await h.decision({ timeoutMs: 20_000 })).toMatchObject({ outcome: 'expired' })
  })

  it('cancelled: the agent withdraws it, and its wait ends so', async () => {
    const h = await agent.client.requestApproval(refund(654))
    const waiting = h.decision({ timeoutMs: 20_000 })
    await h.cancel('customer changed their mind')
    expect(await waiting).toEqual({ outcome: 'cancelled', reason: 'customer changed their mind' })
    const { rows } = await admin().query(
      `select ap.status, ac.approval_state from public.approvals ap join public.actions ac on ac.id = ap.action_id where ap.id = $1`, [h.approvalId])
    expect(rows[0]).toEqual({ status: 'cancelled', approval_state: 'cancelled' })
  })

  it('survives the agent restarting: a new process resumes by action id, or re-proposes with the same key', async () => {
    const req = refund(4321)
    const before = await agent.client.requestApproval(req)
    await agent.client.close()
    agent = await signIn(agent) // the restarted process

    const resumed = await agent.client.resume(before.actionId)
    const again = await agent.client.requestApproval(req)
    expect(again.actionId).toBe(before.actionId)
    const waiting = Promise.all([resumed.decision({ timeoutMs: 20_000 }), again.decision({ timeoutMs: 20_000 })])
    await decide(world.reviewer.id, before.approvalId, 'approve')
    const [d1, d2] = await waiting
    expect(d1).toMatchObject({ outcome: 'approved', args: req.args })
    expect(d2).toEqual(d1)
  })
})

describe('loop guard', () => {
  it('the same tool and args after a rejection are refused with their own code and flagged for the console', async () => {
    const req = refund(999)
    const h = await agent.client.requestApproval(req)
    await decide(world.reviewer.id, h.approvalId, 'reject', { reason: 'duplicate of order 1001' })

    const refusal = await agent.client.requestApproval({ ...req, idempotencyKey: 'retry-' + req.idempotencyKey })
      .then(() => null, (e: unknown) => e)
    expect(refusal).toBeInstanceOf(AgentRefusal)
    expect(refusal).toMatchObject({ code: 'repeat_after_rejection' })
    const flags = await admin().query(
      `select agent_id, approval_id, detection_method, status, flagged_content from public.hallucination_flags where approval_id = $1`,
      [h.approvalId])
    expect(flags.rows).toEqual([{
      agent_id: agent.agentId, approval_id: h.approvalId, detection_method: 'pattern', status: 'pending',
      flagged_content: expect.stringContaining('duplicate of order 1001'),
    }])
    // Asking a third time is refused again but does not pile up flags while one is open.
    await expect(agent.client.requestApproval({ ...req, idempotencyKey: 'third-' + req.idempotencyKey })).rejects.toMatchObject({ code: 'repeat_after_rejection' })
    expect((await admin().query('select count(*)::int as n from public.hallucination_flags where approval_id = $1', [h.approvalId])).rows[0].n).toBe(1)
    // A changed call is a new request.
    await expect(agent.client.requestApproval({ ...refund(998) })).resolves.toMatchObject({ replayed: false })
  })

  it('a call a policy denied is guarded the same way', async () => {
    const w = await agentWorld()
    const a = await newAgent(w.tenantId)
    await setPolicy(w, w.tools.refund, { approval: 'deny', name: 'no refunds' })
    const req = refund(50)
    expect(await (await a.client.requestApproval(req)).decision()).toMatchObject({ outcome: 'rejected', reasonCode: 'policy_denied' })
    await expect(a.client.requestApproval({ ...req, idempotencyKey: 'again-' + req.idempotencyKey })).rejects.toMatchObject({ code: 'repeat_after_rejection' })
  })
})

describe('what the executor will run', () => {
  it('an edited approval of any kind leaves exactly the approved args on the action', async () => {
    const req = refund(8000, { kind: 'refund' })
    const h = await agent.client.requestApproval(req)
    const edited = { ...req.args, amount: 7000 }
    await decide(world.reviewer.id, h.approvalId, 'approve_with_edits', { edited_payload: edited })
    const { rows } = await admin().query('select args, approval_state from public.actions where id = $1', [h.actionId])
    expect(rows[0]).toEqual({ args: edited, approval_state: 'approved' })
  })
})
