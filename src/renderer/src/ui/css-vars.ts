// Sets CSS custom properties from JS through the CSSOM (`style.setProperty`), which a strict CSP
// allows, instead of style attributes in markup.
import { useLayoutEffect, type RefObject } from 'react'

export function useCssVars(ref: RefObject<HTMLElement | null>, vars: Record<string, string>): void {
  const key = JSON.stringify(vars)
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    for (const [name, value] of Object.entries(vars)) el.style.setProperty(name, value)
    // `key` stands for `vars` by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref, key])
}

/** The root font size in px, so row heights follow the OS text scale (rem units). */
export function remPx(): number {
  const size = parseFloat(getComputedStyle(document.documentElement).fontSize)
  return Number.isFinite(size) && size > 0 ? size : 16
}
