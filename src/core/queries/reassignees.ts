// Who a request can be handed to (delegate / reassign): the tenant's members who could decide it
// if it named them — the pre-flight run from each one's standing, the same rule that explains a
// refusal on the row, with the approver list left out since the reassignment names them. The
// server checks the chosen one again (push_intent_approval_reassign).
import type { PGliteInterface } from '@electric-sql/pglite'
import type { Reassignee } from '../../shared/contract-domain'
import { ApiError } from '../../shared/errors'
import { loadReviewerContext, preflight, type ReviewerContext } from './standing'

export async function reassignees(db: PGliteInterface, me: ReviewerContext, approvalId: string): Promise<Reassignee[]> {
  const res = await db.query<{
    tenant_id: string
    risk_level: number
    amount: string | null
    status: string
    expires_at: Date | null
    requested_by_user_id: string | null
  }>(
    `select tenant_id, risk_level, amount::text as amount, status, expires_at, requested_by_user_id
       from approvals where id = $1 and deleted_at is null`,
    [approvalId],
  )
  const a = res.rows[0]
  if (!a) throw new ApiError('not_found')
  // Members of the tenant itself or of its holding parent, as effective membership reaches them.
  const members = await db.query<{ user_id: string; name: string; email: string; role: string; approved: boolean }>(
    `select distinct on (m.user_id) m.user_id, coalesce(p.full_name, p.email, '') as name, coalesce(p.email, '') as email, m.role,
            exists (select 1 from approval_decisions d where d.approval_id = $1 and d.actor_id = m.user_id
                      and d.decision in ('approve', 'approve_with_edits')) as approved
       from tenant_members m
       join tenants t on t.id = $2
       left join profiles p on p.id = m.user_id
      where m.is_active and m.deleted_at is null and m.user_id <> $3
        and (m.tenant_id = t.id or m.tenant_id = t.parent_tenant_id)
      order by m.user_id, (m.tenant_id = t.id) desc`,
    [approvalId, a.tenant_id, me.userId],
  )
  const out: Reassignee[] = []
  for (const m of members.rows) {
    const ctx = await loadReviewerContext(db, m.user_id, me.now)
    const refusal = preflight(ctx, {
      tenantId: a.tenant_id,
      riskLevel: a.risk_level,
      amount: a.amount,
      status: a.status,
      expiresAt: a.expires_at,
      requestedByUserId: a.requested_by_user_id,
      approverIds: [],
      decidedByMe: m.approved,
    })
    if (!refusal) out.push({ userId: m.user_id, name: m.name, email: m.email, role: m.role })
  }
  return out.sort((x, y) => x.name.localeCompare(y.name))
}
