// approval.reassign hands a request to a named colleague only if that colleague could decide it:
// the server checks the target as it would check them approving (permission, risk ceiling, limit
// in base currency, not the requester, not someone who already approved), refuses otherwise writing nothing, and
// audits the hand-over with both people. The request then waits for the target.
import { beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../support/db'
import { createApproval, createMember, createTenant, type UserRef } from '../support/fixtures'
import { mutation, pushOne, seen } from './support'

let tenant: string
let approver: UserRef // finance: limit 1,000, risk ≤ 3
let senior: UserRef // manager: no limit, risk ≤ 5
let lowLimit: UserRef // ops: limit 100
let viewer: UserRef
let outsider: UserRef

beforeAll(async () => {
  tenant = (await createTenant()).id
  approver = await createMember(tenant, 'finance', { approvalLimit: 1000, maxRisk: 3, label: 'reassign-approver' })
  senior = await createMember(tenant, 'manager', { approvalLimit: null, maxRisk: 5, label: 'reassign-senior' })
  lowLimit = await createMember(tenant, 'ops', { approvalLimit: 100, maxRisk: 5, label: 'reassign-ops' })
  viewer = await createMember(tenant, 'viewer', { label: 'reassign-viewer' })
  outsider = await createMember((await createTenant()).id, 'finance', { label: 'reassign-outsider' })
})

async function reassign(by: UserRef, approvalId: string, to: string, extra: Record<string, unknown> = {}) {
  const a = await seen(approvalId)
  return pushOne(by.id, mutation('approval.reassign', { approval_id: a.id, to_user_id: to, version_seen: a.version, ...extra }))
}

async function approverIds(id: string): Promise<string[]> {
  return (await admin().query<{ approver_ids: string[] }>('select approver_ids from public.approvals where id = $1', [id])).rows[0]!.approver_ids
}

describe('approval.reassign', () => {
  it('hands the request to a colleague who could decide it, and audits both names', async () => {
    const a = await createApproval(tenant, { title: 'Reassign: pay the printer', amount: '500.00', riskLevel: 2 })
    const result = await reassign(approver, a.id, senior.id, { note: 'Maya knows this supplier' })
    expect(result).toMatchObject({ status: 'applied' })
    expect(await approverIds(a.id)).toEqual([senior.id])
    const { rows } = await admin().query<{ actor_id: string; metadata: Record<string, unknown> }>(
      `select actor_id, metadata from public.audit_log where entity_id = $1 and action = 'approval.reassign'`,
      [a.id],
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]!.actor_id).toBe(approver.id)
    expect(rows[0]!.metadata).toMatchObject({ to_user_id: senior.id, to_name: expect.any(String), note: 'Maya knows this supplier' })
    // The one who handed it on is no longer someone it waits for.
    expect(await reassign(approver, a.id, lowLimit.id)).toMatchObject({ status: 'rejected', code: 'not_an_approver' })
  })

  it.each([
    ['a viewer', () => viewer.id],
    ['someone over their limit', () => lowLimit.id],
    ['someone outside the tenant', () => outsider.id],
    ['the requester', () => senior.id],
    ['oneself', () => approver.id],
  ])('refuses to hand it to %s, writing nothing', async (_who, target) => {
    const a = await createApproval(tenant, { title: 'Reassign refused', amount: '500.00', riskLevel: 2, agentId: null, requestedByUserId: senior.id })
    const before = await seen(a.id)
    const result = await reassign(approver, a.id, target())
    expect(result).toMatchObject({ status: 'rejected', code: 'reassign_target_cannot_decide' })
    expect(await seen(a.id)).toEqual(before)
    expect(await approverIds(a.id)).toEqual([])
  })

  it('compares the amount with the target\'s limit in the tenant\'s base currency, at the day\'s rate', async () => {
    const { rows } = await admin().query<{ rate: string }>(`select public.fx_rate_on('GBP', 'USD', current_date)::text as rate`)
    const rate = Number(rows[0]!.rate)
    // 90 GBP is within the 100 USD limit as a number, but not once converted; 70 GBP is within it.
    expect(90 * rate).toBeGreaterThan(100)
    expect(70 * rate).toBeLessThanOrEqual(100)
    const over = await createApproval(tenant, { title: 'Reassign: a GBP refund over the limit', amount: '90.00', currency: 'GBP', riskLevel: 2 })
    const refused = await reassign(approver, over.id, lowLimit.id)
    expect(refused).toMatchObject({ status: 'rejected', code: 'reassign_target_cannot_decide' })
    expect(await approverIds(over.id)).toEqual([])
    const within = await createApproval(tenant, { title: 'Reassign: a GBP refund within the limit', amount: '70.00', currency: 'GBP', riskLevel: 2 })
    expect(await reassign(approver, within.id, lowLimit.id)).toMatchObject({ status: 'applied' })
    expect(await approverIds(within.id)).toEqual([lowLimit.id])
  })

  it('refuses a reviewer who may not decide, and one it is not waiting for', async () => {
    const a = await createApproval(tenant, { title: 'Reassign by the wrong people', amount: '50.00', riskLevel: 1, approverIds: [senior.id] })
    expect(await reassign(viewer, a.id, senior.id)).toMatchObject({ status: 'rejected', code: 'forbidden' })
    expect(await reassign(approver, a.id, lowLimit.id)).toMatchObject({ status: 'rejected', code: 'not_an_approver' })
    expect(await reassign(outsider, a.id, senior.id)).toMatchObject({ status: 'rejected', code: 'not_found' })
    expect(await approverIds(a.id)).toEqual([senior.id])
  })
})
