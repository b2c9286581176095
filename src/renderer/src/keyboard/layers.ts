// Modal layers: while a dialog or overlay is open, the page's shortcuts stay silent so a dialog's
// keys never reach the view behind it.
import { useEffect } from 'react'

let depth = 0

export function modalOpen(): boolean {
  return depth > 0
}

export function pushModal(): () => void {
  depth += 1
  let popped = false
  return () => {
    if (popped) return
    popped = true
    depth -= 1
  }
}

/** Holds a modal layer while `open` is true. */
export function useModalLayer(open: boolean): void {
  useEffect(() => (open ? pushModal() : undefined), [open])
}
