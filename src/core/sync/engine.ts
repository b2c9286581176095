// The sync engine: one loop that owns all network state. Each cycle releases intents whose hold
// window passed, pushes queued intents in order and in batches, then pulls until caught up —
// after every push, on a focused (fast) or background (slow) interval, and at once when nudged
// (reconnect, wake, "sync now"). Transient failures back off with jitter; refusals and bad
// answers are shown, never retried silently; every status change is emitted.
import type { EmitEvent } from '../../shared/contract'
import { describeError } from '../../shared/errors'
import { GLOBAL_SCOPE, type Cursors, type PullResponse, type PushMutation } from '../../shared/sync-protocol'
import type { Auth } from '../auth/auth'
import * as queue from '../queue/intents'
import { applyPull } from '../replica/apply'
import { quoteIdent } from '../replica/tables'
import type { Replica } from '../replica/replica'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff'
import { pushIsolating, refusesPayload } from './isolate'
import { callRpc, type RpcOutcome } from './rpc'
import type { StatusModel } from './status'
import { BadAnswer, parsePull, parsePush } from './validate'

export interface EngineOptions {
  replica: Replica
  auth: Auth
  status: StatusModel
  emit: EmitEvent
  now: () => number
  /** The refresh token was refused (or the session belongs to someone else): ask for sign-in. */
  onSignInRequired: (message: string) => void
  pullLimit?: number
  /** Limit of a fresh replica's first pull: small, so the first inbox page is readable at once. */
  firstPullLimit?: number
  pushBatch?: number
  focusedIntervalMs?: number
  backgroundIntervalMs?: number
  backoff?: BackoffPolicy
  random?: () => number
  /** Observes the engine's phases (tests use it to crash the process at chosen points). */
  onPhase?: (phase: EnginePhase) => void
}

export type EnginePhase = 'pull-request' | 'pull-apply' | 'pull-applied' | 'push-claimed' | 'push-request' | 'push-resolved'

/** A failure worth retrying later; `offline` when the server could not be reached at all. */
class Transient extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offline: boolean,
    /** The HTTP status, when the server answered (0: it could not be reached). */
    readonly status = 0,
  ) {
    super(message)
  }
}
class SignInRequired extends Error {}

const IDLE_MS = 60_000
/** Rows a table takes before its statistics and visibility map are refreshed (no autovacuum here). */
const ANALYZE_AFTER_ROWS = 500

export class SyncEngine {
  private readonly o: Required<Omit<EngineOptions, 'onPhase'>> & Pick<EngineOptions, 'onPhase'>
  private loopDone: Promise<void> | null = null
  private stopped = false
  private sleeping: { timer: NodeJS.Timeout; resolve: () => void } | null = null
  private focused = true
  private workOffline = false
  private signInNeeded = false
  private failures = 0
  private retryAt = 0
  private pullDueAt = 0
  private pullRequested = true
  /**
   * First-sync progress: rows applied so far and the server's estimate of the total. Kept in the
   * replica's meta as well, so a first sync interrupted by a restart or a lost network resumes its
   * bar where it was instead of starting over (or losing its total: only the first page has one).
   */
  private initial: { rows: number; expected: number | null } = { rows: 0, expected: null }
  /** Rows applied per table since its statistics were last refreshed (PGlite has no autovacuum). */
  private unanalyzed = new Map<string, number>()
  private unvacuumed = new Set<string>()

  constructor(opts: EngineOptions) {
    this.o = {
      pullLimit: 5000,
      firstPullLimit: 200,
      pushBatch: 200,
      focusedIntervalMs: 700,
      backgroundIntervalMs: 15_000,
      backoff: DEFAULT_BACKOFF,
      random: Math.random,
      ...opts,
    }
  }

  get replica(): Replica {
    return this.o.replica
  }

  start(): void {
    if (this.loopDone) return
    this.loopDone = this.loop()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.wake()
    await this.loopDone
  }

  /** Pull (and push) now: "sync now", reconnect, the machine woke up. Clears any backoff. */
  nudge(): void {
    this.pullRequested = true
    this.failures = 0
    this.retryAt = 0
    this.wake()
  }

  setFocused(focused: boolean): void {
    const was = this.focused
    this.focused = focused
    if (focused && !was) this.nudge()
  }

  setWorkOffline(offline: boolean): void {
    this.workOffline = offline
    this.o.status.set({ workOffline: offline, ...(offline ? { state: 'offline' } : {}) })
    if (!offline) this.nudge()
    else this.wake()
  }

  /** Starts without network work until the reviewer signs in again (a refused session at start-up). */
  pauseForSignIn(): void {
    this.signInNeeded = true
  }

  /** The session is usable again (signed in anew): resume network work. */
  resume(): void {
    this.signInNeeded = false
    this.nudge()
  }

