// A reviewer's console replicates agents' requests with their origin and shows it: the approval
// detail names the agent, the route and rule, the policy and the idempotency key; the agent's
// history names the rule that auto-approved a request; suspending the agent from the console
// without agents:manage comes back refused, with the reason, in the reviewer's queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { settled, startCore, waitFor, type TestCore } from '../core/support/harness'
import { createTenant, createUser, addMember } from '../support/fixtures'
import { DEMO } from '../support/db'
import { addAgentTools, newAgent, refund, type TestAgent } from './support'
import { mutation, pushOne } from '../push/support'

let t: TestCore
let agent: TestAgent

beforeAll(async () => {
  const tenant = await createTenant({ name: 'Console sync' })
  const reviewer = await createUser({ label: 'origin', fullName: 'Olga Origin' })
  const boss = await createUser({ label: 'boss', fullName: 'Bea Boss' })
  await addMember(tenant.id, reviewer.id, 'finance', { approvalLimit: 50_000 })
  await addMember(tenant.id, boss.id, 'admin', { approvalLimit: 50_000 })
  const tools = await addAgentTools(tenant.id)
  agent = await newAgent(tenant.id, { name: 'Refund Desk' })
  const policy = { name: 'small refunds', approval: 'required', rules: [{ name: 'tiny', route: 'auto', when: { amount_at_most: 20 } }] }
  expect((await pushOne(boss.id, mutation('policy.set', { tool_id: tools.refund, policy }))).status).toBe('applied')
  t = await startCore()
  await t.call('settings.update', { holdSeconds: 0 })
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
})

afterAll(async () => {
  await agent?.client.close()
  await t?.close()
})

describe('agents’ requests in the console', () => {
  it('the detail shows where a request came from', async () => {
    const h = await agent.client.requestApproval(refund(50_000, { idempotencyKey: 'order-1001-refund' }))
    await settled(t)
    const d = await waitFor(async () => (await t.call('approvals.detail', { id: h.approvalId }).catch(() => null)), 30_000, 'the request in the replica')
    expect(d.origin).toEqual({
      agentName: 'Refund Desk', externalId: 'order-1001-refund', policyId: expect.any(String),
      policyName: 'small refunds', route: 'required', rule: 'default',
    })
  })

  it('an auto-approved request is in the agent’s history with the rule that approved it', async () => {
    const h = await agent.client.requestApproval(refund(1500))
    expect(h.view.route).toBe('auto')
    await settled(t)
    const detail = await waitFor(async () => {
      const a = await t.call('agents.detail', { agentId: agent.agentId, days: 7 })
      return a.requests.find((r) => r.id === h.approvalId) ? a : null
    }, 30_000, 'the request in the agent’s history')
    expect(detail.requests.find((r) => r.id === h.approvalId)).toMatchObject({
      status: 'approved', decision: null, decidedByName: 'Policy: tiny (auto)', policyRule: 'tiny',
    })
  })

  it('suspending from the console needs agents:manage: the refusal reaches the reviewer', async () => {
    await t.call('intents.create', { kind: 'agent.suspend', args: { agent_id: agent.agentId } })
    await settled(t)
    const queue = await t.call('queue.list', {})
    const mine = queue.find((i) => i.kind === 'agent.suspend')
    expect(mine).toMatchObject({ state: 'rejected', refusal: { code: 'forbidden' } })
  })
})
