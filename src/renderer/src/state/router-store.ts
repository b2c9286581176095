// Which view is on screen. Views are listed in app/views.tsx; this store only holds the current one
// so keyboard commands and the shell's `navigate` event can change it without importing the views.
import { create } from 'zustand'

export type ViewId = string

/** What a view is asked to bring into focus when reached from elsewhere (an agent, an audit entity…). */
export type ViewParams = Readonly<Record<string, string>>

interface RouterState {
  view: ViewId
  /** Set by `go(view, params)`: e.g. `{ agentId }` for the Agents view; empty when none. */
  params: ViewParams
  /** In the inbox: whether the detail pane holds the keyboard focus (Enter) or the list does. */
  detailOpen: boolean
}

const NO_PARAMS: ViewParams = Object.freeze({})

export const useRouter = create<RouterState>(() => ({ view: 'inbox', params: NO_PARAMS, detailOpen: false }))

const viewListeners = new Set<(view: ViewId) => void>()

export function go(view: ViewId, params?: ViewParams): void {
  const state = useRouter.getState()
  if (state.view === view && !params) return
  useRouter.setState({ view, params: params ?? NO_PARAMS, detailOpen: false })
  if (state.view !== view) for (const l of viewListeners) l(view)
}

/** Called whenever the view changes (settings persist the last view through it). */
export function onViewChange(listener: (view: ViewId) => void): () => void {
  viewListeners.add(listener)
  return () => viewListeners.delete(listener)
}

export function setDetailOpen(open: boolean): void {
  useRouter.setState({ detailOpen: open })
}
