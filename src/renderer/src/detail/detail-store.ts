// Approval details by id: the focused item's and the next few, prefetched so the detail pane paints
// in the same frame as the key that moved to it. Entries go stale when the replica changes and are
// re-read while the stale copy stays on screen.
import { create } from 'zustand'
import type { ApprovalDetail } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'

export interface DetailEntry {
  detail: ApprovalDetail | null
  error: string | null
  stale: boolean
}

interface DetailState {
  entries: ReadonlyMap<string, DetailEntry>
}

export const useDetails = create<DetailState>(() => ({ entries: new Map() }))

const MAX_ENTRIES = 300
const loading = new Map<string, Promise<ApprovalDetail | null>>()

function put(id: string, entry: DetailEntry) {
  const entries = new Map(useDetails.getState().entries)
  entries.delete(id)
  entries.set(id, entry)
  // Oldest first in insertion order: trim from the front.
  while (entries.size > MAX_ENTRIES) {
    const oldest = entries.keys().next().value
    if (oldest === undefined) break
    entries.delete(oldest)
  }
  useDetails.setState({ entries })
}

function fetchDetail(id: string): Promise<ApprovalDetail | null> {
  const existing = loading.get(id)
  if (existing) return existing
  const p = call('approvals.detail', { id })
    .then((fresh) => {
      // An unchanged re-read keeps the object on screen, so the pane does not re-render.
      const prev = useDetails.getState().entries.get(id)?.detail
      const detail = prev && JSON.stringify(prev) === JSON.stringify(fresh) ? prev : fresh
      put(id, { detail, error: null, stale: false })
      return detail
    })
    .catch((err: unknown) => {
      const prev = useDetails.getState().entries.get(id)
      put(id, { detail: prev?.detail ?? null, error: errorMessage(err), stale: false })
      return null
    })
    .finally(() => loading.delete(id))
  loading.set(id, p)
  return p
}

/** Makes sure a detail is loaded and fresh; cheap when it already is. */
export function ensureDetail(id: string): void {
  const entry = useDetails.getState().entries.get(id)
  if (!entry || entry.stale) void fetchDetail(id)
}

export function prefetchDetails(ids: readonly (string | undefined)[]): void {
  for (const id of ids) if (id) ensureDetail(id)
}

/**
 * The detail a decision is bound to: the copy on screen when there is one (its version and payload
 * hash are what the reviewer saw), else a fresh read.
 */
export async function detailForDecision(id: string): Promise<ApprovalDetail> {
  const shown = useDetails.getState().entries.get(id)?.detail
  if (shown) return shown
  const fetched = await fetchDetail(id)
  if (!fetched) throw new Error(useDetails.getState().entries.get(id)?.error ?? 'Could not read the request.')
  return fetched
}

export function cachedDetail(id: string | null): ApprovalDetail | null {
  return id ? (useDetails.getState().entries.get(id)?.detail ?? null) : null
}

/** The replica changed: every copy may be out of date. */
export function markAllStale(): void {
  const entries = new Map<string, DetailEntry>()
  for (const [id, e] of useDetails.getState().entries) entries.set(id, { ...e, stale: true })
  useDetails.setState({ entries })
}

/** One approval's detail is out of date (e.g. a message was queued on it): re-read it when shown. */
export function markStale(id: string): void {
  const entry = useDetails.getState().entries.get(id)
  if (entry) put(id, { ...entry, stale: true })
}

export function clearDetails(): void {
  useDetails.setState({ entries: new Map() })
}
