// How a decision is named in the Queue and History (issue 15, "evidence in words"): an approval
// with edits names the amount that will be released and the one it was edited from; an approval
// of a four-eyes request says which of the required approvals it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createMember, createTenant, createToolCallApproval, REFUND_SCHEMA, type TenantRef, type UserRef } from '../support/fixtures'
import { settled, startCore, type TestCore } from './support/harness'

let tenant: TenantRef
let reviewer: UserRef
let colleague: UserRef
let t: TestCore

const MONEY_SCHEMA = { ...REFUND_SCHEMA, 'x-money': { amount: '/amount', currency: '/currency' } }

beforeAll(async () => {
  tenant = await createTenant({ name: 'Labels' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'labels-reviewer', approvalLimit: 100_000 })
  colleague = await createMember(tenant.id, 'finance', { label: 'labels-colleague', approvalLimit: 100_000 })
  t = await startCore()
  await t.call('settings.update', { holdSeconds: 60 })
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
})

afterAll(async () => {
  await t?.close()
})

async function seen(approvalId: string) {
  const { rows } = await admin().query<{ version: number; payload_hash: string }>('select version, payload_hash from public.approvals where id = $1', [
    approvalId,
  ])
  return { version_seen: rows[0]!.version, payload_hash_seen: rows[0]!.payload_hash }
}

describe('decision labels', () => {
  it('name the edited amount that will be released, and the amount it was edited from', async () => {
    const args = { order_id: 'ord_77', amount: 1250, currency: 'USD' }
    const { approval } = await createToolCallApproval(tenant.id, { jsonSchema: MONEY_SCHEMA, args, amount: '1250.00', title: 'Refund order 77', counterparty: null })
    await settled(t)
    const intent = await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approval.id, decision: 'approve_with_edits', edited_payload: { ...args, amount: 900 }, ...(await seen(approval.id)) },
    })
    expect(intent.label).toBe('Approve with edits · Refund order 77 900.00 USD (edited from 1,250.00 USD)')
    await t.call('intents.undo', { clientMutationId: intent.clientMutationId })
  })

  it('say which of the required approvals a four-eyes approval is', async () => {
    const { approval } = await createToolCallApproval(tenant.id, { requiredApprovals: 2, title: 'Pay Globex', amount: '125.50', counterparty: 'Globex' })
    await settled(t)
    const first = await t.call('intents.create', { kind: 'approval.decide', args: { approval_id: approval.id, decision: 'approve', ...(await seen(approval.id)) } })
    expect(first.label).toBe('Approve (1 of 2) · Pay Globex 125.50 USD to Globex')
    await t.call('intents.undo', { clientMutationId: first.clientMutationId })

    // A colleague approved first: mine is the second.
    await admin().query(
      `insert into public.approval_decisions (tenant_id, approval_id, decision, actor_id, payload_hash_seen, version_seen)
       select tenant_id, id, 'approve', $2, payload_hash, version from public.approvals where id = $1`,
      [approval.id, colleague.id],
    )
    await settled(t)
    const second = await t.call('intents.create', { kind: 'approval.decide', args: { approval_id: approval.id, decision: 'approve', ...(await seen(approval.id)) } })
    expect(second.label).toBe('Approve (2 of 2) · Pay Globex 125.50 USD to Globex')
  })
})
