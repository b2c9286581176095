// Down: pulls pages from sync_pull until the server has nothing more, each page applied with its
// cursors in one local transaction. The next page is requested while this one is applied (the
// server's cursors are already known), so the network and the local write overlap. A fresh
// replica's first sync counts its rows for the progress bar, saved with the page it counts.
import type { EmitEvent } from '../../shared/contract'
import { GLOBAL_SCOPE, type Cursors, type PullResponse } from '../../shared/sync-protocol'
import type { Auth } from '../auth/auth'
import { applyPull } from '../replica/apply'
import type { Replica } from '../replica/replica'
import type { PhaseObserver } from './phases'
import { authorizedRpc } from './rpc'
import type { StatusModel } from './status'
import { parsePull } from './validate'

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
      const data = await pending
      const pull = parsePull(data, replica.specs)
      if (pull.has_more) {
        cursors = mergeCursors(cursors, pull.cursors, tenants, pull.tenants)
        pending = this.request(cursors, this.o.pullLimit)
        // The in-flight page must never surface as an unhandled rejection if this apply fails.
        pending.catch(() => {})
      }
      tenants = pull.tenants
      const progress = fresh ? this.progressAfter(pull) : null
      this.o.onPhase?.('pull-apply')
      const applied = await applyPull(replica.db, replica.specs, pull, new Date(this.o.now()), progress ? { initial_sync_progress: progress } : {})
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
      if (!pull.has_more) break
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

  /** The first sync's progress once `pull` is applied. */
  private progressAfter(pull: PullResponse): FirstSyncProgress {
    const rows = this.initial.rows + Object.values(pull.changes).reduce((n, r) => n + r.length, 0)
    const estimate = pull.remaining_estimate != null ? rows + pull.remaining_estimate : this.initial.expected
    // The total is an estimate taken on the first page; rows written since can pass it, and the bar
    // must never run backwards, so it grows with what arrived instead.
    return { rows, expected: estimate === null ? null : Math.max(estimate, rows) }
  }

  private request(cursors: Cursors, limit: number): Promise<unknown> {
    return authorizedRpc(this.o.auth, 'sync_pull', { p_cursors: cursors, p_limit: limit })
  }
}

function mergeCursors(prev: Cursors, next: Cursors, heldTenants: string[], tenants: string[]): Cursors {
  const visible = new Set([...tenants, GLOBAL_SCOPE])
  const out: Cursors = {}
  for (const [scope, tables] of Object.entries(prev)) if (visible.has(scope)) out[scope] = { ...tables }
  for (const [scope, tables] of Object.entries(next)) out[scope] = { ...(out[scope] ?? {}), ...tables }
  // A changed tenant set restarts the tenant-less streams (as applyPull does in the replica).
  const held = new Set(heldTenants)
  const changed = held.size !== tenants.length || tenants.some((t) => !held.has(t))
  if (changed && held.size > 0) delete out[GLOBAL_SCOPE]
  return out
}
