// The inbox as the list shows it: a sparse window over the core's ordered result (100k rows load
// page by page as they scroll into view), the focused row kept by id across refreshes, the
// selection, and optimistic removal of decided items in the same frame as the key press.
import { create } from 'zustand'
import type { ApprovalListItem, InboxFilter } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import { scopeArgs, useTenantScope } from '../state/tenant-scope'

export const PAGE_SIZE = 100
/** inbox.list answers at most this many rows per call. */
const MAX_LIMIT = 500

export type Row = ApprovalListItem | undefined

interface InboxState {
  filter: InboxFilter
  /** Sparse: length is the total; holes are rows not loaded yet. */
  rows: Row[]
  status: 'loading' | 'ready' | 'error'
  error: string | null
  focusedIndex: number
  focusedId: string | null
  /** Shown in the detail pane instead of the focused row (an item opened from elsewhere). */
  pinnedId: string | null
  selection: ReadonlyMap<string, ApprovalListItem>
  /** Agents seen in loaded rows (id → name), for the agent filter; grows, never shrinks. */
  agentNames: ReadonlyMap<string, string>
}

/** The lane the inbox opens on: what this reviewer may decide now. */
const FIRST_LANE: InboxLane = 'mine'
export type InboxLane = NonNullable<InboxFilter['lane']>

export const useInbox = create<InboxState>(() => ({
  filter: { lane: FIRST_LANE },
  rows: [],
  status: 'loading',
  error: null,
  focusedIndex: 0,
  focusedId: null,
  pinnedId: null,
  selection: new Map(),
  agentNames: new Map(),
}))

const get = useInbox.getState
const set = useInbox.setState

// Every change to how indexes map to server offsets (a refresh applied, an optimistic removal, a
// new filter) bumps the epoch; answers requested under an older epoch are dropped, not misplaced.
let epoch = 0
let visible = { start: 0, end: 30 }
const pagesLoading = new Set<number>()
// Decisions removed on screen whose intents the core has not stored yet: while any is in flight,
// the core's offsets still count them, so reads wait until they settle.
let inflight = 0
let refreshWanted = false
let refreshRunning = false
// A read that failed is tried again on its own: the change it was meant to show may be the last
// one for a long time (the end of a first sync), and the list must not stay behind the replica
// while nothing else happens. Slower after each failure; any refresh that succeeds resets it.
const RETRY_MS = [250, 1000, 3000, 10_000]
let failures = 0
let retryTimer: ReturnType<typeof setTimeout> | null = null
// For inboxDiagnostics only: when the running refresh started, and how many have ended.
let refreshStartedAt: number | null = null
let refreshesEnded = 0

/** What the list's refresh machinery is doing, read-only: a test that waits on the list says why it waited. */
export interface InboxDiagnostics {
  filter: InboxFilter
  rows: number
  status: InboxState['status']
  error: string | null
  epoch: number
  /** Decisions removed on screen whose intents the core has not answered for yet. */
  inflight: number
  refreshRunning: boolean
  /** How long the running refresh has waited for its read (ms), if one runs. */
  refreshRunningMs: number | null
  refreshesEnded: number
  refreshWanted: boolean
  retryScheduled: boolean
  failures: number
  pagesLoading: number[]
  visible: { start: number; end: number }
}

export function inboxDiagnostics(): InboxDiagnostics {
  const s = get()
  return {
    filter: { ...s.filter },
    rows: s.rows.length,
    status: s.status,
    error: s.error,
    epoch,
    inflight,
    refreshRunning,
    refreshRunningMs: refreshStartedAt === null ? null : Math.round(performance.now() - refreshStartedAt),
    refreshesEnded,
    refreshWanted,
    retryScheduled: retryTimer !== null,
    failures,
    pagesLoading: [...pagesLoading],
    visible: { ...visible },
  }
}

export function indexOfId(rows: readonly Row[], id: string, hint = -1): number {
  if (hint >= 0 && rows[hint]?.id === id) return hint
  for (let i = 0; i < rows.length; i++) if (rows[i]?.id === id) return i
  return -1
}

/** The agent names map, replaced only when these items bring an agent not seen before. */
function withAgents(known: ReadonlyMap<string, string>, items: readonly ApprovalListItem[]): ReadonlyMap<string, string> {
  let next: Map<string, string> | null = null
  for (const item of items) {
    if (item.agentId && item.agentName && !known.has(item.agentId)) {
      next ??= new Map(known)
      next.set(item.agentId, item.agentName)
    }
  }
  return next ?? known
}

