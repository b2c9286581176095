// Connects the core's events to the stores, and the stores to each other: a replica change re-reads
// what is on screen, focus moves prefetch the next details, intents that come back refused say so.
import type { EventPayload } from '../../../shared/contract'
import { on } from '../state/api'
import { onReplicaChange, rereadEverything } from '../state/replica-changes'
import { refreshCounts, resetCounts } from '../state/counts-store'
import { loadTenants } from '../state/tenants-store'
import { openOverlay } from '../state/overlay-store'
import { go, onViewChange, useRouter } from '../state/router-store'
import { VIEWS } from './views'
import { ensureDetail, markAllStale, prefetchDetails } from '../detail/detail-store'
import { disarm } from '../decisions/decide'
import { focusApproval, refreshInbox, resetInbox, useInbox } from '../inbox/inbox-store'
import { SEARCH_INPUT_ID } from '../inbox/FilterBar'
import { loadSavedViews, watchSavedViews } from '../inbox/saved-views-store'
import { refreshHistory } from '../history/history-store'
import { applyIntentChange, refreshQueue } from '../queue/queue-store'
import { loadSession, setSession, useSession } from '../state/session-store'
import { loadSettings, updateSettings, useSettings } from '../state/settings-store'
import { loadSyncStatus, setSyncStatus, useSync } from '../state/sync-store'
import { announce } from '../ui/announce'
import { formatMoney, kindLabel, riskLabel } from '../ui/format'
import { showToast } from '../state/toast-store'
import { clearDetails } from '../detail/detail-store'

const PREFETCH_AHEAD = 3
/** The lists of the workspace (and its counts, outside a first sync) re-read at most this often while changes land. */
const WORKSPACE_WINDOW_MS = 120
/**
 * The badge counts while a first sync runs. Each read after a page counts every pending approval
 * again, per tenant and lane (core: queries/counts.ts): re-read after every page, the counts took
 * 2.0 s of the core's thread in the bench's first sync with a reviewer at work (209 reads, p50
 * 6.4 ms, p95 22.6; 4.1 s before the Others lane was kept between pages), time the sync and the
 * reviewer's next key waited for. Once a second they still climb with the bar.
 */
const FIRST_SYNC_COUNTS_WINDOW_MS = 1000
const countsWindow = () => (useSync.getState().status?.initialSync ? FIRST_SYNC_COUNTS_WINDOW_MS : WORKSPACE_WINDOW_MS)

// Tables whose changes cannot alter an approval's detail (the queue is shown from the list's side).
const QUEUE_ONLY = new Set(['pending_mutations'])
const TENANT_TABLES = new Set(['tenants', 'tenant_members'])

/** The open detail re-reads when the approvals it shows may have changed; cached ones go stale. */
function rereadDetails(changed: ReadonlySet<string>): void {
  if ([...changed].some((t) => !QUEUE_ONLY.has(t))) markAllStale()
  const shown = useInbox.getState().pinnedId ?? useInbox.getState().focusedId
  if (shown) ensureDetail(shown)
}

/** What the workspace shows whatever the view, re-read on the replica changes that may alter it. */
function watchReplica(): () => void {
  const offs = [
    onReplicaChange(TENANT_TABLES, () => void loadTenants(), 0),
    onReplicaChange('any', rereadDetails, WORKSPACE_WINDOW_MS),
    onReplicaChange('any', () => refreshInbox(), WORKSPACE_WINDOW_MS),
    onReplicaChange('any', () => void refreshCounts(), countsWindow),
    onReplicaChange('any', () => void refreshQueue(), WORKSPACE_WINDOW_MS),
    onReplicaChange(
      'any',
      () => {
        if (useRouter.getState().view === 'history') void refreshHistory()
      },
      WORKSPACE_WINDOW_MS,
    ),
  ]
  return () => offs.forEach((off) => off())
}

