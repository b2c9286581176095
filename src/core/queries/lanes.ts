// The inbox's two lanes: *Needs me* (what this reviewer may decide now) and *Others* (visible, not
// mine: another approver's, my own request, above my limit or risk ceiling, read-only). The split
// is the pre-flight's verdict on each pending approval — the same `preflight` that explains a
// refusal on the row — so it follows the decision rules wherever they change, never a copy of them.
// The set of Others is kept until a table it reads changes, like the inbox exclusions (hidden.ts).
import type { PGliteInterface } from '@electric-sql/pglite'
import { DerivedCache, sameIds } from './derived-cache'
import {
  preflight,
  STANDING_TABLES,
  SUBJECT_APPROVERS,
  SUBJECT_COLUMNS,
  subjectFromRow,
  type ReviewerContext,
  type SubjectRow,
} from './standing'

export type InboxLane = 'mine' | 'others'

const SOURCES = new Set(['approvals', 'approval_decisions', ...STANDING_TABLES])
// Delegations start and end with time; the reviewer context itself is re-read each minute.
const TTL_MS = 60_000

export class InboxLanes extends DerivedCache<string[]> {
  constructor(private readonly db: PGliteInterface) {
    super(SOURCES, TTL_MS, sameIds)
  }

  /** Pending, unexpired approvals the reviewer sees but may not approve now. */
  others(ctx: ReviewerContext): Promise<string[]> {
    return this.read(ctx.now, () => this.load(ctx))
  }

  private async load(ctx: ReviewerContext): Promise<string[]> {
    // One JSON value for the whole set: PGlite hands back one string JSON.parse reads natively.
    const res = await this.db.query<{ rows: (SubjectRow & { id: string })[] }>(
      `select coalesce(json_agg(s), '[]') as rows
         from (select a.id, ${SUBJECT_COLUMNS}, ${SUBJECT_APPROVERS}
                 from approvals a left join actions ac on ac.id = a.action_id
                where a.status = 'pending' and a.deleted_at is null and (a.expires_at is null or a.expires_at > $1)) s`,
      [ctx.now],
    )
    // "May decide now" = the rule set refuses no approve (the same verdict the row's pre-flight shows).
    return (res.rows[0]?.rows ?? []).filter((r) => preflight(ctx, subjectFromRow(r)) !== null).map((r) => r.id)
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
