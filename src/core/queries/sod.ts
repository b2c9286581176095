// The segregation-of-duties report, from the replica: every approving decision taken by the
// approval's requester, on the requester's behalf, or by someone holding a delegation from the
// requester when they decided. sync_push refuses the first two, so the report is expected to be
// empty — an auditor needs to see that it was checked, and on what, as much as any row in it.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { SodReport, SodViolation } from '../../shared/contract-domain'
import { SqlParams } from './sql-params'

type Violation = z.infer<typeof SodViolation>

interface ViolationRow {
  decision_id: string
  approval_id: string
  tenant_id: string
  tenant_slug: string | null
  title: string
  kind: Violation['kind']
  amount: string | null
  currency: string | null
  requester_id: string
  requester_name: string | null
  decision: Violation['decision']
  decided_at: Date
  actor_id: string
  actor_name: string | null
  on_behalf_of: string | null
  on_behalf_of_name: string | null
  reason: string | null
  rule: Violation['rule']
}

const APPROVING = `d.decision in ('approve', 'approve_with_edits')`

/**
 * A delegation from the requester to the actor in force when the decision was taken. Any such one
 * counts, whatever its risk levels and even if it was switched off later: the actor was then the
 * requester's stand-in, and an auditor would rather dismiss a row than miss one.
 */
const DELEGATE_OF_REQUESTER = `exists (
  select 1 from approval_delegations g
   where g.tenant_id = a.tenant_id and g.delegator_id = a.requested_by_user_id and g.delegate_id = d.actor_id
     and g.starts_at <= d.created_at and g.ends_at > d.created_at)`

const person = (alias: string) => `coalesce(${alias}.full_name, ${alias}.email)`

export async function sodReport(db: PGliteInterface, tenantId?: string): Promise<z.infer<typeof SodReport>> {
  const p = new SqlParams()
  const scope = tenantId ? `and a.tenant_id = ${p.add(tenantId)}` : ''
  const res = await db.query<{ checked: number; violations: ViolationRow[] | null }>(
    `select
       (select count(distinct d.approval_id)::int from approval_decisions d join approvals a on a.id = d.approval_id
         where ${APPROVING} ${scope}) as checked,
       (select json_agg(v order by v.decided_at desc, v.decision_id) from (
          select d.id as decision_id, a.id as approval_id, a.tenant_id, t.slug as tenant_slug, a.title, a.kind,
                 a.amount::text as amount, a.currency::text as currency,
                 a.requested_by_user_id as requester_id, ${person('rq')} as requester_name,
                 d.decision, d.created_at as decided_at, d.actor_id, ${person('ac')} as actor_name,
                 d.on_behalf_of, ${person('ob')} as on_behalf_of_name, d.reason,
                 case when d.actor_id = a.requested_by_user_id then 'requester_approved'
                      when d.on_behalf_of = a.requested_by_user_id then 'approved_for_requester'
                      else 'requester_delegate' end as rule
            from approval_decisions d
            join approvals a on a.id = d.approval_id
            left join tenants t on t.id = a.tenant_id
            left join profiles rq on rq.id = a.requested_by_user_id
            left join profiles ac on ac.id = d.actor_id
            left join profiles ob on ob.id = d.on_behalf_of
           where ${APPROVING} ${scope} and a.requested_by_user_id is not null
             and (d.actor_id = a.requested_by_user_id or d.on_behalf_of = a.requested_by_user_id or ${DELEGATE_OF_REQUESTER})
        ) v) as violations`,
    p.values,
  )
  const row = res.rows[0]
  return { checked: row?.checked ?? 0, violations: (row?.violations ?? []).map(toViolation) }
}

function toViolation(r: ViolationRow): Violation {
  return {
    decisionId: r.decision_id,
    approvalId: r.approval_id,
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    title: r.title,
    kind: r.kind,
    amount: r.amount,
    currency: r.currency,
    requesterId: r.requester_id,
    requesterName: r.requester_name,
    decision: r.decision,
    // JSON renders timestamps with the session's offset; the contract speaks UTC ISO 8601.
    decidedAt: new Date(r.decided_at).toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    onBehalfOf: r.on_behalf_of,
    onBehalfOfName: r.on_behalf_of_name,
    reason: r.reason,
    rule: r.rule,
  }
}
