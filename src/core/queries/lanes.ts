// The inbox's two lanes: *Needs me* (what this reviewer may decide now) and *Others* (visible, not
// mine: another approver's, my own request, above my limit or risk ceiling, read-only). The split
// is the pre-flight's verdict on each pending approval — the same `preflight` that explains a
// refusal on the row — so it follows the decision rules wherever they change, never a copy of them.
// The set of Others is kept until a table it reads changes, like the inbox exclusions (hidden.ts).
import type { PGliteInterface } from '@electric-sql/pglite'
import { preflight, STANDING_TABLES, subjectFromRow, type ReviewerContext, type SubjectRow } from './standing'

export type InboxLane = 'mine' | 'others'

const SOURCES = new Set(['approvals', 'approval_decisions', ...STANDING_TABLES])
// Delegations start and end with time; the reviewer context itself is re-read each minute.
const TTL_MS = 60_000

export class InboxLanes {
  private cached: { others: string[]; version: number; at: number } | null = null
  private version = 0

  constructor(private readonly db: PGliteInterface) {}

  invalidate(tables?: string[]): void {
    if (!tables || tables.some((t) => SOURCES.has(t))) this.version += 1
  }

  /** Pending, unexpired approvals the reviewer sees but may not approve now. */
  async others(ctx: ReviewerContext): Promise<string[]> {
    const c = this.cached
    if (c && c.version === this.version && Math.abs(ctx.now.getTime() - c.at) < TTL_MS) return c.others
    const version = this.version
    // One JSON value for the whole set: PGlite hands back one string JSON.parse reads natively. The
    // columns are the rule set's facts about each approval, as loadPreflightSubject reads them.
    const res = await this.db.query<{ rows: OthersRow[] }>(
      `select coalesce(json_agg(json_build_object(
                'id', a.id, 'tenant_id', a.tenant_id, 'kind', a.kind, 'version', a.version,
                'payload_hash', a.payload_hash, 'payload', a.payload, 'risk_level', a.risk_level,
                'amount', a.amount::text, 'currency', a.currency::text, 'requested_by_user_id', a.requested_by_user_id,
                'approver_ids', a.approver_ids, 'tool_app', ac.tool ->> 'app', 'tool_key', ac.tool ->> 'key',
                'approvers', (select array_remove(array_agg(d.actor_id) || array_agg(d.on_behalf_of), null)
                                from approval_decisions d
                               where d.approval_id = a.id and d.payload_hash_approved = a.payload_hash))), '[]') as rows
         from approvals a left join actions ac on ac.id = a.action_id
        where a.status = 'pending' and a.deleted_at is null and (a.expires_at is null or a.expires_at > $1)`,
      [ctx.now],
    )
    const others: string[] = []
    for (const r of res.rows[0]?.rows ?? []) {
      // "May decide now" = the rule set refuses no approve (the same verdict the row's pre-flight shows).
      // Pending and unexpired by the query; the lists check expiry at their own read.
      const refusal = preflight(ctx, subjectFromRow({ ...r, status: 'pending', expires_at: null }))
      if (refusal) others.push(r.id)
    }
    this.cached = { others, version, at: ctx.now.getTime() }
    return others
  }
}

type OthersRow = Omit<SubjectRow, 'status' | 'expires_at'> & { id: string }

/**
 * The SQL condition on `a` for a lane, given the Others set as a parameter. `in (select unnest…)`
 * lets the planner hash the set, so a viewer's thousands of Others cost one pass, not a product.
 */
export function laneCondition(lane: InboxLane, othersParam: string): string {
  const inOthers = `a.id in (select unnest(${othersParam}::uuid[]))`
  return lane === 'others' ? inOthers : `not ${inOthers}`
}
