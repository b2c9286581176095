// How a decision is named in the Queue and History (issue 15, "evidence in words"): an approval
// with edits names the amount that will be released and the one it was edited from; an approval
// of a four-eyes request says which of the required approvals it is — in History, as the server
// counted it when it applied the decision, so the record reads right whenever it is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createMember, createTenant, createToolCallApproval, REFUND_SCHEMA, type TenantRef, type UserRef } from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

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

  /** A colleague's approval of the payload as it stands, written on the server (as their push would). */
  async function colleagueApproves(approvalId: string, decision: 'approve' | 'approve_with_edits' = 'approve') {
    await admin().query(
      `insert into public.approval_decisions (tenant_id, approval_id, decision, actor_id, payload_hash_seen, version_seen)
       select tenant_id, id, $3, $2, payload_hash, version from public.approvals where id = $1`,
      [approvalId, colleague.id, decision],
    )
  }

  /** My decision as History lists it, once the server has answered it. */
  async function inHistory(clientMutationId: string) {
    return waitFor(async () => {
      await t.call('sync.now', {})
      const { items } = await t.call('history.list', { limit: 50, offset: 0 })
      return items.find((i) => i.clientMutationId === clientMutationId) ?? null
    }, 60_000, 'the decision in History')
  }

  it('read in History as the server counted them: the second approval, when a colleague’s reached the server first', async () => {
    // A short hold: the colleague's approval lands on the server after mine was written, before it is sent.
    await t.call('settings.update', { holdSeconds: 3 })
    const { approval } = await createToolCallApproval(tenant.id, { requiredApprovals: 2, title: 'Pay Initech', amount: '300.00', counterparty: 'Initech' })
    await settled(t)
    const mine = await t.call('intents.create', { kind: 'approval.decide', args: { approval_id: approval.id, decision: 'approve', ...(await seen(approval.id)) } })
    // Written when this replica knew of no approval yet.
    expect(mine.label).toBe('Approve (1 of 2) · Pay Initech 300.00 USD to Initech')
    await colleagueApproves(approval.id)

    const read = await inHistory(mine.clientMutationId)
    expect(read.state).toBe('applied')
    expect(read.label).toBe('Approve (2 of 2) · Pay Initech 300.00 USD to Initech')
    const { rows } = await admin().query<{ status: string }>('select status from public.approvals where id = $1', [approval.id])
    expect(rows[0]!.status).toBe('approved')
  })

  it('read in History as the server counted them: an edit restarts the count, and a later approval is the second', async () => {
    await t.call('settings.update', { holdSeconds: 0 })
    const args = { order_id: 'ord_91', amount: 800, currency: 'USD' }
    const { approval } = await createToolCallApproval(tenant.id, {
      requiredApprovals: 2,
      jsonSchema: MONEY_SCHEMA,
      args,
      amount: '800.00',
      title: 'Refund order 91',
      counterparty: null,
    })
    // The colleague approved the payload as asked; my edit makes theirs count no more.
    await colleagueApproves(approval.id)
    await settled(t)
    const edit = await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approval.id, decision: 'approve_with_edits', edited_payload: { ...args, amount: 650 }, ...(await seen(approval.id)) },
    })
    const edited = await inHistory(edit.clientMutationId)
    expect(edited.state).toBe('applied')
    expect(edited.label).toBe('Approve with edits (1 of 2) · Refund order 91 650.00 USD (edited from 800.00 USD)')

    // The colleague approves the edited payload (the second approval of it): my History still says
    // what my decision was when it was made.
    await colleagueApproves(approval.id)
    await settled(t)
    const { rows } = await admin().query<{ n: number }>(
      `select count(distinct actor_id)::int as n from public.approval_decisions d join public.approvals a on a.id = d.approval_id
        where a.id = $1 and d.payload_hash_approved = a.payload_hash`,
      [approval.id],
    )
    expect(rows[0]!.n).toBe(2)
    expect((await inHistory(edit.clientMutationId)).label).toBe(edited.label)
  })
})
