// Every refusal of approval.decide comes back with its own stable code and writes nothing but the
// ledger row that makes a replay return the same refusal (rule 1's expiry is the one write that
// outlives its refusal).
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createApproval,
  createMember,
  createTenant,
  createToolCallApproval,
  createUser,
  type UserRef,
} from '../support/fixtures'
import { admin } from '../support/db'
import { decideArgs, footprint, ledgerRows, mutation, pushOne, seen, type SeenApproval } from './support'
import type { DecisionKind } from '../../src/shared/contract-domain'

let tenant: string
let approver: UserRef // finance: limit 1,000, risk ≤ 3
let senior: UserRef // manager: no limit, risk ≤ 5
let viewer: UserRef
let outsider: UserRef

beforeAll(async () => {
  tenant = (await createTenant()).id
  approver = await createMember(tenant, 'finance', { approvalLimit: 1000, maxRisk: 3 })
  senior = await createMember(tenant, 'manager', { approvalLimit: null, maxRisk: 5 })
  viewer = await createMember(tenant, 'viewer')
  outsider = await createMember((await createTenant()).id, 'finance')
})

/** Pushes a decision and proves it was refused with `code` and left the approval untouched. */
async function expectRefused(
  userId: string,
  approval: SeenApproval,
  decision: DecisionKind,
  code: string,
  extra: Parameters<typeof decideArgs>[2] & { args?: Record<string, unknown> } = {},
  status: 'rejected' | 'conflict' = 'rejected',
) {
  const { args, ...decisionExtra } = extra
  const before = await footprint(approval.id)
  const m = mutation('approval.decide', { ...decideArgs(approval, decision, decisionExtra), ...args })
  const result = await pushOne(userId, m)
  expect(result).toMatchObject({ status, code, row: null })
  expect(result.message).toEqual(expect.any(String))
  expect(await footprint(approval.id)).toEqual(before)
  // The refusal itself is remembered: a replay returns it without running the rules again.
  expect(await ledgerRows(m.client_mutation_id)).toBe(1)
  expect(await pushOne(userId, m)).toEqual(result)
  return result
}

