// Which view is on screen. Views are listed in app/views.tsx; this store only holds the current one
// so keyboard commands and the shell's `navigate` event can change it without importing the views.
import { create } from 'zustand'

export type ViewId = string

interface RouterState {
  view: ViewId
  /** In the inbox: whether the detail pane holds the keyboard focus (Enter) or the list does. */
  detailOpen: boolean
}

export const useRouter = create<RouterState>(() => ({ view: 'inbox', detailOpen: false }))

const viewListeners = new Set<(view: ViewId) => void>()

export function go(view: ViewId): void {
  if (useRouter.getState().view === view) return
  useRouter.setState({ view, detailOpen: false })
  for (const l of viewListeners) l(view)
}

/** Called whenever the view changes (settings persist the last view through it). */
export function onViewChange(listener: (view: ViewId) => void): () => void {
  viewListeners.add(listener)
  return () => viewListeners.delete(listener)
}

export function setDetailOpen(open: boolean): void {
  useRouter.setState({ detailOpen: open })
}
