// The core's state: who is signed in, their replica and the sync engine working on it. Sign-in,
// sign-out and start-up run one at a time, so a replica is never opened twice or swapped while in
// use. A stored session opens the replica with no network at all (offline start), and a relaunch
// shows the reviewer's last view while the replica opens (last-view.ts, replicaCall).
import type { CoreHandlers, EmitEvent, MethodName, SessionState, Settings, SyncStatus } from '../shared/contract'
import { ApiError } from '../shared/errors'
import ws from 'ws'
import { Auth, type SignedInUser } from './auth/auth'
import type { BackendConfig } from './backend'
import type { SessionStore } from './auth/session-store'
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users'
import { LastView, replicaStamp } from './last-view'
import { ReviewerCaches } from './queries/reviewer-caches'
import { LANE_KEYS } from './queries/lanes'
import { replicaDir } from './replica/open'
import { Replica } from './replica/replica'
import { closeSpare, openSpare, prepareSpareOffThread, spareReady, type OpenSpare } from './replica/spare'
import type { TableSpec } from './replica/tables'
import { coreStateFile, settingsFile, type JsonFile, type LastUser } from './settings'
import { SavedViews, type ViewOwner } from './saved-views'
import { SyncEngine, type EngineOptions } from './sync/loop'
import { LiveUpdates } from './sync/realtime'
import { StatusModel } from './sync/status'
import * as queue from './queue/intents'
import { ReviewerFirst } from './reviewer-first'

export type SyncTuning = Partial<
  Pick<EngineOptions, 'pullLimit' | 'firstPullLimit' | 'pushBatch' | 'focusedIntervalMs' | 'backgroundIntervalMs' | 'backoff' | 'onPhase' | 'random'>
> & {
  /** Realtime pokes (default on); off, the console only polls. */
  realtime?: boolean
}

/** How long a relaunch holds its catch-up pull for the first inbox page at most. */
const FIRST_PAGE_GRACE_MS = 2000
/** The last view is saved once the replica has been quiet this long after a change (and at close)… */
const LAST_VIEW_SAVE_AFTER_MS = 1500
/**
 * … and at most this often: saving reads every view it holds again, and a busy tenant changes the
 * replica every few seconds. A crash leaves one at most this old, corrected when the replica opens.
 */
const LAST_VIEW_SAVE_EVERY_MS = 30_000

export interface CoreOptions {
  userDataDir: string
  backend: BackendConfig
  sessionStore: SessionStore
  emit: EmitEvent
  fetch?: typeof fetch
  /** Realtime's WebSocket class (`ws` by default); tests pass one whose sockets they can cut. */
  webSocket?: typeof ws
  now?: () => number
  /** Replicated tables; the server registry by default. */
  tables: TableSpec[]
  sync?: SyncTuning
  /**
   * Build the next sign-in's spare replica (in a worker) once the signed-in replica has its rows,
   * so a sign-in after a sign-out only opens one. Default true; tests that never sign out skip it.
   */
  reserveSpare?: boolean
  /** Tests: a replica opens only once this resolves (a slow open, held for as long as a test needs). */
  replicaGate?: () => Promise<void>
}

