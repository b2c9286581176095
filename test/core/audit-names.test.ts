// The audit log in words (issue 15, "Reading"): each entry names what it touched as a reader would —
// an approval by title, counterparty and amount, an action by tool and agent, an agent, tenant, user
// or policy by name — and who did it, with a request a policy decided on its own credited to that
// policy rather than to the agent that asked. An entity the replica does not hold names no uuid.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import {
  addMember,
  createAgent,
  createAuditEntry,
  createMember,
  createTenant,
  createToolCallApproval,
  createUser,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { settled, startCore, type TestCore } from './support/harness'

let tenant: TenantRef
let reviewer: UserRef
let t: TestCore

beforeAll(async () => {
  tenant = await createTenant({ name: 'Audit words' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'audit-words' })
  t = await startCore()
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
})

afterAll(async () => {
  await t?.close()
})

/** The newest entry of the tenant with this action, as the Audit view lists it. */
async function listed(action: string) {
  const page = await t.call('audit.list', { tenantId: tenant.id, action, limit: 5, offset: 0 })
  expect(page.items, action).toHaveLength(1)
  return page.items[0]!
}

describe('audit entries in words', () => {
  it('name each entity as a reader would, and say only its kind when the replica lacks it', async () => {
    const agent = await createAgent(tenant.id, { name: 'Refund Desk' })
    const { approval, action } = await createToolCallApproval(tenant.id, {
      agentId: agent.id,
      title: 'Refund order 4411',
      amount: '1250.00',
      currency: 'EUR',
      counterparty: 'Globex',
    })
    const colleague = await createUser({ label: 'audit-words-colleague', fullName: 'Cora Colleague' })
    await addMember(tenant.id, colleague.id, 'ops')
    await createAuditEntry(tenant.id, { action: 'approval.created', entityType: 'approval', entityId: approval.id })
    await createAuditEntry(tenant.id, { action: 'action.proposed', entityType: 'action', entityId: action.id })
    await createAuditEntry(tenant.id, { action: 'agent.suspended', entityType: 'agent', entityId: agent.id })
    await createAuditEntry(tenant.id, { action: 'tenant.renamed', entityType: 'tenant', entityId: tenant.id })
    await createAuditEntry(tenant.id, { action: 'user.invited', entityType: 'user', entityId: colleague.id })
    await createAuditEntry(tenant.id, {
      action: 'policy.set',
      entityType: 'tool_policy',
      entityId: randomUUID(),
      afterState: { policy: { name: 'small refunds', approval: 'required' } },
      metadata: { tool: 'stripe.refund' },
    })
    await createAuditEntry(tenant.id, { action: 'approval.purged', entityType: 'approval', entityId: randomUUID() })
    await settled(t)

    expect((await listed('approval.created')).entityName).toBe('Refund order 4411 to Globex · 1,250.00 EUR')
    // The fixture's tool is named after its key: "<key> by <agent>".
    expect((await listed('action.proposed')).entityName).toMatch(/^refund_\w+ by Refund Desk$/)
    expect((await listed('agent.suspended')).entityName).toBe('Refund Desk')
    expect((await listed('tenant.renamed')).entityName).toBe('Audit words')
    expect((await listed('policy.set')).entityName).toBe('small refunds')
    expect((await listed('user.invited')).entityName).toBe('Cora Colleague')
    const gone = await listed('approval.purged')
    expect(gone).toMatchObject({ entityType: 'approval', entityName: null })
  })

  it('credit a request a policy decided to that policy, by rule or by the policy’s name', async () => {
    const agent = await createAgent(tenant.id, { name: 'Payout Bot' })
    const { approval: ruled } = await createToolCallApproval(tenant.id, { agentId: agent.id, title: 'Refund order 17' })
    const { approval: byDefault } = await createToolCallApproval(tenant.id, { agentId: agent.id, title: 'Refund order 18' })
    await admin().query(`update public.approvals set origin = $2 where id = $1`, [
      byDefault.id,
      { agent_id: agent.id, policy_name: 'small refunds', route: 'deny', rule: 'default' },
    ])
    await createAuditEntry(tenant.id, {
      actorType: 'agent',
      actorId: agent.id,
      action: 'approval.auto_approved',
      entityType: 'approval',
      entityId: ruled.id,
      metadata: { route: 'auto', rule: 'refunds under 500 EUR' },
    })
    await createAuditEntry(tenant.id, {
      actorType: 'agent',
      actorId: agent.id,
      action: 'approval.policy_denied',
      entityType: 'approval',
      entityId: byDefault.id,
      metadata: { route: 'deny', rule: 'default' },
    })
    await createAuditEntry(tenant.id, { actorType: 'agent', actorId: agent.id, action: 'approval.requested', entityType: 'approval', entityId: ruled.id })
    await createAuditEntry(tenant.id, { actorType: 'user', actorId: reviewer.id, action: 'approval.approve', entityType: 'approval', entityId: ruled.id })
    await createAuditEntry(tenant.id, { actorType: 'user', actorId: randomUUID(), action: 'approval.reject', entityType: 'approval', entityId: ruled.id })
    await settled(t)

    expect(await listed('approval.auto_approved')).toMatchObject({ actorName: 'Policy: refunds under 500 EUR (auto)', byPolicy: true })
    expect(await listed('approval.policy_denied')).toMatchObject({ actorName: 'Policy: small refunds (denied)', byPolicy: true })
    expect(await listed('approval.requested')).toMatchObject({ actorName: 'Payout Bot', byPolicy: false })
    expect((await listed('approval.approve')).actorName).toMatch(/^audit-words/)
    expect((await listed('approval.reject')).actorName).toBe('A reviewer not on this console')

    // The approval's own audit trail (the detail) names actors the same way.
    const detail = await t.call('approvals.detail', { id: ruled.id })
    expect(detail.audit.map((a) => a.actorName)).toEqual(
      expect.arrayContaining(['Policy: refunds under 500 EUR (auto)', 'Payout Bot', 'A reviewer not on this console']),
    )
  })
})
