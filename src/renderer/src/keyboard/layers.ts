// Modal layers: while a dialog or overlay is open, the page's shortcuts stay silent so a dialog's
// keys never reach the view behind it.
import { useLayoutEffect } from 'react'

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

/**
 * Holds a modal layer while `open` is true. A layout effect: the layer is up before the browser
 * paints the dialog, so a key pressed the moment it appears can never reach the page behind it.
 */
export function useModalLayer(open: boolean): void {
  useLayoutEffect(() => (open ? pushModal() : undefined), [open])
}