export class CoreState {
  readonly status: StatusModel
  /** The reviewer's calls before the sync's writes (reviewer-first.ts). */
  readonly reviewerFirst = new ReviewerFirst()
  readonly now: () => number
  auth!: Auth
  replica: Replica | null = null
  /** What the queries keep about the signed-in reviewer, beside their replica. */
  private reviewerCaches: ReviewerCaches | null = null
  engine: SyncEngine | null = null
  live: LiveUpdates | null = null
  private sessionStatus: SessionState['status'] = 'signed_out'
  private user: SignedInUser | null = null
  private serial: Promise<unknown> = Promise.resolve()
  private closed = false
  /** The spare replica built and opened while nobody is signed in (see replica/spare.ts). */
  private spare: Promise<OpenSpare | null> | null = null
  /** A spare being built on disk for the next sign-in (one build at a time, in a worker). */
  private reserving: Promise<unknown> | null = null
  /** The open replica has been seen complete, and a spare is in reserve or on its way. */
  private reserved = false
  private focused = true
  /** The signed-in reviewer's last view (last-view.ts): its saved answers while the replica opens. */
  private lastView: LastView | null = null
  /** A relaunch's replica, opening while the last view answers (null once open). */
  private opening: Promise<void> | null = null
  private lastViewSave: ReturnType<typeof setTimeout> | null = null
  private lastViewSavedAt = -Infinity
  /** The handlers the last view is answered again with before it is saved (set by createCore). */
  private handlers: CoreHandlers | null = null
  readonly settings: JsonFile<Settings>
  readonly savedViews: SavedViews
  private readonly memory: ReturnType<typeof coreStateFile>

  constructor(private readonly o: CoreOptions) {
    this.now = o.now ?? Date.now
    this.status = new StatusModel((s) => {
      o.emit('sync.status', s)
      this.reserveSpare(s)
    })
    this.settings = settingsFile(o.userDataDir)
    this.savedViews = new SavedViews(o.userDataDir)
    this.memory = coreStateFile(o.userDataDir)
  }

  readonly emit: EmitEvent = (event, payload) => {
    // A pull that changed who the reviewer is (roles, limits, delegations) refreshes their context.
    if (event === 'data.changed') {
      this.reviewerCaches?.changed((payload as { tables: string[] }).tables)
      this.saveLastViewWhenQuiet()
    }
    this.o.emit(event, payload)
  }

  emitData(tables: string[]): void {
    this.emit('data.changed', { tables })
  }

  /** Runs session transitions one after another. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn)
    this.serial = run.catch(() => {})
    return run
  }

  async start(): Promise<void> {
    const who = await this.exclusive(async () => {
      const backend = await this.backend()
      const memory = await this.memory.read()
      if (memory.backendUrl && memory.backendUrl !== backend.url) {
        // The backend changed since the last run: its session and user are not this backend's.
        await this.o.sessionStore.clear()
        await this.memory.write({ lastUser: null, backendUrl: null })
      }
      this.auth = await Auth.create(backend, this.o.sessionStore, this.o.fetch ?? fetch, this.now, this.o.webSocket ?? ws)
      const stored = this.auth.storedUser()
      const last = (await this.memory.read()).lastUser
      // Without a stored session the replica (and its queue) stays readable, and sign-in is asked for.
      if (stored) return { user: stored as SignedInUser | LastUser, status: 'signed_in' as const }
      return last ? { user: last, status: 'sign_in_required' as const } : null
    })
    if (!who) {
      this.prepareSpare()
      return
    }
    this.user = { id: who.user.id, email: who.user.email, fullName: who.user.fullName }
    this.sessionStatus = who.status
    const view = await LastView.read(replicaDir(await this.place(), who.user.id), who.user.id)
    const open = this.exclusive(async () => {
      await this.openFor(who.user, null, who.status === 'signed_in', view)
      if (who.status === 'sign_in_required') this.engine?.pauseForSignIn()
    })
    if (!view.hasAnswers) return open
    // The replica opens behind the last view: its calls are answered now, the others wait (replicaCall).
    this.lastView = view
    this.status.set({ ...view.status, replica: 'opening' })
    this.opening = open.then(
      () => {
        this.opening = null
      },
      async (err: unknown) => {
        // The calls waiting for it, and every later one, fail with it (an internal error). The last
        // view is never shown again: the next launch opens the replica first and reports what is wrong.
        console.error('core: the replica did not open', err instanceof Error ? err.message : err)
        await view.remove().catch(() => {})
        throw err
      },
    )
    this.opening.catch(() => {})
  }

  /**
   * Runs one of the reviewer's calls that reads or writes the replica. While a relaunch's replica
   * opens, a call the last view holds is answered from it and every other one waits for the replica,
   * in order (nothing is refused or lost).
   */
  async replicaCall(method: MethodName, args: unknown, run: () => Promise<unknown>): Promise<unknown> {
    if (this.opening) {
      const saved = this.lastView?.answer(method, args)
      if (saved) {
        this.lastView!.noteCall(method, args)
        return saved.value
      }
      await this.opening
    }
    const value = await run()
    this.lastView?.noteCall(method, args)
    // An inbox page was read: a catch-up pull held back for the first one may start (see openFor).
    if (method === 'inbox.list') this.engine?.begin()
    return value
  }

