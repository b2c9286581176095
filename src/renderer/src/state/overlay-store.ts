// The one overlay open at a time: a decision dialog, the palette or the shortcut overlay. Opening
// one closes any other, so at most one modal layer holds the keyboard.
import { create } from 'zustand'

export type Overlay =
  | { kind: 'palette' }
  | { kind: 'help' }
  | { kind: 'reject'; approvalIds: string[] }
  | { kind: 'edit'; approvalId: string }
  | { kind: 'escalate'; approvalId: string }
  | { kind: 'delegate'; approvalId: string }
  | { kind: 'snooze'; approvalIds: string[] }
  | { kind: 'message'; approvalId: string }
  /** A text-box command the replica already refuses: the box opens saying why, with nothing to submit. */
  | { kind: 'refused'; title: string; subject: string; message: string }
  | { kind: 'signout' }
  | { kind: 'sod' }
  /** Save the inbox's filters as a view, rename or delete saved views. */
  | { kind: 'savedViews' }

interface OverlayState {
  overlay: Overlay | null
}

export const useOverlay = create<OverlayState>(() => ({ overlay: null }))

export function openOverlay(overlay: Overlay): void {
  useOverlay.setState({ overlay })
}

export function closeOverlay(): void {
  useOverlay.setState({ overlay: null })
}
