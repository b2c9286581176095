// Connectivity and queue state for the status bar, pushed by the core's `sync.status` event.
import { create } from 'zustand'
import type { SyncStatus } from '../../../shared/contract'
import { call, errorMessage } from './api'
import { showToast } from './toast-store'

interface SyncStore {
  status: SyncStatus | null
}

export const useSync = create<SyncStore>(() => ({ status: null }))

export function setSyncStatus(status: SyncStatus): void {
  useSync.setState({ status })
}

export async function loadSyncStatus(): Promise<void> {
  try {
    setSyncStatus(await call('sync.status', {}))
  } catch {
    // The next sync.status event fills it in.
  }
}

export async function setWorkOffline(offline: boolean): Promise<void> {
  try {
    setSyncStatus(await call('sync.setWorkOffline', { offline }))
  } catch (err) {
    showToast({ tone: 'error', message: errorMessage(err) })
  }
}

export async function syncNow(): Promise<void> {
  try {
    setSyncStatus(await call('sync.now', {}))
  } catch (err) {
    showToast({ tone: 'error', message: errorMessage(err) })
  }
}