  /** The raw handlers (createCore): the last view's calls are answered again with them before it is saved. */
  answerLastViewWith(handlers: CoreHandlers): void {
    this.handlers = handlers
  }

  private prepareSpare(): void {
    // Only a head start: sign-in can build from scratch. After a build in reserve, if any.
    const reserve = this.reserving ?? Promise.resolve()
    this.spare = reserve.then(() => openSpare(this.o.userDataDir, this.o.tables)).catch(() => null)
  }

  /**
   * Once the signed-in replica is complete and the core is idle, a spare for the next sign-in is
   * built on disk in a worker: the sign-in screen after a sign-out then only opens it.
   */
  private reserveSpare(s: SyncStatus): void {
    if (this.reserved || this.o.reserveSpare === false || this.closed || !this.replica) return
    if (s.state !== 'online' || s.initialSync !== null) return
    this.reserved = true
    if (this.reserving || spareReady(this.o.userDataDir)) return
    this.reserving = prepareSpareOffThread(this.o.userDataDir, this.o.tables)
      .catch(() => null) // the next sign-in builds its own instead
      .finally(() => {
        this.reserving = null
      })
  }

  /** Hands the open spare over (or closes it when it is not needed). */
  private async takeSpare(): Promise<OpenSpare | null> {
    const spare = await this.spare
    this.spare = null
    return spare
  }

  private async place() {
    return { userDataDir: this.o.userDataDir, backendUrl: (await this.backend()).url }
  }

  private async backend() {
    const s = await this.settings.read()
    const url = s.supabaseUrl ?? this.o.backend.url
    const anonKey = s.supabaseAnonKey ?? this.o.backend.anonKey
    return { url, anonKey, isLocalStack: this.o.backend.isLocalStack && url === this.o.backend.url }
  }

  async session(): Promise<SessionState> {
    const b = await this.backend()
    return {
      status: this.sessionStatus,
      user: this.user,
      backend: { url: b.url, isLocalStack: b.isLocalStack },
      demoUsers: b.isLocalStack ? DEMO_USERS : [],
      demoPassword: b.isLocalStack ? DEMO_PASSWORD : null,
    }
  }

  private async emitSession(): Promise<void> {
    this.o.emit('session.changed', await this.session())
  }

  async signIn(email: string, password: string): Promise<SessionState> {
    return this.exclusive(async () => {
      const res = await this.auth.signIn(email, password)
      if (!res.ok) {
        const code = { invalid: 'invalid_credentials', rate_limited: 'sign_in_rate_limited', unreachable: 'backend_unreachable' } as const
        throw new ApiError(code[res.reason])
      }
      // Another person signs in on this console: the previous reviewer's last view goes (their replica stays).
      if (this.replica && this.replica.userId !== res.user.id) await this.closeReplica('forget')
      const spare = await this.takeSpare()
      if (!this.replica) await this.openFor(res.user, spare)
      // A user with a replica already did not need the spare: close it (it stays built for next time).
      if (spare && this.replica?.db !== spare.db) await closeSpare(spare)
      const previous = (await this.memory.read()).lastUser
      if (previous?.id !== res.user.id) await this.forgetPerUserSettings()
      this.user = res.user
      this.sessionStatus = 'signed_in'
      await this.memory.write({ lastUser: res.user, backendUrl: (await this.backend()).url })
      this.engine?.resume()
      const state = await this.session()
      this.o.emit('session.changed', state)
      return state
    })
  }

