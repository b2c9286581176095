// The inbox's two lanes: *Needs me* (what this reviewer may decide now) and *Others* (visible, not
// mine: another approver's, my own request, above my limit or risk ceiling, read-only). The split
// is the pre-flight's verdict on each pending approval — the same `preflight` that explains a
// refusal on the row — so it follows the decision rules wherever they change, never a copy of them.
// The set of Others is kept until a table it reads changes, like the inbox exclusions (hidden.ts).
import type { PGliteInterface } from '@electric-sql/pglite'
import { preflight, STANDING_TABLES, type ReviewerContext } from './standing'

export type InboxLane = 'mine' | 'others'

const SOURCES = new Set(['approvals', 'approval_decisions', ...STANDING_TABLES])
// Delegations start and end with time; the reviewer context itself is re-read each minute.
const TTL_MS = 60_000

/** [id, tenant, risk, amount, requested by, approvers, decided by me] for each pending approval. */
type RuleInputs = [string, string, number, string | null, string | null, string[] | null, boolean]

export class InboxLanes {
  private cached: { others: string[]; version: number; at: number } | null = null
  private version = 0

  constructor(private readonly db: PGliteInterface) {}

  invalidate(tables?: string[]): void {
    if (!tables || tables.some((t) => SOURCES.has(t))) this.version += 1
  }

  /** Pending, unexpired approvals the reviewer sees but may not decide now. */
  async others(ctx: ReviewerContext): Promise<string[]> {
    const c = this.cached
    if (c && c.version === this.version && Math.abs(ctx.now.getTime() - c.at) < TTL_MS) return c.others
    const version = this.version
    // One JSON value for the whole set: PGlite hands back one string JSON.parse reads natively.
    const res = await this.db.query<{ rows: RuleInputs[] }>(
      `select coalesce(json_agg(json_build_array(a.id, a.tenant_id, a.risk_level, a.amount::text, a.requested_by_user_id,
                a.approver_ids, exists (select 1 from approval_decisions d where d.approval_id = a.id and d.actor_id = $1))), '[]') as rows
         from approvals a
        where a.status = 'pending' and a.deleted_at is null and (a.expires_at is null or a.expires_at > $2)`,
      [ctx.userId, ctx.now],
    )
    const others: string[] = []
    for (const [id, tenantId, riskLevel, amount, requestedByUserId, approverIds, decidedByMe] of res.rows[0]?.rows ?? []) {
      const refusal = preflight(ctx, {
        tenantId,
        riskLevel,
        amount,
        status: 'pending',
        expiresAt: null, // unexpired by the query; the lists check expiry at their own read
        requestedByUserId,
        approverIds: approverIds ?? [],
        decidedByMe,
      })
      if (refusal) others.push(id)
    }
    this.cached = { others, version, at: ctx.now.getTime() }
    return others
  }
}

/**
 * The SQL condition on `a` for a lane, given the Others set as a parameter. `in (select unnest…)`
 * lets the planner hash the set, so a viewer's thousands of Others cost one pass, not a product.
 */
export function laneCondition(lane: InboxLane, othersParam: string): string {
  const inOthers = `a.id in (select unnest(${othersParam}::uuid[]))`
  return lane === 'others' ? inOthers : `not ${inOthers}`
}
