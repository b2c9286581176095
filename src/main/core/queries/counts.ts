// The badge counts: the inbox (per tenant too), my queue and refusals, and what waits in the other
// views. The inbox count uses the same condition as the inbox list, so the two never disagree.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { Counts } from '../../../shared/contract-domain'
import { inboxWhere, liveAt, SqlParams } from './inbox'
import type { ReviewerContext } from './standing'

export async function counts(
  db: PGliteInterface,
  ctx: ReviewerContext,
  hidden: string[],
  tenantId?: string,
): Promise<z.infer<typeof Counts>> {
  const { userId, now } = ctx
  const p = new SqlParams()
  const where = inboxWhere(p, hidden, tenantId ? { tenantId } : {})
  const inbox = await db.query<{ tenant_id: string; n: number }>(
    `select a.tenant_id, count(*)::int as n from approvals a where ${where} and ${liveAt(p, now)} group by a.tenant_id`,
    p.values,
  )
  const tenantFilter = tenantId ? 'and tenant_id = $2' : ''
  const args = tenantId ? [userId, tenantId] : [userId]
  const others = await db.query<{ queue: number; refused: number; escalations: number; flags: number; changesets: number }>(
    `select
       (select count(*)::int from pending_mutations where user_id = $1 and state in ('held', 'queued', 'sending')) as queue,
       (select count(*)::int from pending_mutations where user_id = $1 and state in ('rejected', 'conflict')
          and dismissed_at is null) as refused,
       (select count(*)::int from escalations where status <> 'resolved' and deleted_at is null
          and (to_user_id = $1 or to_user_id is null) ${tenantFilter}) as escalations,
       (select count(*)::int from hallucination_flags where status = 'pending' and deleted_at is null ${tenantFilter}) as flags,
       (select count(*)::int from changesets where status = 'pending_review' and deleted_at is null ${tenantFilter}) as changesets`,
    args,
  )
  const byTenant: Record<string, number> = {}
  let total = 0
  for (const r of inbox.rows) {
    byTenant[r.tenant_id] = r.n
    total += r.n
  }
  const o = others.rows[0]!
  return {
    inbox: total,
    queue: o.queue,
    refused: o.refused,
    escalations: o.escalations,
    flags: o.flags,
    changesets: o.changesets,
    byTenant,
  }
}
