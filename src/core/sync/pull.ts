// Down: pulls pages from sync_pull until the server has nothing more, each page applied with its
// cursors in one local transaction. A page stays the text the server sent: its small members are
// read here (sync/page.ts) and its rows go to PGlite as that text, parsed once, there. The next
// page is requested as soon as this one's cursors are known, so the network, the server's work and
// the local write overlap. A fresh replica's first sync counts its rows for the progress bar,
// saved with the page it counts.
import type { EmitEvent } from '../../shared/contract'
import { GLOBAL_SCOPE, type Cursors } from '../../shared/sync-protocol'
import type { Auth } from '../auth/auth'
import { applyPage, RefusedPage, type ApplyResult } from '../replica/apply'
import type { Replica } from '../replica/replica'
import type { PhaseObserver } from './phases'
import { readPage, type PulledPage } from './page'
import { authorizedRpcText } from './rpc'
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

  constructor(private readonly o: PullOptions) {}

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
    let pages = 0
    this.o.onPhase?.('pull-request')
    let pending = this.request(cursors, fresh && Object.keys(cursors).length === 0 ? this.o.firstPullLimit : this.o.pullLimit)
    for (;;) {
      const page = readPage(await pending)
      if (page.hasMore) {
        cursors = mergeCursors(cursors, page.cursors, tenants, page.tenants, page.withheld)
        pending = this.request(cursors, this.o.pullLimit)
        // The in-flight page must never surface as an unhandled rejection if this apply fails.
        pending.catch(() => {})
      }
      tenants = page.tenants
      // The first sync's progress is counted inside the page's transaction and saved with it.
      const counted: { progress: FirstSyncProgress | null } = { progress: null }
      this.o.onPhase?.('pull-apply')
      const applied = await this.apply(page, (rows) => {
        if (!fresh) return {}
        counted.progress = this.progressAfter(rows, page.remainingEstimate)
        return { initial_sync_progress: counted.progress }
      })
      const { progress } = counted
      this.o.onPhase?.('pull-applied')
      if (applied.tables.length > 0) emit('data.changed', { tables: applied.tables })
      replica.noteApplied(applied.perTable)
      // The planner needs statistics to pick the inbox's indexes: refreshed every few pages of a
      // first sync (never before its first page: that one must reach the inbox at once), at its
      // end, and whenever a table has taken many rows since.
      if (fresh && ++pages % 10 === 0) await replica.analyze(false)
      if (progress) {
        this.initial = progress
        status.set({ initialSync: { ...progress } })
      }
      if (!page.hasMore) break
      await this.o.betweenPages?.()
      if (!fresh) status.set({ state: 'syncing' })
    }
    await replica.analyze(fresh)
    if (fresh) {
      await replica.setMeta('initial_sync_done', true)
      status.set({ initialSync: null })
    }
    status.set({ lastPullAt: new Date(this.o.now()).toISOString() })
    await replica.vacuum()
  }

  /** Applies a page; the replica's refusal of a row, or of text that is not rows, is a bad answer. */
  private async apply(page: PulledPage, meta: (rows: number) => Record<string, unknown>): Promise<ApplyResult> {
    try {
      return await applyPage(this.o.replica.db, this.o.replica.specs, page, new Date(this.o.now()), meta)
    } catch (err) {
      if (err instanceof RefusedPage) throw new BadAnswer(`sync_pull answer refused: ${err.message}`)
      // SQLSTATE class 22 (data exception): the rows' text is not JSON, not a list of objects, or
      // holds a value its column cannot take. Nothing was written: the transaction rolled back.
      const code = (err as { code?: unknown })?.code
      if (typeof code === 'string' && code.startsWith('22')) throw new BadAnswer(`sync_pull answer has malformed rows: ${(err as Error).message}`)
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
    return authorizedRpcText(this.o.auth, 'sync_pull', { p_cursors: cursors, p_limit: limit })
  }
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
