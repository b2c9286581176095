// The state behind a review view (escalations, flags, change sets…): one status filter's rows read
// from the replica, the row the reviewer is on, and the marks a key press puts on a row before the
// core has queued its intent. `createReviewStore` makes one per view; `useLiveReview` keeps it
// current while the view is on screen (replica changes, tenant scope).
import { useEffect } from 'react'
import { create, type StoreApi, type UseBoundStore } from 'zustand'
import type { z } from 'zod'
import type { IntentKind, IntentState, Refusal } from '../../../shared/contract-domain'
import { errorMessage } from '../state/api'
import { useReplicaChanges } from '../state/replica-changes'
import { scopeArgs, useTenantScope } from '../state/tenant-scope'

/** What every review row carries: its id and my intent on it (contract-domain's IntentMark). */
export interface ReviewRow {
  id: string
  pendingIntent: z.infer<typeof IntentState> | null
  lastRefusal: z.infer<typeof Refusal> | null
}

/** Set the moment a key is pressed, until the replica's row carries the intent (or it failed to queue). */
export interface OptimisticMark {
  kind: IntentKind
  /** The step being taken, in the row's words: "Acknowledge", "Confirm". */
  action: string
}

export interface ReviewState<T extends ReviewRow, S extends string> {
  status: S
  items: readonly T[]
  total: number
  /** False until the first read for the current filter and scope has answered. */
  loaded: boolean
  error: string | null
  /** The row the reviewer is on: the one with the focus, or the last one that had it. */
  currentId: string | null
  optimistic: ReadonlyMap<string, OptimisticMark>
}

export interface ReviewStore<T extends ReviewRow, S extends string> {
  use: UseBoundStore<StoreApi<ReviewState<T, S>>>
  /** The replica tables the rows are read from: a change to any other cannot alter them. */
  sources: ReadonlySet<string>
  /** Re-reads the rows; resolves once a read that started after this call has answered. */
  reload(): Promise<void>
  setStatus(status: S): void
  setCurrent(id: string | null): void
  current(): T | undefined
  /** The row after `id` in list order, or the one before when it is the last; null when alone. */
  neighbourOf(id: string, delta?: 1 | -1): string | null
  markOptimistic(id: string, mark: OptimisticMark): void
  clearOptimistic(id: string): void
}

/** What every review list reads besides its own tables: my intents (the marks), agent and reviewer names, my standing (preflight). */
const COMMON_SOURCES = ['pending_mutations', 'agents', 'profiles', 'tenants', 'tenant_members', 'role_permissions']

/** How many rows a view reads at once: review queues are short; more shows a "first N of M" note. */
const REVIEW_PAGE = 500

export function createReviewStore<T extends ReviewRow, S extends string>(opts: {
  initialStatus: S
  load: (args: { status: S; tenantId?: string; limit: number; offset: number }) => Promise<{ items: T[]; total: number }>
  /** The view's own replica tables (its rows and what they join), besides COMMON_SOURCES. */
  tables: readonly string[]
}): ReviewStore<T, S> {
  const use = create<ReviewState<T, S>>(() => ({
    status: opts.initialStatus,
    items: [],
    total: 0,
    loaded: false,
    error: null,
    currentId: null,
    optimistic: new Map(),
  }))

  async function read(): Promise<void> {
    const { status } = use.getState()
    try {
      const page = await opts.load({ status, ...scopeArgs(), limit: REVIEW_PAGE, offset: 0 })
      // A filter change while reading makes this answer stale; the read it scheduled follows.
      if (use.getState().status !== status) return
      const { items: before, currentId } = use.getState()
      use.setState({
        items: page.items,
        total: page.total,
        loaded: true,
        error: null,
        currentId: keepCurrent(before, page.items, currentId),
      })
    } catch (err) {
      use.setState({ loaded: true, error: errorMessage(err) })
    }
  }

  let inflight: Promise<void> | null = null
  let next: Promise<void> | null = null
  function reload(): Promise<void> {
    if (!inflight) {
      inflight = read().finally(() => (inflight = null))
      return inflight
    }
    next ??= inflight.then(() => {
      next = null
      return reload()
    })
    return next
  }

  return {
    use,
    sources: new Set([...COMMON_SOURCES, ...opts.tables]),
    reload,
    setStatus(status) {
      if (use.getState().status === status) return
      use.setState({ status, items: [], total: 0, loaded: false, error: null, currentId: null })
      void reload()
    },
    setCurrent(id) {
      if (use.getState().currentId !== id) use.setState({ currentId: id })
    },
    current() {
      const { items, currentId } = use.getState()
      return items.find((i) => i.id === currentId)
    },
    neighbourOf(id, delta = 1) {
      const { items } = use.getState()
      const at = items.findIndex((i) => i.id === id)
      if (at < 0) return items[0]?.id ?? null
      return (items[at + delta] ?? items[at - delta])?.id ?? null
    },
    markOptimistic(id, mark) {
      use.setState((s) => ({ optimistic: new Map(s.optimistic).set(id, mark) }))
    },
    clearOptimistic(id) {
      if (!use.getState().optimistic.has(id)) return
      use.setState((s) => {
        const optimistic = new Map(s.optimistic)
        optimistic.delete(id)
        return { optimistic }
      })
    },
  }
}

/**
 * The current row after a re-read: the same one while it is listed; when it left (resolved, say),
 * the next one that is still listed, else the one before — so the reviewer stays where they were.
 */
function keepCurrent(before: readonly ReviewRow[], after: readonly ReviewRow[], currentId: string | null): string | null {
  const listed = new Set(after.map((i) => i.id))
  if (currentId && listed.has(currentId)) return currentId
  const at = currentId ? before.findIndex((i) => i.id === currentId) : -1
  if (at >= 0) {
    for (let i = at + 1; i < before.length; i++) if (listed.has(before[i]!.id)) return before[i]!.id
    for (let i = at - 1; i >= 0; i--) if (listed.has(before[i]!.id)) return before[i]!.id
  }
  return after[0]?.id ?? null
}

const CHANGE_COALESCE_MS = 100

/**
 * While the view is mounted: read at once (the rows of the last visit show meanwhile), again after
 * each change to a table the rows come from (a first sync sends many: coalesced; decisions, audit
 * entries and payments, say, churn without touching them) and whenever the tenant scope changes.
 */
export function useLiveReview(store: Pick<ReviewStore<ReviewRow, string>, 'reload' | 'sources'>): void {
  useReplicaChanges(store.sources, () => void store.reload(), CHANGE_COALESCE_MS)
  useEffect(() => {
    void store.reload()
    return useTenantScope.subscribe((s, prev) => {
      if (s.tenantId !== prev.tenantId) void store.reload()
    })
  }, [store])
}
