// The live region's text: the focused row, toasts and outcomes, read out by screen readers.
import { create } from 'zustand'

interface AnnounceState {
  message: string
  /** Bumps on every announcement so the same words twice are still read. */
  seq: number
}

export const useAnnouncer = create<AnnounceState>(() => ({ message: '', seq: 0 }))

export function announce(message: string): void {
  useAnnouncer.setState((s) => ({ message, seq: s.seq + 1 }))
}