  async signOut(force: boolean): Promise<SessionState> {
    return this.exclusive(async () => {
      if (this.replica && !force) {
        // Refused decisions the reviewer has not dismissed count too: signing out deletes them unread.
        const waiting = await queue.listQueue(this.replica.db, this.replica.userId)
        const refused = waiting.filter((i) => i.state === 'rejected' || i.state === 'conflict').length
        if (waiting.length > 0) throw new ApiError('queue_not_empty', undefined, { queued: waiting.length - refused, refused })
      }
      await this.live?.stop()
      this.live = null
      await this.engine?.stop()
      this.engine = null
      this.forgetLastView()
      const replica = this.replica
      this.replica = null
      this.reviewerCaches = null
      // The last view is a file in the replica's folder: it goes with it.
      await replica?.destroy()
      await this.auth.signOut()
      await this.memory.write({ lastUser: null, backendUrl: null })
      await this.forgetPerUserSettings()
      this.user = null
      this.sessionStatus = 'signed_out'
      if (!this.closed) this.prepareSpare()
      this.status.set({ state: 'offline', queueDepth: 0, oldestQueuedAt: null, initialSync: null, lastError: null, lastPullAt: null })
      const state = await this.session()
      this.o.emit('session.changed', state)
      return state
    })
  }

  /** The last view and tenant scope are the signed-in reviewer's: the next one starts on the inbox of every tenant. */
  private async forgetPerUserSettings(): Promise<void> {
    const s = await this.settings.read()
    if (s.lastView !== null || s.tenantScope !== null) await this.settings.write({ ...s, lastView: null, tenantScope: null })
  }

  /** The engine found the refresh token refused: keep everything, ask for sign-in. */
  onSignInRequired(): void {
    if (this.sessionStatus === 'sign_in_required') return
    this.sessionStatus = 'sign_in_required'
    void this.emitSession()
  }

  private async openFor(user: SignedInUser | LastUser, spare: OpenSpare | null = null, relaunch = false, view?: LastView): Promise<void> {
    const place = await this.place()
    await this.o.replicaGate?.()
    this.replica = await Replica.open(place, user.id, this.o.tables, spare)
    const shown = view?.hasAnswers ? view : null
    // A last view read from another state of the replica (a crash after a change) is never shown again.
    if (shown && (await replicaStamp(this.replica.db)) !== shown.stamp) await shown.remove()
    shown?.dropAnswers()
    this.lastView = view ?? LastView.empty(replicaDir(place, user.id), user.id)
    this.reserved = false
    this.reviewerCaches = new ReviewerCaches(this.replica.db, user.id)
    this.user = { id: user.id, email: user.email, fullName: user.fullName }
    const { realtime = true, ...tuning } = this.o.sync ?? {}
    const replica = this.replica
    let live: LiveUpdates | null = null
    const engine = new SyncEngine({
      replica,
      auth: this.auth,
      status: this.status,
      emit: this.emit,
      now: this.now,
      onSignInRequired: () => this.onSignInRequired(),
      reviewerFirst: this.reviewerFirst.turn,
      // Rows are readable slice by slice (reviewer-caches.ts says what each write makes stale).
      rowsWritten: (table, keys) => this.reviewerCaches?.written(table, keys),
      keyed: LANE_KEYS,
      // Topics are joined after the first good pull: by then the session's token is known.
      onPulled: () => void live?.pulled().catch(() => {}),
      ...tuning,
    })
    if (realtime) live = new LiveUpdates({ client: this.auth.data, engine, replica, status: this.status })
    this.engine = engine
    this.live = live
    this.engine.setFocused(this.focused)
    await this.engine.prime()
    if (this.closed) return
    // A relaunch on a complete replica with nothing to send shows what it holds first: the
    // catch-up pull (token refresh, server round trip, apply) would otherwise hold the replica
    // while the first inbox page waits. A first sync or queued decisions start at once.
    const s = this.status.get()
    const showFirst = relaunch && s.initialSync === null && s.lastPullAt !== null && s.queueDepth === 0
    this.engine.start({ holdMs: showFirst ? FIRST_PAGE_GRACE_MS : 0 })
    if (shown) {
      // What is on screen came from the last view: every view reads its live rows now.
      this.status.set({ replica: 'open' })
      this.emitData([...this.o.tables.map((t) => t.name), 'pending_mutations'])
    }
  }

