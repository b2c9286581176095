// What the core keeps between queries about the signed-in reviewer: their standing (roles, limits,
// delegations), the approvals their inbox leaves out, those in its Others lane, the badge counts
// and the inbox's totals per filter. Held beside the replica, not in it: the replica is storage,
// these are views over it that a pull or a new intent makes stale.
import type { PGliteInterface } from '@electric-sql/pglite'
import { BadgeCounts } from './counts'
import { InboxExclusions } from './hidden'
import { InboxTotals } from './inbox'
import { InboxLanes } from './lanes'
import { ReviewerContextCache } from './standing'

export class ReviewerCaches {
  readonly reviewer: ReviewerContextCache
  readonly exclusions: InboxExclusions
  /** The inbox's Others lane (what I see but may not decide now). */
  readonly lanes: InboxLanes
  readonly counts: BadgeCounts
  readonly totals: InboxTotals

  constructor(db: PGliteInterface, userId: string) {
    this.reviewer = new ReviewerContextCache(db, userId)
    this.exclusions = new InboxExclusions(db, userId)
    this.lanes = new InboxLanes(db)
    this.counts = new BadgeCounts(db)
    this.totals = new InboxTotals()
  }

  /**
   * Rows of a table were written, with the LANE_KEYS column of each when known, before their page's
   * data.changed: the standing is stale at once (a decision on an approval just written must see the
   * membership written just before it); the Others lane notes which approvals to judge again. Counts
   * and totals wait for the data.changed (recounting after every slice would cost more than the slices).
   */
  written(table: string, keys?: string[]): void {
    this.reviewer.invalidate([table])
    this.lanes.rowsWritten(table, keys)
  }

  /** Rows of these tables changed: drop what was derived from them. */
  changed(tables: string[]): void {
    this.reviewer.invalidate(tables)
    this.exclusions.invalidate(tables)
    this.lanes.invalidate(tables)
    this.counts.invalidate(tables)
    this.totals.invalidate(tables)
  }
}
