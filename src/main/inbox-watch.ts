// Watches the inbox from the main process for the desktop niceties: the dock/taskbar badge with the
// inbox count, and a system notification for a newly arrived risk-5 approval or one that expires
// within the hour. Reads through the same validated calls the renderer uses; no Electron import.
import type { CallOutcome, EmitEvent, MethodArgs, MethodName } from '../shared/contract'

export type Call = <M extends MethodName>(method: M, args: MethodArgs<M>) => Promise<CallOutcome<M>>

export interface ApprovalNotice {
  approvalId: string
  title: string
  body: string
}

export interface InboxWatchOptions {
  call: Call
  setBadge(count: number): void
  notify(notice: ApprovalNotice): void
  now?: () => number
  /** Coalesces bursts of data.changed (a first sync sends many). */
  debounceMs?: number
  /** Re-checks on a timer too, because approvals cross the one-hour line as time passes. */
  pollMs?: number
  /** More notices than this in one refresh are summed up in one. */
  maxNoticesPerRefresh?: number
}

export interface InboxWatch {
  onEvent: EmitEvent
  refresh(): Promise<void>
  stop(): void
}

const HOUR_MS = 60 * 60 * 1000
const PAGE = 50

export function createInboxWatch(opts: InboxWatchOptions): InboxWatch {
  const now = opts.now ?? Date.now
  const maxNotices = opts.maxNoticesPerRefresh ?? 3
  // Risk-5 items already there when the replica first caught up are not "new": everything seen
  // until the first complete pull is taken as the baseline, silently.
  let baselined = false
  // Whose inbox the sets below describe, read at the start of each refresh: the signed_in event can
  // arrive after the first sync already caught up, and a sign-in-required blip keeps the reviewer;
  // forgetting on either would raise every warning a second time.
  let reviewerId: string | null = null
  const seenRisk5 = new Set<string>()
  const warnedExpiring = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | null = null
  let again = false
  let stopped = false

  const reset = () => {
    baselined = false
    seenRisk5.clear()
    warnedExpiring.clear()
  }

  const collect = async (): Promise<ApprovalNotice[]> => {
    const session = await opts.call('session.get', {})
    const reviewer = session.ok && session.value.status !== 'signed_out' ? (session.value.user?.id ?? null) : null
    if (reviewer === null) return []
    if (reviewer !== reviewerId) reset()
    reviewerId = reviewer
    const counts = await opts.call('inbox.counts', {})
    if (!counts.ok) return []
    opts.setBadge(counts.value.inbox)

    const status = await opts.call('sync.status', {})
    const caughtUp = status.ok && status.value.initialSync === null && status.value.lastPullAt !== null

    const notices: ApprovalNotice[] = []
    const risky = await opts.call('inbox.list', { filter: { minRisk: 5 }, limit: PAGE })
    if (risky.ok) {
      for (const item of risky.value.items) {
        if (item.riskLevel < 5 || seenRisk5.has(item.id)) continue
        seenRisk5.add(item.id)
        if (baselined) notices.push({ approvalId: item.id, title: 'New risk-5 request', body: item.title })
      }
    }
    const urgent = caughtUp ? await opts.call('inbox.list', { filter: {}, limit: PAGE }) : null
    if (urgent?.ok) {
      const t = now()
      for (const item of urgent.value.items) {
        const expires = item.expiresAt ? Date.parse(item.expiresAt) : NaN
        if (!(expires > t && expires - t <= HOUR_MS) || warnedExpiring.has(item.id)) continue
        warnedExpiring.add(item.id)
        const minutes = Math.max(1, Math.round((expires - t) / 60_000))
        notices.push({ approvalId: item.id, title: `Expires in ${minutes} min`, body: item.title })
      }
    }
    baselined ||= caughtUp && risky.ok
    return notices
  }

  const refreshOnce = async () => {
    const notices = await collect()
    const shown = notices.slice(0, maxNotices)
    for (const notice of shown) opts.notify(notice)
    const rest = notices.length - shown.length
    const first = notices[shown.length]
    if (rest > 0 && first) {
      opts.notify({ approvalId: first.approvalId, title: `${rest} more urgent requests`, body: 'Open the inbox to see them.' })
    }
  }

  // One refresh at a time; a trigger during a run schedules exactly one more.
  const refresh = async (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        await refreshOnce().catch(() => {})
      } while (again && !stopped)
    })().finally(() => {
      running = null
    })
    return running
  }

  const schedule = (delay: number) => {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      void refresh().then(() => schedule(opts.pollMs ?? 60_000))
    }, delay)
  }

  return {
    onEvent: (event, payload) => {
      if (event === 'session.changed') {
        const status = (payload as { status?: string }).status
        if (status === 'signed_out') {
          reset()
          reviewerId = null
          opts.setBadge(0)
          return
        }
        if (status !== 'signed_in') return
      } else if (event !== 'data.changed' && !(event === 'sync.status' && !baselined)) {
        // Until the first complete pull, status changes matter too: that is when the baseline is taken.
        return
      }
      schedule(opts.debounceMs ?? 500)
    },
    refresh,
    stop: () => {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
