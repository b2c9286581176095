// The sync loop: one loop that owns all network state. Each cycle releases intents whose hold
// window passed, pushes queued intents (push.ts), then pulls until caught up (pull.ts) — after
// every push, on a focused (fast) or background (slow) interval, and at once when nudged
// (reconnect, wake, "sync now") or poked (the server said something changed). Transient failures
// back off with jitter; refusals and bad answers are shown, never retried silently; every status
// change is emitted.
import type { EmitEvent } from '../../shared/contract'
import type { Auth } from '../auth/auth'
import * as queue from '../queue/intents'
import type { RowKey } from '../replica/apply'
import type { Replica } from '../replica/replica'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff'
import type { PhaseObserver } from './phases'
import { Puller } from './pull'
import { pushDue } from './push'
import { SignInRequired, Transient } from './rpc'
import type { StatusModel } from './status'
import { BadAnswer } from './validate'

export type { EnginePhase } from './phases'

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
  onPhase?: PhaseObserver
  /** Every pull that reached the end of the server's changes (Realtime checks its pokes against it). */
  onPulled?: () => void
  /** Awaited before each statement that writes a pulled page (reviewer-first.ts); resolves to its most text. */
  reviewerFirst?: () => Promise<number>
  /** Rows of a table were written (or purged), before its page's `data.changed` (with keys for `keyed` tables). */
  rowsWritten?: (table: string, keys?: string[]) => void
  /** Tables whose writes report the rows they touched (replica/apply.ts). */
  keyed?: ReadonlyMap<string, RowKey>
}

const IDLE_MS = 60_000

export class SyncEngine {
  private readonly o: Required<Omit<EngineOptions, 'onPhase' | 'onPulled' | 'reviewerFirst' | 'rowsWritten' | 'keyed'>> &
    Pick<EngineOptions, 'onPhase' | 'onPulled' | 'reviewerFirst' | 'rowsWritten' | 'keyed'>
  private readonly puller: Puller
  private loopDone: Promise<void> | null = null
  private stopped = false
  /** wake() came while a cycle was running: the loop goes round again instead of sleeping. */
  private wakeRequested = false
  private sleeping: { timer: NodeJS.Timeout; resolve: () => void } | null = null
  /** Ends the wait before the first cycle (see start). */
  private beginNow: (() => void) | null = null
  private focused = true
  private workOffline = false
  private signInNeeded = false
  private failures = 0
  private retryAt = 0
  private pullDueAt = 0
  private pullRequested = true
  private readonly defaults: { focusedMs: number; backgroundMs: number }

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
    this.puller = new Puller({ ...this.o, betweenPages: () => this.pushBetweenPages() })
    this.defaults = { focusedMs: this.o.focusedIntervalMs, backgroundMs: this.o.backgroundIntervalMs }
  }

  get replica(): Replica {
    return this.o.replica
  }

  /**
   * Starts the loop. With `holdMs`, its first cycle waits up to that long for begin() (a warm start
   * lets the reviewer's first inbox page be read before the catch-up pull takes the replica) or for
   * any wake-up: a decision to send, "sync now", a reconnect or stop() begin it at once.
   */
  start(opts: { holdMs?: number } = {}): void {
    if (this.loopDone) return
    const held = opts.holdMs
      ? new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, opts.holdMs)
          this.beginNow = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      : Promise.resolve()
    this.loopDone = held.then(() => {
      this.beginNow = null
      return this.loop()
    })
  }

  /** Ends start()'s hold, if any: the first inbox page has been read. */
  begin(): void {
    this.beginNow?.()
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

  /**
   * The server said something changed (a Realtime poke, a fallback poll): pull at the next cycle
   * without waiting for the interval. Unlike nudge() it respects a backoff in progress: a poke
   * says nothing about whether the server is reachable.
   */
  poke(): void {
    this.pullRequested = true
    this.wake()
  }

  /**
   * The poll intervals: the defaults while changes must be polled for, a slow fallback while
   * Realtime pokes bring them (sync/realtime.ts). Takes effect from the next cycle.
   */
  setPollIntervals(intervals: { focusedMs: number; backgroundMs: number }): void {
    const sooner = intervals.focusedMs < this.o.focusedIntervalMs
    this.o.focusedIntervalMs = intervals.focusedMs
    this.o.backgroundIntervalMs = intervals.backgroundMs
    // Back to fast polling (pokes may have been missed): pull now rather than sit out the rest of a
    // long fallback sleep; a backoff in progress still holds.
    if (sooner) this.poke()
  }

  /** The intervals the engine was created with (what polling mode returns to). */
  get defaultPollIntervals(): { focusedMs: number; backgroundMs: number } {
    return this.defaults
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

  /**
   * Ends the current sleep — or, when a cycle is running, the sleep after it: an intent made or
   * released while a cycle pushes or pulls must not wait out the next poll (30 s while Realtime
   * is live) before it is sent.
   */
  private wake(): void {
    this.beginNow?.()
    const s = this.sleeping
    if (!s) {
      this.wakeRequested = true
      return
    }
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
    // An unfinished first sync shows its bar from the start, online or not.
    const initialSync = await this.puller.loadProgress()
    this.o.status.set({ lastPullAt: lastPull, lastError: null, initialSync })
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
      if (this.wakeRequested) {
        this.wakeRequested = false
        continue
      }
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
      await this.puller.pullAll()
      this.o.onPulled?.()
    }
    this.failures = 0
    this.o.status.set({ state: 'online', lastError: null })
    const interval = this.focused ? this.o.focusedIntervalMs : this.o.backgroundIntervalMs
    const jittered = interval * (0.9 + 0.2 * this.o.random())
    this.pullDueAt = this.o.now() + jittered
    // Nudged or poked while this cycle was pulling: one more pull at once, never two at a time.
    if (this.pullRequested) return 0
    return Math.min(jittered, await this.untilNextHold(this.o.now()))
  }

  /** Sends every intent that is due; true when a batch went out. */
  private pushDue(): Promise<boolean> {
    return pushDue({ ...this.o, batch: this.o.pushBatch, queueChanged: () => this.refreshQueueStatus() })
  }

  /**
   * Between the pages of a long pull: intents whose hold window passed go out now. A failure here
   * is left to the next cycle's push, which reports it; the pull goes on.
   */
  private async pushBetweenPages(): Promise<void> {
    if (this.stopped || this.workOffline) return
    try {
      await this.releaseHeld(this.o.now())
      await this.pushDue()
    } catch {
      // pushDue put its batch back; the cycle after this pull sends it again and shows any error.
    }
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
}
