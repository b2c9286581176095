// The sync status a reviewer sees in the status bar, kept in one place and emitted only when it
// actually changes, so the renderer is not flooded with identical events at every poll.
import type { SyncStatus } from '../../shared/contract'

export type StatusPatch = Partial<SyncStatus>

export class StatusModel {
  private current: SyncStatus = {
    state: 'offline',
    workOffline: false,
    lastPullAt: null,
    queueDepth: 0,
    oldestQueuedAt: null,
    initialSync: null,
    lastError: null,
    updates: 'polling',
    replica: 'open',
  }

  constructor(private readonly onChange: (status: SyncStatus) => void) {}

  get(): SyncStatus {
    return { ...this.current }
  }

  set(patch: StatusPatch): void {
    const next = { ...this.current, ...patch }
    if (sameStatus(next, this.current)) return
    this.current = next
    this.onChange(this.get())
  }
}

function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
