// Who a request can be handed to (delegate / reassign): the tenant's members who could decide it
// if it named them — the pre-flight run from each one's standing, the same rule that explains a
// refusal on the row, with the approver list left out since the reassignment names them. The
// server checks the chosen one again (push_intent_approval_reassign).
import type { PGliteInterface } from '@electric-sql/pglite'
import type { Reassignee } from '../../shared/contract-domain'
import { ApiError } from '../../shared/errors'
import { loadPreflightSubject, loadReviewerContext, preflight, type ReviewerContext } from './standing'

export async function reassignees(db: PGliteInterface, me: ReviewerContext, approvalId: string): Promise<Reassignee[]> {
  const subject = await loadPreflightSubject(db, approvalId)
  if (!subject) throw new ApiError('not_found')
  // Members of the tenant itself or of its holding parent, as effective membership reaches them.
  const members = await db.query<{ user_id: string; name: string; email: string; role: string }>(
    `select distinct on (m.user_id) m.user_id, coalesce(p.full_name, p.email, '') as name, coalesce(p.email, '') as email, m.role
       from tenant_members m
       join tenants t on t.id = $1
       left join profiles p on p.id = m.user_id
      where m.is_active and m.deleted_at is null and m.user_id <> $2
        and (m.tenant_id = t.id or m.tenant_id = t.parent_tenant_id)
      order by m.user_id, (m.tenant_id = t.id) desc`,
    [subject.tenantId, me.userId],
  )
  // The approver list is left out: the reassignment names the chosen one.
  const named = { ...subject, approverIds: [] }
  const out: Reassignee[] = []
  for (const m of members.rows) {
    const ctx = await loadReviewerContext(db, m.user_id, me.now)
    if (!preflight(ctx, named, 'approve')) out.push({ userId: m.user_id, name: m.name, email: m.email, role: m.role })
  }
  return out.sort((x, y) => x.name.localeCompare(y.name))
}