/** An agent named elsewhere (the palette found it by name) joins the agent filter's choices. */
export function rememberAgent(id: string, name: string): void {
  const known = get().agentNames
  if (known.get(id) !== name) set({ agentNames: new Map(known).set(id, name) })
}

function clamp(i: number, len: number): number {
  return len === 0 ? 0 : Math.max(0, Math.min(len - 1, i))
}

// ───────────── reading ─────────────

/** Re-reads the rows around what is on screen and the focused row, keeping the focus on its id. */
export function refreshInbox(): void {
  if (inflight > 0 || refreshRunning) {
    refreshWanted = true
    return
  }
  if (retryTimer) clearTimeout(retryTimer)
  retryTimer = null
  refreshRunning = true
  refreshStartedAt = performance.now()
  refreshWanted = false
  void doRefresh().then(
    (read) => settleRefresh(read),
    (err: unknown) => {
      settleRefresh(false)
      throw err
    },
  )
}

/** A refresh ended: run the one asked for meanwhile, or try a failed one again later. */
function settleRefresh(read: boolean): void {
  refreshRunning = false
  refreshStartedAt = null
  refreshesEnded++
  if (read) failures = 0
  if (refreshWanted) refreshInbox()
  else if (!read) retryLater()
}

function retryLater(): void {
  const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]!
  failures++
  retryTimer = setTimeout(() => {
    retryTimer = null
    refreshInbox()
  }, delay)
}

/** One read of the rows around what is on screen; false when it failed (and must be tried again). */
async function doRefresh(): Promise<boolean> {
  const startEpoch = epoch
  const s = get()
  const lo = Math.max(0, Math.min(visible.start, s.focusedIndex) - PAGE_SIZE)
  const offset = lo - (lo % PAGE_SIZE)
  const hi = Math.max(visible.end, s.focusedIndex) + PAGE_SIZE
  const limit = Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, hi - offset))
  let page
  try {
    page = await call('inbox.list', { filter: s.filter, limit, offset })
  } catch (err) {
    if (epoch === startEpoch) set({ status: 'error', error: errorMessage(err) })
    return false
  }
  if (epoch !== startEpoch) {
    refreshWanted = true
    return true
  }
  epoch++
  pagesLoading.clear()
  const current = get()
  const rows: Row[] = new Array<Row>(page.total)
  const before = loadedById(current.rows, offset, page.items.length)
  page.items.forEach((item, i) => {
    if (offset + i < rows.length) rows[offset + i] = sameOrFresh(before.get(item.id), item)
  })
  let focusedIndex = current.focusedId ? indexOfId(rows, current.focusedId, current.focusedIndex) : -1
  if (focusedIndex < 0) focusedIndex = clamp(current.focusedIndex, rows.length)
  set({
    rows,
    status: 'ready',
    error: null,
    focusedIndex,
    focusedId: rows[focusedIndex]?.id ?? null,
    selection: refreshSelection(current.selection, page.items),
    agentNames: withAgents(current.agentNames, page.items),
  })
  ensureRange(visible.start, visible.end)
  return true
}

/** The loaded rows in a range, by id, so a refresh can keep the objects that did not change. */
function loadedById(rows: readonly Row[], offset: number, count: number): Map<string, ApprovalListItem> {
  const out = new Map<string, ApprovalListItem>()
  // The window may have shifted by the rows removed or added since: look a page either side.
  for (let i = Math.max(0, offset - PAGE_SIZE); i < Math.min(rows.length, offset + count + PAGE_SIZE); i++) {
    const r = rows[i]
    if (r) out.set(r.id, r)
  }
  return out
}

/** Keeps the old object when nothing in it changed, so memoised rows do not re-render. */
export function sameOrFresh<T>(old: T | undefined, fresh: T): T {
  return old !== undefined && JSON.stringify(old) === JSON.stringify(fresh) ? old : fresh
}

function refreshSelection(selection: ReadonlyMap<string, ApprovalListItem>, fresh: readonly ApprovalListItem[]) {
  if (selection.size === 0) return selection
  const next = new Map(selection)
  for (const item of fresh) if (next.has(item.id)) next.set(item.id, item)
  return next
}

