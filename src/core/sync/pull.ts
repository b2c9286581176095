// Down: pulls pages from sync_pull until the server has nothing more. A page stays the text the
// server sent: its small members are read and its rows checked and cut into slices here
// (sync/page.ts); each slice goes to PGlite as that text, parsed once, there, and the page's
// cursors follow its last slice (replica/apply.ts), the reviewer's calls going between. The next
// page is requested as soon as this one's cursors are known, so the network, the server's work and
// the local write overlap. A fresh replica's first sync counts its rows for the progress bar,
// saved with the page it counts.
import type { EmitEvent } from '../../shared/contract'
import { GLOBAL_SCOPE, type Cursors } from '../../shared/sync-protocol'
import type { Auth } from '../auth/auth'
import { applyPage, type ApplyResult, type RowKey } from '../replica/apply'
import type { Replica } from '../replica/replica'
import type { PhaseObserver } from './phases'
import { readPage, type PriorityKeys, type PulledPage, type RowRules } from './page'
import { authorizedRpcBytes } from './rpc'
import type { StatusModel } from './status'
import { BadAnswer } from './validate'

export interface PullOptions {
  replica: Replica
  auth: Auth
  status: StatusModel
  emit: EmitEvent
  now: () => number
  pullLimit: number
  /** Limit of a fresh replica's first pull: small, so the first inbox page is readable at once. */
  firstPullLimit: number
  onPhase?: PhaseObserver
  /**
   * Runs after each applied page that is not the last: a long pull (a first sync of many pages)
   * must not hold back the decisions a reviewer makes meanwhile until its last page.
   */
  betweenPages?: () => Promise<void>
  /**
   * Awaited before each statement that writes a page (or refreshes statistics): the reviewer's
   * calls go first. Resolves to the most text the next statement of rows may take.
   */
  reviewerFirst?: () => Promise<number>
  /**
   * Rows of a table were written (or purged): what was derived from that table is stale already,
   * before the page's `data.changed`. Keys come for the tables in `keyed` (replica/apply.ts).
   */
  rowsWritten?: (table: string, keys?: string[]) => void
  /** Tables whose writes report the rows they touched (replica/apply.ts). */
  keyed?: ReadonlyMap<string, RowKey>
}

/** First-sync progress: rows applied so far and the server's estimate of the total. */
export interface FirstSyncProgress {
  rows: number
  expected: number | null
}

export class Puller {
  /**
   * Kept in the replica's meta as well, so a first sync interrupted by a restart or a lost network
   * resumes its bar where it was instead of starting over (or losing its total: only the first
   * page has one).
   */
  private initial: FirstSyncProgress = { rows: 0, expected: null }

  /** What each row of a replicated table must carry (sync/page.ts checks every row against it). */
  private readonly rules: RowRules

  constructor(private readonly o: PullOptions) {
    const specs = o.replica.specs
    this.rules = (table) => specs.get(table)
  }

  /** The first sync's progress as the replica recorded it; null once the first sync is done. */
  async loadProgress(): Promise<FirstSyncProgress | null> {
    if (await this.o.replica.meta<boolean>('initial_sync_done')) return null
    this.initial = (await this.o.replica.meta<FirstSyncProgress>('initial_sync_progress')) ?? this.initial
    return { ...this.initial }
  }