  /** The queue changed locally (new intent, undo): recompute status and the next hold deadline. */
  async intentsChanged(): Promise<void> {
    await this.refreshQueueStatus()
    this.wake()
  }

  private wake(): void {
    const s = this.sleeping
    if (!s) return
    this.sleeping = null
    clearTimeout(s.timer)
    s.resolve()
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping = null
        resolve()
      }, Math.max(0, ms))
      this.sleeping = { timer, resolve }
    })
  }

  /** Reads the queue and the last pull into the status before the first cycle (and before any call). */
  async prime(): Promise<void> {
    const { replica } = this.o
    // A crash between "sending" and the answer leaves intents marked sending: send them again
    // (the server's ledger returns the stored result for an id it already applied).
    await queue.recoverInterrupted(replica.db, replica.userId)
    const lastPull = await replica.meta<string>('last_pull_at')
    const done = await replica.meta<boolean>('initial_sync_done')
    if (!done) this.initial = (await replica.meta<typeof this.initial>('initial_sync_progress')) ?? this.initial
    // An unfinished first sync shows its bar from the start, online or not.
    this.o.status.set({ lastPullAt: lastPull, lastError: null, initialSync: done ? null : { ...this.initial } })
    await this.refreshQueueStatus()
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delay: number
      try {
        delay = await this.cycle()
      } catch (err) {
        delay = this.onFailure(err)
      }
      if (this.stopped) break
      await this.sleep(delay)
    }
  }

  private async cycle(): Promise<number> {
    const now = this.o.now()
    await this.releaseHeld(now)
    const holdDelay = await this.untilNextHold(now)
    if (this.workOffline) {
      this.o.status.set({ state: 'offline' })
      return holdDelay
    }
    if (this.signInNeeded) return holdDelay
    if (now < this.retryAt) return Math.min(this.retryAt - now, holdDelay)

    const token = await this.o.auth.token()
    if (!token.ok) {
      if (token.reason === 'unreachable') throw new Transient('backend_unreachable', token.message, true)
      throw new SignInRequired(token.message)
    }
    // Intents belong to the replica's owner; a session of anyone else never sends them.
    if (token.user.id !== this.o.replica.userId) throw new SignInRequired('signed in as someone else')

    const pushed = await this.pushDue()
    if (pushed || this.pullRequested || this.o.now() >= this.pullDueAt) {
      this.pullRequested = false
      await this.pullAll()
    }
    this.failures = 0
    this.o.status.set({ state: 'online', lastError: null })
    const interval = this.focused ? this.o.focusedIntervalMs : this.o.backgroundIntervalMs
    const jittered = interval * (0.9 + 0.2 * this.o.random())
    this.pullDueAt = this.o.now() + jittered
    return Math.min(jittered, await this.untilNextHold(this.o.now()))
  }

  private onFailure(err: unknown): number {
    const at = new Date(this.o.now()).toISOString()
    if (err instanceof SignInRequired) {
      this.signInNeeded = true
      this.o.status.set({ state: 'error', lastError: { code: 'sign_in_required', message: err.message, at } })
      this.o.onSignInRequired(err.message)
      return IDLE_MS
    }
    this.failures += 1
    const delay = backoffDelay(this.failures, this.o.backoff, this.o.random)
    this.retryAt = this.o.now() + delay
    if (err instanceof Transient) {
      // An unfinished first sync keeps its bar: it resumes from its cursors on the next cycle.
      this.o.status.set({ state: err.offline ? 'offline' : 'error', lastError: { code: err.code, message: err.message, at } })
    } else {
      const code = err instanceof BadAnswer ? 'malformed_answer' : 'internal'
      const message = err instanceof Error ? err.message : String(err)
      this.o.status.set({ state: 'error', lastError: { code, message: message.slice(0, 500), at } })
    }
    return delay
  }

  // ───────────── the queue ─────────────

  private async releaseHeld(now: number): Promise<void> {
    const released = await queue.releaseHeld(this.o.replica.db, this.o.replica.userId, new Date(now))
    if (released.length === 0) return
    for (const row of released) this.o.emit('intent.changed', queue.toIntent(row))
    await this.refreshQueueStatus()
  }

  private async untilNextHold(now: number): Promise<number> {
    const next = await queue.nextHoldDeadline(this.o.replica.db, this.o.replica.userId)
    return next ? Math.max(0, Math.min(IDLE_MS, next.getTime() - now)) : IDLE_MS
  }

  async refreshQueueStatus(): Promise<void> {
    const { depth, oldest } = await queue.queueSummary(this.o.replica.db, this.o.replica.userId)
    this.o.status.set({ queueDepth: depth, oldestQueuedAt: oldest ? oldest.toISOString() : null })
  }

  // ───────────── push ─────────────

  private async pushDue(): Promise<boolean> {
    const { replica, emit } = this.o
    let pushedAny = false
    for (;;) {
      const batch = await queue.claimBatch(replica.db, replica.userId, new Date(this.o.now()), this.o.pushBatch)
      if (batch.length === 0) break
      this.o.onPhase?.('push-claimed')
      for (const row of batch) emit('intent.changed', queue.toIntent(row))
      this.o.status.set({ state: 'syncing' })
      const mutations: PushMutation[] = batch.map((r) => ({
        client_mutation_id: r.client_mutation_id,
        kind: r.kind,
        args: r.args,
        client_created_at: r.created_at.toISOString(),
      }))
      const ids = batch.map((r) => r.client_mutation_id)
      this.o.onPhase?.('push-request')
      let results
      try {
        // ── Request isolation (isolate.ts): a batch the server refuses as a whole (400/413) is
        // split until the mutation at fault stands alone and is refused with the server's reason;
        // other failures still throw and requeue the batch. Port this call site with the push path.
        results = await pushIsolating(mutations, async (part) => {
          try {
            const outcome = await this.rpc('sync_push', { p_mutations: part })
            return { ok: true, results: parsePush(outcome, new Set(part.map((m) => m.client_mutation_id))).results }
          } catch (err) {
            if (err instanceof Transient && refusesPayload(err.status)) return { ok: false, code: err.code, message: err.message }
            throw err
          }
        })
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        const back = await queue.requeue(replica.db, ids, new Date(this.o.now()), { code: 'push_failed', message })
        for (const row of back) emit('intent.changed', queue.toIntent(row))
        throw err
      }
      const changed: queue.IntentRow[] = []
      await replica.db.transaction(async (tx) => {
        const answered = new Set<string>()
        for (const r of results) {
          answered.add(r.client_mutation_id)
          const row = await queue.resolve(
            tx,
            {
              id: r.client_mutation_id,
              status: r.status,
              code: r.code,
              message: r.status === 'applied' ? null : describeError(r.code ?? 'refused', r.message),
              row: r.row,
            },
            new Date(this.o.now()),
          )
          if (row) changed.push(row)
        }
        const missing = ids.filter((id) => !answered.has(id))
        changed.push(
          ...(await queue.requeue(tx, missing, new Date(this.o.now()), { code: 'no_answer', message: 'no result for this intent' })),
        )
      })
      this.o.onPhase?.('push-resolved')
      for (const row of changed) emit('intent.changed', queue.toIntent(row))
      emit('data.changed', { tables: ['pending_mutations'] })
      await this.refreshQueueStatus()
      pushedAny = true
    }
    return pushedAny
  }

  // ───────────── pull ─────────────

  private async loadCursors(): Promise<Cursors> {
    const res = await this.o.replica.db.query<{ scope: string; table_name: string; txid: string; version: string }>(
      'select scope, table_name, txid, version::text as version from sync_cursors',
    )
    const cursors: Cursors = {}
    for (const c of res.rows) {
      cursors[c.scope] ??= {}
      cursors[c.scope]![c.table_name] = { txid: c.txid, version: Number(c.version) }
    }
    return cursors
  }

  private async pullAll(): Promise<void> {
    const { replica, emit, status } = this.o
    const fresh = !(await replica.meta<boolean>('initial_sync_done'))
    if (fresh) status.set({ state: 'syncing', initialSync: { ...this.initial } })
    let cursors = await this.loadCursors()
    let tenants = (await replica.db.query<{ tenant_id: string }>('select tenant_id from sync_tenants')).rows.map((r) => r.tenant_id)
    let pages = 0
    this.o.onPhase?.('pull-request')
    // The next page is requested while this one is applied: the server's cursors are already
    // known, and the network and the local write overlap.
    let pending = this.requestPull(cursors, fresh && Object.keys(cursors).length === 0 ? this.o.firstPullLimit : this.o.pullLimit)
    for (;;) {
      const data = await pending
      const pull = parsePull(data, replica.specs)
      if (pull.has_more) {
        cursors = mergeCursors(cursors, pull.cursors, tenants, pull.tenants, pull.withheld)
        pending = this.requestPull(cursors, this.o.pullLimit)
        // The in-flight page must never surface as an unhandled rejection if this apply fails.
        pending.catch(() => {})
      }
      tenants = pull.tenants
      // The first sync's progress is saved with the page it counts, so a restart resumes the bar exactly.
      const progress = fresh ? this.progressAfter(pull) : null
      this.o.onPhase?.('pull-apply')
      const applied = await applyPull(
        replica.db,
        replica.specs,
        pull,
        new Date(this.o.now()),
        progress ? { initial_sync_progress: progress } : {},
      )
      this.o.onPhase?.('pull-applied')
      if (applied.tables.length > 0) emit('data.changed', { tables: applied.tables })
      for (const [table, n] of Object.entries(applied.perTable)) this.unanalyzed.set(table, (this.unanalyzed.get(table) ?? 0) + n)
      // The planner needs statistics to pick the inbox's indexes: refreshed every few pages of a
      // first sync (never before its first page: that one must reach the inbox at once), at its
      // end, and whenever a table has taken many rows since.
      if (fresh && ++pages % 10 === 0) await this.analyze(false)
      if (progress) {
        this.initial = progress
        status.set({ initialSync: { ...progress } })
      }
      if (!pull.has_more) break
      if (!fresh) status.set({ state: 'syncing' })
    }
    await this.analyze(fresh)
    if (fresh) {
      await replica.setMeta('initial_sync_done', true)
      status.set({ initialSync: null })
    }
    status.set({ lastPullAt: new Date(this.o.now()).toISOString() })
    await this.vacuum()
  }

  /** The first sync's progress once `pull` is applied. */
  private progressAfter(pull: PullResponse): typeof this.initial {
    const rows = this.initial.rows + Object.values(pull.changes).reduce((n, r) => n + r.length, 0)
    const estimate = pull.remaining_estimate != null ? rows + pull.remaining_estimate : this.initial.expected
    // The total is an estimate taken on the first page; rows written since can pass it, and the bar
    // must never run backwards, so it grows with what arrived instead.
    return { rows, expected: estimate === null ? null : Math.max(estimate, rows) }
  }

  /**
   * PGlite runs no autovacuum: the engine refreshes statistics (so the planner picks the inbox's
   * indexes) for tables that took many rows since — or all of them at the end of a first sync —
   * and leaves them to vacuum() afterwards.
   */
  private async analyze(all: boolean): Promise<void> {
    for (const [table, n] of this.unanalyzed) {
      if (!all && n < ANALYZE_AFTER_ROWS) continue
      await this.o.replica.db.exec(`analyze ${quoteIdent(table)}`)
      this.unanalyzed.delete(table)
      this.unvacuumed.add(table)
    }
  }

  /** Sets the visibility map, so the inbox's covering indexes answer without heap reads; once the replica is complete. */
  private async vacuum(): Promise<void> {
    for (const table of this.unvacuumed) {
      await this.o.replica.db.exec(`vacuum ${quoteIdent(table)}`)
      this.unvacuumed.delete(table)
    }
  }

  private async requestPull(cursors: Cursors, limit: number): Promise<unknown> {
    return this.rpc('sync_pull', { p_cursors: cursors, p_limit: limit })
  }

  /** One RPC with the session's token; a 401 refreshes the token once and tries again. */
  private async rpc(fn: string, args: Record<string, unknown>): Promise<unknown> {
    let outcome: RpcOutcome = await callRpc(this.o.auth.data, fn, args)
    if (!outcome.ok && outcome.kind === 'unauthorized') {
      const token = await this.o.auth.token(true)
      if (!token.ok) {
        if (token.reason === 'unreachable') throw new Transient('backend_unreachable', token.message, true)
        throw new SignInRequired(token.message)
      }
      // The refresh itself was accepted, so the session is good: a second 401 is the server's
      // problem, shown and retried like any other failure.
      outcome = await callRpc(this.o.auth.data, fn, args)
    }
    if (outcome.ok) return outcome.data
    if (outcome.kind === 'malformed') throw new BadAnswer(`${fn}: ${outcome.message}`)
    throw new Transient(outcome.code, `${fn}: ${outcome.message}`, outcome.kind === 'network', outcome.status)
  }
}

function mergeCursors(
  prev: Cursors,
  next: Cursors,
  heldTenants: string[],
  tenants: string[],
  withheld: Record<string, string[]> = {},
): Cursors {
  const visible = new Set([...tenants, GLOBAL_SCOPE])
  const out: Cursors = {}
  for (const [scope, tables] of Object.entries(prev)) if (visible.has(scope)) out[scope] = { ...tables }
  for (const [scope, tables] of Object.entries(next)) out[scope] = { ...(out[scope] ?? {}), ...tables }
  // A table withheld in a tenant starts from zero when it is readable again (as applyPull does).
  for (const [scope, tables] of Object.entries(withheld)) for (const t of tables) delete out[scope]?.[t]
  // A changed tenant set restarts the tenant-less streams (as applyPull does in the replica).
  const held = new Set(heldTenants)
  const changed = held.size !== tenants.length || tenants.some((t) => !held.has(t))
  if (changed && held.size > 0) delete out[GLOBAL_SCOPE]
  return out
}