/** Loads the pages covering rows start..end that are not loaded yet. */
export function ensureRange(start: number, end: number): void {
  visible = { start, end }
  if (inflight > 0) return
  const { rows, filter } = get()
  if (rows.length === 0) return
  const last = Math.min(rows.length - 1, end + PAGE_SIZE / 2)
  for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p * PAGE_SIZE <= last; p++) {
    if (pagesLoading.has(p) || pageLoaded(rows, p)) continue
    pagesLoading.add(p)
    void loadPage(p, filter, epoch)
  }
}

function pageLoaded(rows: readonly Row[], page: number): boolean {
  const from = page * PAGE_SIZE
  const to = Math.min(rows.length, from + PAGE_SIZE)
  for (let i = from; i < to; i++) if (rows[i] === undefined) return false
  return true
}

async function loadPage(page: number, filter: InboxFilter, startEpoch: number): Promise<void> {
  try {
    const result = await call('inbox.list', { filter, limit: PAGE_SIZE, offset: page * PAGE_SIZE })
    if (epoch !== startEpoch) return
    const s = get()
    if (!agrees(s.rows, page * PAGE_SIZE, result)) {
      // Read from another state of the replica than the rows around it (a sync page landed in
      // between, its data.changed still on its way): stitched in, one request would sit at two
      // places and another at none. The refresh reads the rows on screen again in one piece.
      refreshInbox()
      return
    }
    const rows = s.rows.slice()
    result.items.forEach((item, i) => {
      rows[page * PAGE_SIZE + i] = item
    })
    const focusedId = s.focusedId ?? rows[s.focusedIndex]?.id ?? null
    set({ rows, focusedId, agentNames: withAgents(s.agentNames, result.items) })
  } catch {
    // Left unloaded: the row shows a placeholder and the next scroll or refresh asks again.
  } finally {
    if (epoch === startEpoch) pagesLoading.delete(page)
  }
}

/**
 * A page read at `offset` belongs to the same list as the loaded rows: the same total, and none of
 * its requests loaded at another place. Every request is then at most once in the list, which the
 * list's rows (keyed by request) rely on.
 */
function agrees(rows: readonly Row[], offset: number, page: { items: readonly ApprovalListItem[]; total: number }): boolean {
  if (page.total !== rows.length) return false
  const ids = new Set(page.items.map((item) => item.id))
  const end = offset + page.items.length
  let elsewhere = false
  // forEach skips the holes: only the loaded rows (a few pages of a 100k list) are looked at.
  rows.forEach((row, i) => {
    if ((i < offset || i >= end) && row !== undefined && ids.has(row.id)) elsewhere = true
  })
  return !elsewhere
}

export function setFilter(patch: Partial<InboxFilter>): void {
  const filter: InboxFilter = { ...get().filter, ...patch }
  for (const key of Object.keys(filter) as (keyof InboxFilter)[]) {
    const v = filter[key]
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete filter[key]
  }
  epoch++
  pagesLoading.clear()
  set({ filter, rows: [], status: 'loading', focusedIndex: 0, focusedId: null, pinnedId: null, selection: new Map() })
  refreshInbox()
}

/** Needs me or Others (Tab / Shift+Tab on the list). */
export function currentLane(): InboxLane {
  return get().filter.lane ?? FIRST_LANE
}

export function setLane(lane: InboxLane): void {
  if (currentLane() !== lane) setFilter({ lane })
}

export function resetInbox(): void {
  epoch++
  pagesLoading.clear()
  set({ filter: { ...scopeArgs(), lane: FIRST_LANE }, rows: [], status: 'loading', error: null, focusedIndex: 0, focusedId: null, pinnedId: null, selection: new Map(), agentNames: new Map() })
}

// The tenant scope is the inbox's tenant filter: the header's switcher is its only control.
useTenantScope.subscribe((s, prev) => {
  if (s.tenantId !== prev.tenantId) setFilter({ tenantId: s.tenantId ?? undefined })
})

// ───────────── focus and selection ─────────────

export function focusIndex(index: number): void {
  const { rows } = get()
  const i = clamp(index, rows.length)
  set({ focusedIndex: i, focusedId: rows[i]?.id ?? null, pinnedId: null })
  if (rows[i] === undefined) ensureRange(Math.max(0, i - PAGE_SIZE / 2), i + PAGE_SIZE / 2)
}

