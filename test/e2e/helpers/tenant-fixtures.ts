// A holding with two subsidiaries and a manager of the holding (who sees all three), approvals in
// each, and what the segregation-of-duties report looks for: decisions planted as the superuser,
// past sync_push (which refuses them), and delegations. Shared by the core and end-to-end tests of
// the tenant switcher and the exports; every call makes fresh rows.
import { admin } from '../../support/db'
import { addMember, createAgent, createApproval, createTenant, createUser, type ApprovalRow, type TenantRef, type UserRef } from '../../support/fixtures'

export interface HoldingGroup {
  holding: TenantRef
  retail: TenantRef
  payments: TenantRef
  manager: UserRef & { fullName: string }
}

/** "<label> Group" (holding) over "<label> Retail" and "<label> Payments"; its manager decides in all three. */
export async function createHoldingGroup(label: string): Promise<HoldingGroup> {
  const holding = await createTenant({ name: `${label} Group`, kind: 'holding' })
  const retail = await createTenant({ name: `${label} Retail`, parentId: holding.id })
  const payments = await createTenant({ name: `${label} Payments`, parentId: holding.id })
  const fullName = `${label} Manager`
  const manager = await createUser({ label: `${label.toLowerCase()}-manager`, fullName })
  await addMember(holding.id, manager.id, 'manager', { approvalLimit: 100_000 })
  return { holding, retail, payments, manager: { ...manager, fullName } }
}

/** `count` pending refunds in the tenant, requested by one agent, titled "<prefix> n". */
export async function seedPending(tenantId: string, count: number, prefix: string): Promise<ApprovalRow[]> {
  const agent = await createAgent(tenantId, { name: `${prefix} Desk` })
  const rows: ApprovalRow[] = []
  for (let i = 0; i < count; i++) {
    rows.push(
      await createApproval(tenantId, {
        agentId: agent.id,
        title: `${prefix} ${i + 1}`,
        riskLevel: 1 + (i % 3),
        amount: (50 + i * 10).toFixed(2),
        expiresAt: 86_400 + i * 60,
      }),
    )
  }
  return rows
}

/**
 * What the switcher's count for a tenant must equal: the server's pending, unexpired approvals there
 * that the user may decide (permission through membership or a holding, not their own request, on
 * the approver list when there is one, not already decided by them).
 */
export async function serverDecidableCount(userId: string, tenantId: string): Promise<number> {
  const { rows } = await admin().query<{ n: number }>(
    `select count(*)::int as n from public.approvals a
      where a.tenant_id = $2 and a.status = 'pending' and a.deleted_at is null
        and (a.expires_at is null or a.expires_at > now())
        and public.has_permission(a.tenant_id, $1, 'approvals:decide')
        and a.requested_by_user_id is distinct from $1
        and (cardinality(a.approver_ids) = 0 or $1 = any (a.approver_ids))
        and not exists (select 1 from public.approval_decisions d where d.approval_id = a.id and d.actor_id = $1)`,
    [userId, tenantId],
  )
  return rows[0]!.n
}

/**
 * An approving decision written straight into approval_decisions, as a bug or a rogue script would:
 * sync_push would refuse it, which is exactly why the report must find it. The approval is marked
 * approved (or rejected) the same way.
 */
export async function plantDecision(
  approval: { id: string; tenant_id: string },
  actorId: string,
  opts: { onBehalfOf?: string; decision?: 'approve' | 'approve_with_edits' | 'reject'; reason?: string; at?: Date } = {},
): Promise<{ id: string }> {
  const db = admin()
  const decision = opts.decision ?? 'approve'
  const { rows } = await db.query<{ id: string }>(
    `insert into public.approval_decisions (tenant_id, approval_id, decision, actor_id, on_behalf_of, edited_payload, reason,
       payload_hash_seen, version_seen, created_at)
     select a.tenant_id, a.id, $2, $3, $4, case when $2 = 'approve_with_edits' then a.payload end, $5, a.payload_hash, a.version, $6
       from public.approvals a where a.id = $1
     returning id`,
    [approval.id, decision, actorId, opts.onBehalfOf ?? null, opts.reason ?? null, opts.at ?? new Date()],
  )
  await db.query(`update public.approvals set status = $3, decided_by = $2, decided_at = now() where id = $1`, [
    approval.id,
    actorId,
    decision === 'reject' ? 'rejected' : 'approved',
  ])
  return rows[0]!
}

/** A delegation of approval authority from `delegatorId` to `delegateId`, running from an hour ago for a day. */
export async function createDelegation(tenantId: string, delegatorId: string, delegateId: string): Promise<void> {
  await admin().query(
    `insert into public.approval_delegations (tenant_id, delegator_id, delegate_id, starts_at, ends_at, reason)
     values ($1, $2, $3, now() - interval '1 hour', now() + interval '1 day', 'Holiday cover')`,
    [tenantId, delegatorId, delegateId],
  )
}
