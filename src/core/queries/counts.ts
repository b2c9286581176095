// The badge counts: the inbox's Needs me lane (per tenant too) and its Others, my queue and refusals,
// and what waits in the other views. The inbox counts use the same conditions as the inbox list's
// lanes, so the two never disagree; a viewer, who may decide nothing, counts nothing.
// byTenant always covers every tenant I see, whatever the scope: the tenant switcher shows each
// tenant's count beside the one chosen, from the same grouped count (one pass over the index).
// Every badge is read per tenant in one query and kept until a table it reads changes: the shells
// ask again on every change and every view switch, and a scope is only a pick from the same tally.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { Counts } from '../../shared/contract-domain'
import { inboxWhere, liveAt } from './inbox'
import { laneCondition } from './lanes'
import { SqlParams } from './sql-params'
import type { ReviewerContext } from './standing'

/** Every badge, per tenant where it has one. */
interface Tally {
  /** Needs me, per tenant (tenants with none left out, as byTenant shows them). */
  mine: Record<string, number>
  others: Record<string, number>
  queue: number
  refused: number
  escalations: Record<string, number>
  flags: Record<string, number>
  changesets: Record<string, number>
  /** When the next pending approval expires (ms), which changes the lanes' counts without any write. */
  nextExpiry: number | null
}

const SOURCES = new Set(['approvals', 'approval_decisions', 'review_snoozes', 'pending_mutations', 'escalations', 'hallucination_flags', 'changesets'])

/**
 * The tally, kept until one of its tables changes, the next pending approval expires, or the inbox
 * exclusions or the Others lane it was counted with are read anew (each cache hands back the same
 * list until then, so a new list means the tally is stale).
 */
export class BadgeCounts {
  private cached: { tally: Tally; version: number; at: number; hidden: string[]; others: string[] } | null = null
  private version = 0

  constructor(private readonly db: PGliteInterface) {}

  invalidate(tables?: string[]): void {
    if (!tables || tables.some((t) => SOURCES.has(t))) this.version += 1
  }

  async read(ctx: ReviewerContext, hidden: string[], others: string[], tenantId?: string): Promise<z.infer<typeof Counts>> {
    const now = ctx.now.getTime()
    const c = this.cached
    const fresh =
      c && c.version === this.version && c.hidden === hidden && c.others === others && c.at <= now && (c.tally.nextExpiry === null || now < c.tally.nextExpiry)
    if (fresh) return scoped(c.tally, tenantId)
    const version = this.version
    const tally = await countAll(this.db, ctx, hidden, others)
    this.cached = { tally, version, at: now, hidden, others }
    return scoped(tally, tenantId)
  }
}

/** The counts of one scope (every tenant when none is chosen) from the tally. */
function scoped(t: Tally, tenantId?: string): z.infer<typeof Counts> {
  const pick = (byTenant: Record<string, number>) =>
    tenantId ? (byTenant[tenantId] ?? 0) : Object.values(byTenant).reduce((sum, n) => sum + n, 0)
  return {
    inbox: pick(t.mine),
    inboxOthers: pick(t.others),
    queue: t.queue,
    refused: t.refused,
    escalations: pick(t.escalations),
    flags: pick(t.flags),
    changesets: pick(t.changesets),
    byTenant: { ...t.mine },
  }
}

type TenantCount = { tenant_id: string; n: number }[] | null

async function countAll(db: PGliteInterface, ctx: ReviewerContext, hidden: string[], others: string[]): Promise<Tally> {
  const { userId, now } = ctx
  const p = new SqlParams()
  const where = inboxWhere(p, hidden, {})
  const othersParam = p.add(others)
  const at = p.add(now)
  const me = p.add(userId)
  const perTenant = (from: string, condition: string) =>
    `(select json_agg(t) from (select tenant_id, count(*)::int as n from ${from} where ${condition} group by tenant_id) t)`
  // One round trip for every badge, and one pass over the pending approvals for both lanes.
  const res = await db.query<{
    lanes: { tenant_id: string; live: number; others: number }[] | null
    next_expiry: number | null
    queue: number
    refused: number
    escalations: TenantCount
    flags: TenantCount
    changesets: TenantCount
  }>(
    `select
       (select json_agg(t) from (select a.tenant_id, count(*)::int as live,
               count(*) filter (where ${laneCondition('others', othersParam)})::int as others
          from approvals a where ${where} and ${liveAt(at)} group by a.tenant_id) t) as lanes,
       (select extract(epoch from min(a.expires_at)) * 1000 from approvals a
          where a.status = 'pending' and a.deleted_at is null and a.expires_at > ${at})::float8 as next_expiry,
       (select count(*)::int from pending_mutations where user_id = ${me} and state in ('held', 'queued', 'sending')) as queue,
       (select count(*)::int from pending_mutations where user_id = ${me} and state in ('rejected', 'conflict')
          and dismissed_at is null) as refused,
       ${perTenant('escalations', `status <> 'resolved' and deleted_at is null and (to_user_id = ${me} or to_user_id is null)`)} as escalations,
       ${perTenant('hallucination_flags', `status = 'pending' and deleted_at is null`)} as flags,
       ${perTenant('changesets', `status = 'pending_review' and deleted_at is null`)} as changesets`,
    p.values,
  )
  const o = res.rows[0]!
  const mine: Record<string, number> = {}
  const inOthers: Record<string, number> = {}
  for (const r of o.lanes ?? []) {
    // Needs me is every live item not in Others (the 'mine' lane condition, counted by difference).
    if (r.live > r.others) mine[r.tenant_id] = r.live - r.others
    if (r.others > 0) inOthers[r.tenant_id] = r.others
  }
  const byTenant = (rows: TenantCount) => Object.fromEntries((rows ?? []).map((r) => [r.tenant_id, r.n]))
  return {
    mine,
    others: inOthers,
    queue: o.queue,
    refused: o.refused,
    escalations: byTenant(o.escalations),
    flags: byTenant(o.flags),
    changesets: byTenant(o.changesets),
    nextExpiry: o.next_expiry,
  }
}