export function moveFocus(delta: number): void {
  focusIndex(get().focusedIndex + delta)
}

/** Focuses an approval by id: its row when loaded, else it is pinned in the detail pane. */
export function focusApproval(id: string): void {
  const { rows, focusedIndex } = get()
  const i = indexOfId(rows, id, focusedIndex)
  if (i >= 0) set({ focusedIndex: i, focusedId: id, pinnedId: null })
  else set({ pinnedId: id })
}

export function focusedItem(): ApprovalListItem | undefined {
  const s = get()
  return s.pinnedId ? undefined : s.rows[s.focusedIndex]
}

export function toggleSelected(): void {
  const item = focusedItem()
  if (!item) return
  const selection = new Map(get().selection)
  if (selection.has(item.id)) selection.delete(item.id)
  else selection.set(item.id, item)
  set({ selection })
}

/** Shift+J / Shift+K: adds the focused row and the next one in that direction. */
export function extendSelection(delta: number): void {
  const before = focusedItem()
  moveFocus(delta)
  const after = focusedItem()
  const selection = new Map(get().selection)
  for (const item of [before, after]) if (item) selection.set(item.id, item)
  set({ selection })
}

/** Selects every loaded row on screen. */
export function selectVisible(): number {
  const { rows } = get()
  const selection = new Map(get().selection)
  for (let i = visible.start; i <= Math.min(visible.end, rows.length - 1); i++) {
    const item = rows[i]
    if (item) selection.set(item.id, item)
  }
  set({ selection })
  return selection.size
}

export function clearSelection(): void {
  if (get().selection.size > 0) set({ selection: new Map() })
}

// ───────────── optimistic removal ─────────────

export interface Removed {
  id: string
  index: number
  item: ApprovalListItem
}

/**
 * Takes decided items off the list now, in the same frame as the key press, and moves the focus to
 * the row that takes the focused one's place. Pair with `settleRemoval` once the core has the intent.
 */
export function removeOptimistically(ids: readonly string[]): Removed[] {
  const s = get()
  const rows = s.rows.slice()
  const removed: Removed[] = []
  for (const id of ids) {
    const index = indexOfId(rows, id, s.focusedIndex)
    if (index < 0) continue
    removed.push({ id, index, item: rows[index] as ApprovalListItem })
    rows.splice(index, 1)
  }
  if (removed.length === 0) return removed
  epoch++
  inflight++
  pagesLoading.clear()
  let focusedIndex: number
  const focusGone = s.focusedId !== null && removed.some((r) => r.id === s.focusedId)
  if (focusGone || s.focusedId === null) {
    const at = removed.find((r) => r.id === s.focusedId)?.index ?? s.focusedIndex
    focusedIndex = clamp(at, rows.length)
  } else {
    focusedIndex = indexOfId(rows, s.focusedId as string, s.focusedIndex)
  }
  const selection = new Map(s.selection)
  for (const r of removed) selection.delete(r.id)
  set({ rows, focusedIndex, focusedId: rows[focusedIndex]?.id ?? null, pinnedId: null, selection })
  return removed
}

/** The core holds the intents (or refused them): reads may resume. */
export function settleRemoval(): void {
  inflight = Math.max(0, inflight - 1)
  if (inflight === 0) {
    if (refreshWanted) refreshInbox()
    else ensureRange(visible.start, visible.end)
  }
}

/** Brings items back (undo, or the core refused to queue them) with the focus on the first one. */
export function restoreItems(removed: readonly { id: string; index?: number }[]): void {
  const first = removed[0]
  if (!first) return
  set({ focusedId: first.id, focusedIndex: first.index ?? get().focusedIndex, pinnedId: null })
  refreshInbox()
}

/** How many rows before `index` are loaded (for the "n of total" position). */
export function visibleRange(): { start: number; end: number } {
  return visible
}

/** The list items for ids, from the selection or the loaded rows (dialogs name items by id). */
export function itemsById(ids: readonly string[]): ApprovalListItem[] {
  const { selection, rows, focusedIndex } = get()
  return ids
    .map((id) => selection.get(id) ?? rows[indexOfId(rows, id, focusedIndex)])
    .filter((i): i is ApprovalListItem => i !== undefined)
}
