// The badge counts: the inbox's Needs me lane (per tenant too) and its Others, my queue and refusals,
// and what waits in the other views. The inbox counts use the same conditions as the inbox list's
// lanes, so the two never disagree; a viewer, who may decide nothing, counts nothing.
// byTenant always covers every tenant I see, whatever the scope: the tenant switcher shows each
// tenant's count beside the one chosen, from the same grouped count (one pass over the index).
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { Counts } from '../../shared/contract-domain'
import { inboxWhere, liveAt } from './inbox'
import { laneCondition } from './lanes'
import { SqlParams } from './sql-params'
import type { ReviewerContext } from './standing'

export async function counts(
  db: PGliteInterface,
  ctx: ReviewerContext,
  hidden: string[],
  others: string[],
  tenantId?: string,
): Promise<z.infer<typeof Counts>> {
  const { userId, now } = ctx
  const p = new SqlParams()
  const where = inboxWhere(p, hidden, {})
  const othersParam = p.add(others)
  const at = p.add(now)
  const me = p.add(userId)
  const tenant = tenantId ? p.add(tenantId) : null
  const tenantFilter = tenant ? `and tenant_id = ${tenant}` : ''
  // One round trip for every badge.
  const res = await db.query<{
    by_tenant: { tenant_id: string; n: number }[] | null
    others: number
    queue: number
    refused: number
    escalations: number
    flags: number
    changesets: number
  }>(
    `select
       (select json_agg(t) from (select a.tenant_id, count(*)::int as n from approvals a
          where ${where} and ${liveAt(at)} and ${laneCondition('mine', othersParam)} group by a.tenant_id) t) as by_tenant,
       (select count(*)::int from approvals a where ${where} and ${liveAt(at)} and ${laneCondition('others', othersParam)}
          ${tenant ? `and a.tenant_id = ${tenant}` : ''}) as others,
       (select count(*)::int from pending_mutations where user_id = ${me} and state in ('held', 'queued', 'sending')) as queue,
       (select count(*)::int from pending_mutations where user_id = ${me} and state in ('rejected', 'conflict')
          and dismissed_at is null) as refused,
       (select count(*)::int from escalations where status <> 'resolved' and deleted_at is null
          and (to_user_id = ${me} or to_user_id is null) ${tenantFilter}) as escalations,
       (select count(*)::int from hallucination_flags where status = 'pending' and deleted_at is null ${tenantFilter}) as flags,
       (select count(*)::int from changesets where status = 'pending_review' and deleted_at is null ${tenantFilter}) as changesets`,
    p.values,
  )
  const o = res.rows[0]!
  const byTenant: Record<string, number> = {}
  let total = 0
  for (const r of o.by_tenant ?? []) {
    byTenant[r.tenant_id] = r.n
    total += r.n
  }
  return {
    inbox: tenantId ? (byTenant[tenantId] ?? 0) : total,
    inboxOthers: o.others,
    queue: o.queue,
    refused: o.refused,
    escalations: o.escalations,
    flags: o.flags,
    changesets: o.changesets,
    byTenant,
  }
}
