// The inbox's two lanes: *Needs me* (what this reviewer may decide now) and *Others* (visible, not
// mine: another approver's, my own request, above my limit or risk ceiling, read-only). The split
// is the pre-flight's verdict on each pending approval — the same `preflight` that explains a
// refusal on the row — so it follows the decision rules wherever they change, never a copy of them.
// The set of Others is kept between reads. A change to the reviewer's own context (their standing,
// delegations, tenants, tool schemas, rates: not a colleague's membership), a write that does not
// say which rows it touched, or the moment a verdict may change with time alone (a delegation
// starting or ending, a new day's exchange rates) has every pending approval judged again: ~22 µs
// each, 2 s at 100k. A pulled page says which rows it wrote (LANE_KEYS, replica/apply.ts), and once
// the page has ended (its data.changed, as for every other count) only the pending approvals those
// rows name are judged again.
// The set may keep an approval that is no longer pending (decided, deleted, expired): every reader
// asks for the lane among pending, live approvals only (inbox.ts, counts.ts), so it changes nothing.
// Each member keeps its verdict, the refusal the inbox's row shows: the list reads it here instead
// of reading every row's rules' facts (its payload, its tool) and judging the page again.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { Refusal } from '../../shared/decision-rules'
import type { RowKey } from '../replica/apply'
import { sameIds } from './derived-cache'
import {
  preflight,
  SUBJECT_APPROVERS,
  SUBJECT_COLUMNS,
  subjectFromRow,
  type ReviewerContext,
  type SubjectRow,
} from './standing'

export type InboxLane = 'mine' | 'others'

/**
 * What a write of each table the lanes read reports: an approval written pending (one written
 * decided or deleted leaves the lane's readers' sight by itself), the approval of a decision, an
 * action (its pending approval, if any, is judged again).
 */
export const LANE_KEYS: ReadonlyMap<string, RowKey> = new Map([
  ['approvals', { column: 'id', when: `status = 'pending' and deleted_at is null` }],
  ['approval_decisions', { column: 'approval_id' }],
  ['actions', { column: 'id' }],
])

const DAY_MS = 86_400_000

/**
 * Until when verdicts judged at `ctx.now` stand with nothing written: the rules read the clock for
 * a delegation's window and for the day whose exchange rates apply (UTC, as the rules date them);
 * an approval's expiry changes no verdict a reader sees, as each reads live approvals only.
 */
function judgedUntil(ctx: ReviewerContext): number {
  const now = ctx.now.getTime()
  let until = (Math.floor(now / DAY_MS) + 1) * DAY_MS
  for (const d of ctx.delegations) {
    for (const t of [d.startsAt.getTime(), d.endsAt.getTime()]) if (t > now && t < until) until = t
  }
  return until
}

type LaneRow = SubjectRow & { id: string; action_id: string | null }

/** The Others lane as a read hands it out. */
export interface OthersLane {
  /** Its members: the same array until they change (what was counted with it stays good). */
  ids: string[]
  /**
   * Why the reviewer may not approve each member now: the pre-flight its row shows. The lane's own
   * map, kept current by later reads: read it when the lane is handed out, as `ids` is.
   */
  refusals: ReadonlyMap<string, Refusal>
}

interface Judged {
  /** The lane's members as handed out: the same array until they change. */
  ids: string[]
  /** Each member's verdict (the lane's refusals). */
  others: Map<string, Refusal>
  /** The pending approvals judged: a decision on one of them has it judged again. */
  pending: Set<string>
  /** The same, by their action: an action's change has its approval judged again. */
  byAction: Map<string, string>
  /**
   * The reviewer's context judged with: the cache hands back the same maps until its facts change
   * (standing.ts), so another `standing` means another context.
   */
  standing: ReviewerContext['standing']
  /** The full judgement's version, moment, and the moment its verdicts may change with time (judgedUntil). */
  version: number
  at: number
  until: number
}

/** Keys written, by what they name: approvals, approvals decided on, actions. */
interface Due {
  approvals: Set<string>
  decided: Set<string>
  actions: Set<string>
}

const nothingDue = (): Due => ({ approvals: new Set(), decided: new Set(), actions: new Set() })

const DUE_OF: Record<string, keyof Due> = { approvals: 'approvals', approval_decisions: 'decided', actions: 'actions' }

const laneOf = (j: Judged): OthersLane => ({ ids: j.ids, refusals: j.others })

/** Records each pending approval's verdict in `j`; says whether the lane's members changed. */
function judge(j: Judged, ctx: ReviewerContext, rows: LaneRow[]): boolean {
  let changed = false
  for (const r of rows) {
    j.pending.add(r.id)
    if (r.action_id) j.byAction.set(r.action_id, r.id)
    // "May decide now" = the rule set refuses no approve (the same verdict the row's pre-flight shows).
    const refusal = preflight(ctx, subjectFromRow(r))
    if (refusal) {
      changed = !j.others.has(r.id) || changed
      j.others.set(r.id, refusal)
    } else changed = j.others.delete(r.id) || changed
  }
  return changed
}