  /** Saves the last view once the replica has been quiet for a while (a crash then leaves a recent one). */
  private saveLastViewWhenQuiet(): void {
    if (!this.lastView || this.closed) return
    if (this.lastViewSave) clearTimeout(this.lastViewSave)
    const wait = Math.max(LAST_VIEW_SAVE_AFTER_MS, this.lastViewSavedAt + LAST_VIEW_SAVE_EVERY_MS - this.now())
    this.lastViewSave = setTimeout(() => {
      this.lastViewSave = null
      this.lastViewSavedAt = this.now()
      void this.exclusive(() => this.saveLastView())
    }, wait)
    this.lastViewSave.unref?.()
  }

  private async saveLastView(): Promise<void> {
    const { replica, lastView, handlers } = this
    // A first sync changes the replica all the time: its last view would never hold still.
    if (!replica || !lastView || !handlers || replica.db.closed || this.status.get().initialSync !== null) return
    const { lastPullAt, queueDepth, oldestQueuedAt } = this.status.get()
    const run = (c: { method: MethodName; args: unknown }) => (handlers[c.method] as (a: unknown) => Promise<unknown>)(c.args)
    await lastView.save(replica.db, run, { lastPullAt, queueDepth, oldestQueuedAt }).catch((err: unknown) => {
      // Only a head start for the next launch: a failed save leaves the previous one (or none).
      console.error('core: the last view was not saved', err instanceof Error ? err.message : err)
    })
  }

  private forgetLastView(): void {
    if (this.lastViewSave) clearTimeout(this.lastViewSave)
    this.lastViewSave = null
    this.lastView = null
  }

  /** Closes the replica, saving the last view for the next launch first (or deleting it: `forget`). */
  private async closeReplica(lastView: 'save' | 'forget' = 'save'): Promise<void> {
    await this.live?.stop()
    this.live = null
    await this.engine?.stop()
    this.engine = null
    if (lastView === 'save') await this.saveLastView()
    else await this.lastView?.remove()
    this.forgetLastView()
    await this.replica?.close()
    this.replica = null
    this.reviewerCaches = null
  }

  requireReplica(): Replica {
    if (!this.replica || this.sessionStatus === 'signed_out') throw new ApiError('not_signed_in')
    return this.replica
  }

  /** The signed-in reviewer's standing and inbox exclusions (throws when nobody is signed in). */
  caches(): ReviewerCaches {
    this.requireReplica()
    return this.reviewerCaches!
  }

  /** Whose saved views the calls read and change: the signed-in reviewer on this backend. */
  async viewOwner(): Promise<ViewOwner> {
    const userId = this.requireUser()
    return { backendUrl: (await this.backend()).url, userId }
  }

  requireUser(): string {
    return this.requireReplica().userId
  }

  setFocused(focused: boolean): void {
    this.focused = focused
    this.engine?.setFocused(focused)
  }

  wake(): void {
    this.engine?.nudge()
  }

  async close(): Promise<void> {
    this.closed = true
    await this.exclusive(async () => {
      const spare = await this.takeSpare()
      if (spare) await closeSpare(spare)
      await this.closeReplica()
      await this.reserving
    })
  }
}