function onIntentChanged(intent: EventPayload<'intent.changed'>): void {
  applyIntentChange(intent)
  if ((intent.state === 'rejected' || intent.state === 'conflict') && intent.refusal) {
    const approvalId = typeof intent.args['approval_id'] === 'string' ? intent.args['approval_id'] : null
    showToast({
      tone: 'error',
      message: `${intent.state === 'conflict' ? 'Conflict' : 'Refused'}: ${intent.label}`,
      detail: intent.refusal.message,
      ms: 10_000,
      action: approvalId
        ? {
            label: 'Open',
            run: () => {
              go('inbox')
              focusApproval(approvalId)
            },
          }
        : { label: 'Queue', run: () => go('queue') },
    })
  }
}

let announceTimer: ReturnType<typeof setTimeout> | null = null

function announceFocus(): void {
  if (announceTimer) clearTimeout(announceTimer)
  // Holding j should not read every row it passes.
  announceTimer = setTimeout(() => {
    const s = useInbox.getState()
    const item = s.rows[s.focusedIndex]
    if (!item || useRouter.getState().view !== 'inbox') return
    const money = item.amount !== null ? `, ${formatMoney(item.amount, item.currency)}` : ''
    announce(
      `${kindLabel(item.kind)}: ${item.title}${money}, risk ${item.riskLevel} ${riskLabel(item.riskLevel)}, ${s.focusedIndex + 1} of ${s.rows.length}`,
    )
  }, 150)
}

function watchFocus(): () => void {
  return useInbox.subscribe((s, prev) => {
    const shown = s.pinnedId ?? s.focusedId
    const prevShown = prev.pinnedId ?? prev.focusedId
    if (shown !== prevShown || s.rows !== prev.rows) {
      if (shown) ensureDetail(shown)
      const ahead: (string | undefined)[] = []
      for (let i = 1; i <= PREFETCH_AHEAD; i++) ahead.push(s.rows[s.focusedIndex + i]?.id)
      ahead.push(s.rows[s.focusedIndex - 1]?.id)
      prefetchDetails(ahead)
    }
    if (shown !== prevShown) {
      disarm()
      announceFocus()
    }
  })
}

/** Everything that starts once a reviewer is signed in; returns the teardown. */
export function startSignedIn(): () => void {
  resetInbox()
  clearDetails()
  resetCounts()
  const lastView = useSettings.getState().settings?.lastView
  go(lastView && VIEWS.some((v) => v.id === lastView) ? lastView : 'inbox')
  refreshInbox()
  void refreshCounts()
  void loadTenants()
  void loadSyncStatus()
  void refreshQueue()
  void loadSavedViews()
  const offs = [
    watchSavedViews(),
    watchReplica(),
    on('intent.changed', onIntentChanged),
    watchFocus(),
    onViewChange((view) => void updateSettings({ lastView: view })),
  ]
  return () => offs.forEach((off) => off())
}

/**
 * The shell started the core again after it died: say so, and re-read what is on screen (a
 * change made meanwhile may have had no event on its way to this window).
 */
function onCoreRestarted({ reason }: EventPayload<'core.restarted'>): void {
  showToast({
    tone: 'error',
    message: 'The console’s core stopped and was restarted',
    detail: `Your queued decisions are kept. (${reason})`,
    ms: 10_000,
  })
  void loadSession()
  void loadSyncStatus()
  if (useSession.getState().session?.status === 'signed_in') rereadEverything()
}

/** Events that matter whether or not anyone is signed in. */
export function startAlways(): () => void {
  void loadSettings()
  const offs = [
    on('session.changed', (s) => void setSession(s)),
    on('core.restarted', onCoreRestarted),
    on('sync.status', setSyncStatus),
    on('navigate', ({ view, approvalId }) => {
      // Views issue 7 adds are not here yet: their deep links land in the inbox.
      go(VIEWS.some((v) => v.id === view) ? view : 'inbox')
      if (approvalId) focusApproval(approvalId)
    }),
    on('command', ({ command }) => {
      if (command === 'palette') openOverlay({ kind: 'palette' })
      else if (command === 'shortcuts') openOverlay({ kind: 'help' })
      else {
        go('inbox')
        requestAnimationFrame(() => document.getElementById(SEARCH_INPUT_ID)?.focus())
      }
    }),
  ]
  return () => offs.forEach((off) => off())
}