  /** Pulls until caught up. */
  async pullAll(): Promise<void> {
    const { replica, emit, status } = this.o
    const fresh = !(await replica.meta<boolean>('initial_sync_done'))
    if (fresh) status.set({ state: 'syncing', initialSync: { ...this.initial } })
    let cursors = await replica.cursors()
    let tenants = await replica.tenants()
    // A first sync's rows are new but for a few: inserted, not upserted, until a table shows otherwise.
    const newRows = fresh ? new Set(replica.specs.keys()) : undefined
    // The priority section's keys, which the changes bring again (upserted, the table still inserted).
    const priorityKeys: PriorityKeys | undefined = fresh ? new Map() : undefined
    let pages = 0
    this.o.onPhase?.('pull-request')
    let pending = this.request(cursors, fresh && Object.keys(cursors).length === 0 ? this.o.firstPullLimit : this.o.pullLimit)
    for (;;) {
      // Checked in parts, the reviewer's calls going between (a page is megabytes of text).
      const page = await readPage(await pending, this.rules, { pause: this.o.reviewerFirst, priorityKeys })
      if (page.hasMore) {
        cursors = mergeCursors(cursors, page.cursors, tenants, page.tenants, page.withheld)
        pending = this.request(cursors, this.o.pullLimit)
        // The in-flight page must never surface as an unhandled rejection if this apply fails.
        pending.catch(() => {})
      }
      tenants = page.tenants
      // The first sync's progress is counted with the page and saved in its last transaction.
      const counted: { progress: FirstSyncProgress | null } = { progress: null }
      this.o.onPhase?.('pull-apply')
      const applied = await this.apply(page, newRows, (rows) => {
        if (!fresh) return {}
        counted.progress = this.progressAfter(rows, page.remainingEstimate)
        return { initial_sync_progress: counted.progress }
      })
      const { progress } = counted
      this.o.onPhase?.('pull-applied')
      // The inbox's counts and pages read covering indexes, which answer alone only for pages marked
      // all-visible; without that, every count during a first sync visited the heap page of each
      // pending row. Marked before the change is announced, so the reads it prompts find it done.
      if (fresh && page.hasMore && applied.tables.includes('approvals')) await replica.markVisible('approvals', this.o.reviewerFirst)
      if (applied.tables.length > 0) emit('data.changed', { tables: applied.tables })
      replica.noteApplied(applied.perTable)
      // The planner needs statistics to pick the inbox's indexes: refreshed during a first sync
      // each time the replica has doubled (pages 10, 20, 40, 80 …: statistics of half the rows
      // still give the right plans, and each refresh reads a sample of every table that grew),
      // never before its first page (that one must reach the inbox at once), and at its end.
      if (fresh && isDoubling(++pages)) await replica.analyze('grown', this.o.reviewerFirst)
      if (progress) {
        this.initial = progress
        status.set({ initialSync: { ...progress } })
      }
      if (!page.hasMore) break
      await this.o.betweenPages?.()
      if (!fresh) status.set({ state: 'syncing' })
    }
    await replica.analyze(fresh ? 'all' : 'grown', this.o.reviewerFirst)
    if (fresh) {
      await replica.setMeta('initial_sync_done', true)
      status.set({ initialSync: null })
    }
    status.set({ lastPullAt: new Date(this.o.now()).toISOString() })
    await replica.vacuum(fresh ? 'all' : 'grown', this.o.reviewerFirst)
  }

  /** Applies a page; the replica's refusal of a slice is a bad answer. */
  private async apply(page: PulledPage, newRows: Set<string> | undefined, meta: (rows: number) => Record<string, unknown>): Promise<ApplyResult> {
    try {
      return await applyPage(this.o.replica.db, this.o.replica.specs, page, {
        at: new Date(this.o.now()),
        meta,
        newRows,
        between: this.o.reviewerFirst,
        written: this.o.rowsWritten,
        keyed: this.o.keyed,
      })
    } catch (err) {
      // SQLSTATE class 21 (a key twice in one slice), 22 (data exception: text that is not JSON, or
      // a value its column cannot take), 23 (a constraint): that slice rolled back, the page's
      // cursors did not move.
      const code = (err as { code?: unknown })?.code
      if (typeof code === 'string' && /^2[123]/.test(code)) throw new BadAnswer(`sync_pull answer has malformed rows: ${(err as Error).message}`)
      throw err
    }
  }

  /** The first sync's progress once a page of `pageRows` rows is applied. */
  private progressAfter(pageRows: number, remainingEstimate: number | null): FirstSyncProgress {
    const rows = this.initial.rows + pageRows
    const estimate = remainingEstimate != null ? rows + remainingEstimate : this.initial.expected
    // The total is an estimate taken on the first page; rows written since can pass it, and the bar
    // must never run backwards, so it grows with what arrived instead.
    return { rows, expected: estimate === null ? null : Math.max(estimate, rows) }
  }

  private request(cursors: Cursors, limit: number): Promise<string> {
    return authorizedRpcBytes(this.o.auth, 'sync_pull', { p_cursors: cursors, p_limit: limit })
  }
}

/** Pages 10, 20, 40, 80 …: each time a first sync has doubled what it brought. */
function isDoubling(pages: number): boolean {
  const tens = pages / 10
  return Number.isInteger(tens) && (tens & (tens - 1)) === 0
}

function mergeCursors(
  prev: Cursors,
  next: Cursors,
  heldTenants: string[],
  tenants: string[],
  withheld: Record<string, string[]>,
): Cursors {
  const visible = new Set([...tenants, GLOBAL_SCOPE])
  const out: Cursors = {}
  for (const [scope, tables] of Object.entries(prev)) if (visible.has(scope)) out[scope] = { ...tables }
  for (const [scope, tables] of Object.entries(next)) out[scope] = { ...(out[scope] ?? {}), ...tables }
  // A table withheld in a tenant starts from zero when it is readable again (as applyPage does).
  for (const [scope, tables] of Object.entries(withheld)) for (const t of tables) delete out[scope]?.[t]
  // A changed tenant set restarts the tenant-less streams (as applyPage does in the replica).
  const held = new Set(heldTenants)
  const changed = held.size !== tenants.length || tenants.some((t) => !held.has(t))
  if (changed && held.size > 0) delete out[GLOBAL_SCOPE]
  return out
}
