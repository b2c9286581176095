// Saved views: the reviewer's named inbox filters, kept by the core per user and backend, recalled
// with the number key of their slot (1–9) from the filter bar, the `?` overlay or the palette.
import { create } from 'zustand'
import type { InboxFilter, SavedView } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import { setTenantScope, useTenantScope } from '../state/tenant-scope'
import { registerCommands, type Command } from '../keyboard/registry'
import { go, useRouter } from '../state/router-store'
import { announce } from '../ui/announce'
import { setFilter, useInbox } from './inbox-store'

type ViewFilter = SavedView['filter']

interface SavedViewsState {
  views: readonly SavedView[]
}

export const useSavedViews = create<SavedViewsState>(() => ({ views: [] }))

/** The inbox filters a view keeps: everything but the lane, which Tab switches under any view. */
export function currentViewFilter(filter: InboxFilter = useInbox.getState().filter): ViewFilter {
  const { lane: _lane, ...rest } = filter
  return rest
}

// Key order and empty lists must not make two equal filters differ.
const canonical = (f: ViewFilter) =>
  JSON.stringify({
    kinds: f.kinds && f.kinds.length > 0 ? [...f.kinds].sort() : undefined,
    minRisk: f.minRisk || undefined,
    agentId: f.agentId,
    tenantId: f.tenantId,
    amountMin: f.amountMin,
    amountMax: f.amountMax,
    currency: f.currency,
    text: f.text || undefined,
  })

export function sameFilter(a: ViewFilter, b: ViewFilter): boolean {
  return canonical(a) === canonical(b)
}

export async function loadSavedViews(): Promise<void> {
  useSavedViews.setState({ views: [] })
  try {
    useSavedViews.setState({ views: await call('views.list', {}) })
  } catch {
    // Signed out meanwhile, or the file unreadable: no views, the filters still work by hand.
  }
}

/** Each change resolves to an error message for the dialog, or null when done. */
async function change(run: () => Promise<SavedView[]>): Promise<string | null> {
  try {
    useSavedViews.setState({ views: await run() })
    return null
  } catch (err) {
    return errorMessage(err)
  }
}

export const saveCurrentView = (name: string) => change(() => call('views.save', { name, filter: currentViewFilter() }))
export const renameView = (id: string, name: string) => change(() => call('views.rename', { id, name }))
export const deleteView = (id: string) => change(() => call('views.delete', { id }))

/** Shows the inbox under a saved view's filters; its tenant becomes the header's tenant scope. */
export function applySavedView(view: SavedView): void {
  if (useRouter.getState().view !== 'inbox') go('inbox')
  const { tenantId, ...filter } = view.filter
  // setTenantScope re-filters the inbox only when the scope changes; the rest is set here in one go.
  if ((useTenantScope.getState().tenantId ?? undefined) !== tenantId) setTenantScope(tenantId ?? null)
  setFilter({
    kinds: undefined,
    minRisk: undefined,
    agentId: undefined,
    amountMin: undefined,
    amountMax: undefined,
    currency: undefined,
    text: undefined,
    ...filter,
    tenantId,
  })
  announce(`Saved view ${view.name}`)
}

export function applySavedViewAt(slot: number): void {
  const view = useSavedViews.getState().views[slot - 1]
  if (view) applySavedView(view)
}

function recallCommands(views: readonly SavedView[]): Command[] {
  return views.map((v, i) => ({
    id: `savedView.${i + 1}`,
    title: `Saved view: ${v.name}`,
    section: 'Filter' as const,
    keys: [String(i + 1)],
    view: 'Inbox',
    enabled: () => useRouter.getState().view === 'inbox',
    run: () => applySavedView(v),
  }))
}

/** Keeps one command per saved view in the keymap (keys 1–9) while a reviewer is signed in. */
export function watchSavedViews(): () => void {
  let unregister = registerCommands(recallCommands(useSavedViews.getState().views))
  const stop = useSavedViews.subscribe((s, prev) => {
    if (s.views === prev.views) return
    unregister()
    unregister = registerCommands(recallCommands(s.views))
  })
  return () => {
    stop()
    unregister()
    useSavedViews.setState({ views: [] })
  }
}
