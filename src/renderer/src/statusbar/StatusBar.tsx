// The status bar: connectivity (online / offline / syncing / error, in words and an icon), live
// updates or polling, last good pull, queue depth and the oldest queued decision's age, the Work-offline switch, a
// progress bar while the first sync streams in, and, just after a relaunch, that the lists shown are
// the last view saved at the previous run until the replica is open.
import { go } from '../state/router-store'
import { formatAgo, formatDuration } from '../ui/format'
import { useNow } from '../ui/use-now'
import type { SyncStatus } from '../../../shared/contract'
import { setWorkOffline, syncNow, useSync } from '../state/sync-store'

const STATE = {
  online: { icon: '●', label: 'Online' },
  offline: { icon: '○', label: 'Offline' },
  syncing: { icon: '↻', label: 'Syncing' },
  error: { icon: '⚠', label: 'Error' },
} as const

export function StatusBar() {
  const status = useSync((s) => s.status)
  const now = useNow()
  if (!status) return <footer className="statusbar" aria-label="Sync status" />
  return <StatusBarView status={status} now={now} />
}

/** The bar for one status at one moment. */
export function StatusBarView({ status, now }: { status: SyncStatus; now: number }) {
  const s = STATE[status.state]
  const oldest = status.oldestQueuedAt ? now - Date.parse(status.oldestQueuedAt) : null
  const initial = status.initialSync
  const pct = initial?.expected ? Math.min(100, Math.round((initial.rows / Math.max(1, initial.expected)) * 100)) : null
  return (
    <footer className="statusbar" aria-label="Sync status" data-testid="statusbar">
      <span className={`conn conn-${status.state}`} data-testid="connectivity" data-state={status.state}>
        <span aria-hidden="true">{s.icon} </span>
        {s.label}
        {status.workOffline && status.state === 'offline' && ' (by choice)'}
      </span>
      {status.state === 'error' && status.lastError && <span className="conn-error">{status.lastError.message}</span>}
      {status.state !== 'offline' && (
        <span
          data-testid="updates"
          data-mode={status.updates}
          title={status.updates === 'live' ? 'Changes arrive as they happen' : 'Checking for changes every second'}
        >
          {status.updates === 'live' ? 'Live' : 'Polling'}
        </span>
      )}
      <span title={status.lastPullAt ?? undefined}>Last sync {formatAgo(status.lastPullAt, now)}</span>
      <button type="button" className="link" onClick={() => go('queue')} data-testid="queue-depth" data-depth={status.queueDepth}>
        Queue {status.queueDepth}
        {oldest !== null && status.queueDepth > 0 && ` · oldest ${formatDuration(oldest)}`}
      </button>
      {status.replica === 'opening' && (
        <span className="replica-opening" role="status" data-testid="replica-opening" title="Lists and counts are as they were when the console last closed">
          Opening replica · showing your last view
        </span>
      )}
      {initial && (
        <span className="initial-sync">
          <span>First sync {initial.rows.toLocaleString()}{initial.expected ? ` of ${initial.expected.toLocaleString()}` : ''} rows</span>
          <progress max={100} value={pct ?? undefined} aria-label="First sync progress">
            {pct ?? ''}
          </progress>
        </span>
      )}
      <span className="statusbar-spacer" />
      {!status.workOffline && status.state !== 'syncing' && (
        <button type="button" className="link" onClick={() => void syncNow()}>
          Sync now
        </button>
      )}
      <button
        type="button"
        role="switch"
        aria-checked={status.workOffline}
        className="switch"
        onClick={() => void setWorkOffline(!status.workOffline)}
        data-testid="work-offline"
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        Work offline
      </button>
    </footer>
  )
}