export class InboxLanes {
  private judged: Judged | null = null
  /** Bumped by a change no keys describe: the next read judges every pending approval. */
  private version = 0
  /** Keys of the page being written, per table: due once a data.changed names their table. */
  private written = new Map<string, Set<string>>()
  /** Tables written without keys since their last data.changed (a purge). */
  private unkeyed = new Set<string>()
  private due: Due = nothingDue()
  /** Reads one after another: each starts from what the one before left. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly db: PGliteInterface) {}

  /** Rows of a table were written, with their LANE_KEYS keys when known. */
  rowsWritten(table: string, keys?: string[]): void {
    if (!LANE_KEYS.has(table)) return
    if (!keys) {
      this.unkeyed.add(table)
      return
    }
    let held = this.written.get(table)
    if (!held) this.written.set(table, (held = new Set()))
    for (const k of keys) held.add(k)
  }

  /** Rows of these tables changed (no list: any table may have). */
  invalidate(tables?: string[]): void {
    if (!tables) {
      this.version += 1
      return
    }
    for (const table of tables) {
      const due = DUE_OF[table]
      if (!due) continue
      const keys = this.written.get(table)
      // A change nobody said the rows of (a purge, or a write from elsewhere) is judged in full.
      if (!keys || this.unkeyed.has(table)) this.version += 1
      else for (const k of keys) this.due[due].add(k)
      this.written.delete(table)
      this.unkeyed.delete(table)
    }
  }

  /** Pending, unexpired approvals the reviewer sees but may not approve now (and maybe some that are no longer pending). */
  others(ctx: ReviewerContext): Promise<OthersLane> {
    const read = this.queue.then(() => this.refresh(ctx))
    this.queue = read.catch(() => {})
    return read
  }

  private async refresh(ctx: ReviewerContext): Promise<OthersLane> {
    const j = this.judged
    const now = ctx.now.getTime()
    // A clock set back is a moment nothing was judged at either.
    if (!j || j.version !== this.version || j.standing !== ctx.standing || now < j.at || now >= j.until) return this.judgeAll(ctx)
    const { approvals: ids, decided, actions } = this.due
    this.due = nothingDue()
    // A decision or an action matters only to an approval judged pending: one not judged yet is
    // pending since and due itself; one not pending is in no reader's sight.
    for (const id of decided) if (j.pending.has(id)) ids.add(id)
    for (const action of actions) {
      const id = j.byAction.get(action)
      if (id) ids.add(id)
    }
    if (ids.size === 0) return laneOf(j)
    const rows = await this.subjects(ctx, [...ids])
    // Those no longer pending and live leave the lane; the others are judged again.
    for (const r of rows) ids.delete(r.id)
    let changed = judge(j, ctx, rows)
    for (const id of ids) {
      j.pending.delete(id)
      changed = j.others.delete(id) || changed
    }
    // New ids only when the members changed: what was counted with the old ones stays good.
    if (changed) j.ids = [...j.others.keys()]
    return laneOf(j)
  }

  private async judgeAll(ctx: ReviewerContext): Promise<OthersLane> {
    // Judged under the version it starts at: a change that lands meanwhile makes it stale at once.
    const version = this.version
    this.due = nothingDue()
    const kept = this.judged?.ids
    const j: Judged = {
      ids: [],
      others: new Map(),
      pending: new Set(),
      byAction: new Map(),
      standing: ctx.standing,
      version,
      at: ctx.now.getTime(),
      until: judgedUntil(ctx),
    }
    judge(j, ctx, await this.subjects(ctx))
    const fresh = [...j.others.keys()]
    j.ids = kept && sameIds(kept, fresh) ? kept : fresh
    this.judged = j
    return laneOf(j)
  }

  /** The pending, unexpired approvals (of `ids` only, when given) as the rules read them. */
  private async subjects(ctx: ReviewerContext, ids?: string[]): Promise<LaneRow[]> {
    // A few approvals are found by their keys, one index lookup each; all of them by a scan.
    const from = ids ? 'unnest($2::uuid[]) as k (id) join approvals a on a.id = k.id' : 'approvals a'
    // One JSON value for the whole set: PGlite hands back one string JSON.parse reads natively.
    const res = await this.db.query<{ rows: LaneRow[] }>(
      `select coalesce(json_agg(s), '[]') as rows
         from (select a.id, a.action_id, ${SUBJECT_COLUMNS}, ${SUBJECT_APPROVERS}
                 from ${from} left join actions ac on ac.id = a.action_id
                where a.status = 'pending' and a.deleted_at is null and (a.expires_at is null or a.expires_at > $1)) s`,
      ids ? [ctx.now, ids] : [ctx.now],
    )
    return res.rows[0]?.rows ?? []
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