describe('approval.decide refusals', () => {
  it('not_found: an approval that does not exist, or sits in a tenant the reviewer cannot see', async () => {
    const a = await seen((await createApproval(tenant)).id)
    await expectRefused(approver.id, { ...a, id: randomUUID() }, 'approve', 'not_found')
    await expectRefused(outsider.id, a, 'approve', 'not_found')
  })

  it('not_found: a reviewer whose membership was removed', async () => {
    const gone = await createMember(tenant, 'finance')
    await admin().query('update public.tenant_members set is_active = false where user_id = $1', [gone.id])
    await expectRefused(gone.id, await seen((await createApproval(tenant)).id), 'approve', 'not_found')
  })

  it('forbidden: a viewer may read but not decide', async () => {
    const a = await seen((await createApproval(tenant)).id)
    await expectRefused(viewer.id, a, 'approve', 'forbidden')
    await expectRefused(viewer.id, a, 'reject', 'forbidden', { reason: 'no' })
  })

  it('approval_expired: the decision arrives after expires_at, and the approval becomes expired', async () => {
    const tc = await createToolCallApproval(tenant, { expiresAt: -60 })
    const a = await seen(tc.approval.id)
    const before = await footprint(a.id)
    const m = mutation('approval.decide', decideArgs(a, 'approve'))
    const result = await pushOne(approver.id, m)
    expect(result).toMatchObject({ status: 'rejected', code: 'approval_expired', row: null })
    const after = await footprint(a.id)
    // Rule 1's write survives the refusal: expired (a new version), the action too, one system entry.
    expect(after).toEqual({
      ...before,
      status: 'expired',
      version: before.version + 1,
      action_state: 'expired',
      audit_entries: before.audit_entries + 1,
    })
    const { rows } = await admin().query(
      `select actor_type, action from public.audit_log where tenant_id = $1 and entity_id = $2`,
      [tenant, a.id],
    )
    expect(rows).toEqual([{ actor_type: 'system', action: 'approval.expired' }])
    // A later decision on the now-expired approval is refused the same way, and changes nothing.
    await expectRefused(senior.id, await seen(a.id), 'reject', 'approval_expired', { reason: 'late' })
  })

  it('already_decided: someone else got there first (conflict)', async () => {
    const a = await seen((await createApproval(tenant, { status: 'approved' })).id)
    await expectRefused(approver.id, a, 'approve', 'already_decided', {}, 'conflict')
    const r = await seen((await createApproval(tenant, { status: 'rejected' })).id)
    await expectRefused(approver.id, r, 'reject', 'already_decided', {}, 'conflict')
  })

  it('stale_version: the approval changed since the reviewer saw it (conflict)', async () => {
    const a = await seen((await createApproval(tenant)).id)
    await expectRefused(approver.id, { ...a, version: a.version + 1 }, 'approve', 'stale_version', {}, 'conflict')
    await expectRefused(approver.id, { ...a, payload_hash: 'f'.repeat(64) }, 'approve', 'stale_version', {}, 'conflict')
    // The payload was edited after the reviewer looked: their version is now stale.
    await admin().query(`update public.approvals set payload = '{"order_id":"ord_1","amount":1}' where id = $1`, [a.id])
    await expectRefused(approver.id, a, 'approve', 'stale_version', {}, 'conflict')
  })

  it('self_approval: the requester never decides its own request', async () => {
    const a = await seen((await createApproval(tenant, { requestedByUserId: approver.id, agentId: null })).id)
    await expectRefused(approver.id, a, 'approve', 'self_approval')
    await expectRefused(approver.id, a, 'reject', 'self_approval', { reason: 'mine' })
  })

  it('duplicate_approver: the same reviewer cannot give both approvals of a four-eyes request', async () => {
    const id = (await createApproval(tenant, { requiredApprovals: 2 })).id
    const first = await pushOne(approver.id, mutation('approval.decide', decideArgs(await seen(id), 'approve')))
    expect(first).toMatchObject({ status: 'applied', row: { status: 'pending' } })
    await expectRefused(approver.id, await seen(id), 'approve', 'duplicate_approver')
  })

  it('not_an_approver: the request names its approvers and this reviewer is not one', async () => {
    const a = await seen((await createApproval(tenant, { approverIds: [senior.id] })).id)
    await expectRefused(approver.id, a, 'approve', 'not_an_approver')
  })

  it('risk_above_max: above the highest risk level the reviewer may decide', async () => {
    const a = await seen((await createApproval(tenant, { riskLevel: 4, amount: '10.00' })).id)
    await expectRefused(approver.id, a, 'approve', 'risk_above_max')
  })

  it('over_limit: the amount is above the reviewer’s approval limit', async () => {
    const a = await seen((await createApproval(tenant, { amount: '1000.01' })).id)
    await expectRefused(approver.id, a, 'approve', 'over_limit')
    // At the limit is within it.
    const b = await seen((await createApproval(tenant, { amount: '1000.00' })).id)
    const ok = await pushOne(approver.id, mutation('approval.decide', decideArgs(b, 'approve')))
    expect(ok).toMatchObject({ status: 'applied', code: null, row: { status: 'approved' } })
  })

  it('invalid_payload: an edit that breaks the tool’s JSON schema', async () => {
    const { approval } = await createToolCallApproval(tenant)
    const a = await seen(approval.id)
    const bad = [
      { order_id: 'ord_1', amount: -5, currency: 'USD' }, // exclusiveMinimum 0
      { order_id: 'ord_1', amount: 5, currency: 'usd' }, // pattern
      { order_id: 'ord_1', amount: 5, currency: 'USD', extra: true }, // additionalProperties: false
      { order_id: 'ord_1', currency: 'USD' }, // required
      { order_id: 'ord_1', amount: '5', currency: 'USD' }, // type
      { order_id: '', amount: 5, currency: 'USD' }, // minLength
    ]
    for (const edited_payload of bad) {
      const r = await expectRefused(approver.id, a, 'approve_with_edits', 'invalid_payload', { edited_payload })
      expect(r.message).toMatch(/\$\./)
    }
  })

  it('reason_required: rejecting a risk ≥ 4 request needs a reason', async () => {
    const a = await seen((await createApproval(tenant, { riskLevel: 4 })).id)
    await expectRefused(senior.id, a, 'reject', 'reason_required')
    await expectRefused(senior.id, a, 'reject', 'reason_required', { reason: '   ' })
    const ok = await pushOne(senior.id, mutation('approval.decide', decideArgs(a, 'reject', { reason: 'Duplicate refund' })))
    expect(ok).toMatchObject({ status: 'applied', row: { status: 'rejected', decision_reason: 'Duplicate refund' } })
  })

  it('invalid_input: arguments of the wrong type or shape', async () => {
    const a = await seen((await createApproval(tenant)).id)
    await expectRefused(approver.id, a, 'approve', 'invalid_input', { args: { decision: 'maybe' } })
    await expectRefused(approver.id, a, 'approve', 'invalid_input', { args: { version_seen: '1' } })
    await expectRefused(approver.id, a, 'approve', 'invalid_input', { args: { version_seen: 1.5 } })
    await expectRefused(approver.id, a, 'approve', 'invalid_input', { args: { approval_id: 'not-a-uuid' } })
    await expectRefused(approver.id, a, 'approve', 'invalid_input', { args: { surprise: 1 } })
    await expectRefused(approver.id, a, 'approve', 'invalid_input', { args: { reason: 42 } })
    // An edited payload belongs to approve_with_edits only, and approve_with_edits needs one.
    await expectRefused(approver.id, a, 'approve', 'invalid_input', { edited_payload: { amount: 1 } })
    await expectRefused(approver.id, a, 'approve_with_edits', 'invalid_input')
  })

  it('refuses a non-member with no profile in the tenant exactly like a missing approval', async () => {
    const stranger = await createUser()
    await expectRefused(stranger.id, await seen((await createApproval(tenant)).id), 'approve', 'not_found')
  })
})
