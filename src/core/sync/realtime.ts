// Live updates: the console joins the private Realtime topic of every tenant it replicates (and its
// own user topic, poked when its memberships change), and pulls when the server pokes one. While
// its topics are joined, or still joining, polling drops to a slow fallback; whenever one has
// failed (socket lost, join refused or timed out, Realtime disabled), the engine polls at its normal
// pace again. Each (re)join is followed by one catch-up pull, so pokes missed meanwhile cost nothing
// but that pull. A join still in flight does not poll: when a thousand consoles join a busy server
// at once, polling each console until its join is answered would add the very load that slows the
// joins (issue 14's late joins); realtime-js times a join out, which counts as failed.
//
// A poke carries the id of the transaction that changed the tenant. sync_pull only returns rows once
// every older transaction has finished, so a pull right after the poke can come back without them
// (another tenant's write still in flight). The replica's cursors say whether the pull reached that
// transaction; if not, it pulls again shortly, a few times, before leaving it to the fallback poll.
//
// The engine is driven through its hooks: poke() (the server said something changed: pull now,
// within any backoff; pulls never overlap and pokes that arrive during one coalesce into a single
// next pull), nudge() (a topic (re)joined or work resumed: catch up at once), setPollIntervals(),
// and its onPulled option, which calls pulled() here after every complete pull.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js'
import type { Replica } from '../replica/replica'
import type { StatusModel } from './status'

/** The fallback poll while Realtime brings changes. */
export const FALLBACK_POLL_MS = 30_000
/** Re-pulls for a poke the pull did not yet reach: 100, 200, 400, 800, 1600 ms. */
const CATCH_UP_DELAYS_MS = [100, 200, 400, 800, 1600]

export interface LiveEngine {
  poke(): void
  nudge(): void
  setPollIntervals(intervals: { focusedMs: number; backgroundMs: number }): void
  readonly defaultPollIntervals: { focusedMs: number; backgroundMs: number }
}

export interface LiveUpdatesOptions {
  client: SupabaseClient
  engine: LiveEngine
  replica: Pick<Replica, 'db' | 'userId'>
  status: StatusModel
}

export class LiveUpdates {
  private readonly channels = new Map<string, RealtimeChannel>()
  private readonly joined = new Set<string>()
  /** Topics whose join failed (error, timeout) and that realtime-js is retrying: poll meanwhile. */
  private readonly failed = new Set<string>()
  private paused = false
  private stopped = false
  /** The newest poked transaction the replica has not yet been seen to reach (0: none). */
  private awaited = 0n
  private attempt = 0
  private retry: NodeJS.Timeout | null = null

  constructor(private readonly o: LiveUpdatesOptions) {}

  /** After every complete pull: follow the tenant list, and check the awaited poke was reached. */
  async pulled(): Promise<void> {
    if (this.stopped || this.paused) return
    await this.followTenants()
    if (this.awaited === 0n) return
    if ((await this.reachedTxid()) >= this.awaited) {
      this.awaited = 0n
      this.attempt = 0
      return
    }
    const delay = CATCH_UP_DELAYS_MS[this.attempt++]
    if (delay === undefined) {
      // Not reached after all re-pulls (a poke for rows this reviewer cannot see): the fallback poll has it.
      this.awaited = 0n
      this.attempt = 0
      return
    }
    if (this.retry) clearTimeout(this.retry)
    this.retry = setTimeout(() => {
      this.retry = null
      this.o.engine.poke()
    }, delay)
  }

  /** Work offline: no socket at all; back to live updates when work resumes. */
  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused
    if (paused) await this.leaveAll()
    // Topics are joined again after the next pull.
    else this.o.engine.nudge()
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.leaveAll()
  }

  private async leaveAll(): Promise<void> {
    if (this.retry) clearTimeout(this.retry)
    this.retry = null
    const all = [...this.channels.values()]
    this.channels.clear()
    this.joined.clear()
    this.failed.clear()
    this.updateMode()
    await Promise.all(all.map((c) => this.o.client.removeChannel(c)))
  }

  private async followTenants(): Promise<void> {
    const { rows } = await this.o.replica.db.query<{ tenant_id: string }>('select tenant_id from sync_tenants')
    const wanted = new Set([`user:${this.o.replica.userId}`, ...rows.map((r) => `tenant:${r.tenant_id}`)])
    for (const [topic, channel] of this.channels) {
      if (wanted.has(topic)) continue
      this.channels.delete(topic)
      this.joined.delete(topic)
      this.failed.delete(topic)
      void this.o.client.removeChannel(channel)
    }
    const joining = [...wanted].filter((topic) => !this.channels.has(topic))
    // Joins carry realtime-js's cached token: hand it the one the pull just used.
    if (joining.length > 0) await this.o.client.realtime.setAuth()
    for (const topic of joining) if (!this.channels.has(topic)) this.join(topic)
    this.updateMode()
  }

  private join(topic: string): void {
    const channel = this.o.client
      .channel(topic, { config: { private: true } })
      .on('broadcast', { event: 'changed' }, (message: { payload?: unknown }) => this.poked(message.payload))
    this.channels.set(topic, channel)
    channel.subscribe((state) => {
      if (this.channels.get(topic) !== channel) return
      if (state === 'SUBSCRIBED') {
        this.joined.add(topic)
        this.failed.delete(topic)
        // Catch up on whatever changed while this topic was not joined.
        this.o.engine.nudge()
      } else if (state === 'CLOSED') {
        // Closed by the server (its token expired, or the topic no longer admits this reviewer):
        // realtime-js does not rejoin a closed channel. Poll, and join afresh after the next pull.
        this.channels.delete(topic)
        this.joined.delete(topic)
        this.failed.delete(topic)
        void this.o.client.removeChannel(channel)
      } else {
        // CHANNEL_ERROR, TIMED_OUT: realtime-js rejoins on its own; poll meanwhile.
        this.joined.delete(topic)
        this.failed.add(topic)
      }
      this.updateMode()
    })
  }

  private poked(payload: unknown): void {
    const txid = (payload as { txid?: unknown } | null)?.txid
    if (typeof txid === 'string' && /^\d{1,20}$/.test(txid)) {
      const id = BigInt(txid)
      if (id > this.awaited) this.awaited = id
      this.attempt = 0
    }
    this.o.engine.poke()
  }

  /** The newest transaction the replica's cursors have reached. */
  private async reachedTxid(): Promise<bigint> {
    const { rows } = await this.o.replica.db.query<{ txid: string }>('select txid from sync_cursors')
    let max = 0n
    for (const r of rows) if (/^\d+$/.test(r.txid) && BigInt(r.txid) > max) max = BigInt(r.txid)
    return max
  }

  private updateMode(): void {
    const subscribing = !this.stopped && !this.paused && this.channels.size > 0
    const live = subscribing && this.joined.size === this.channels.size
    // The status says live only once every topic is joined; the cadence is slow as soon as none failed.
    this.o.status.set({ updates: live ? 'live' : 'polling' })
    this.o.engine.setPollIntervals(
      subscribing && this.failed.size === 0
        ? { focusedMs: FALLBACK_POLL_MS, backgroundMs: Math.max(FALLBACK_POLL_MS, this.o.engine.defaultPollIntervals.backgroundMs) }
        : this.o.engine.defaultPollIntervals,
    )
  }
}
