// Where the keyboard focus goes when nothing else claims it: the current view's home element
// (the inbox list, the queue list …), so the focus is never lost on <body> after a decision.
import { useLayoutEffect, type KeyboardEvent, type RefObject } from 'react'

export function focusHome(): void {
  const home = document.querySelector<HTMLElement>('[data-home-focus]')
  home?.focus({ preventScroll: true })
}

/** A filter field's Esc or Enter: back to the view's list, where the keys work again. */
export function leaveFieldForHome(e: KeyboardEvent<HTMLElement>): void {
  if (e.key === 'Escape' || e.key === 'Enter') {
    e.preventDefault()
    focusHome()
  }
}

/**
 * For a dialog or popup: takes the focus into `ref`'s element (on what `pick` chooses inside it, else
 * the element itself) as it mounts — a layout effect, so the first keys typed land in it — and gives
 * the focus back to where it was (or to the view's home) when it goes, unless it has already moved
 * somewhere else on purpose.
 */
export function useFocusInside(ref: RefObject<HTMLElement | null>, pick?: (root: HTMLElement) => HTMLElement | null): void {
  useLayoutEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const root = ref.current
    ;((root && pick?.(root)) ?? root)?.focus()
    return () => {
      // After the element's own nodes are gone: never leave the focus on <body>.
      queueMicrotask(() => {
        if (document.activeElement && document.activeElement !== document.body && !root?.contains(document.activeElement)) return
        if (previous?.isConnected) previous.focus()
        else focusHome()
      })
    }
    // Once per mount: ref and pick are read as the element appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
}

/**
 * The list item holding the focus in a view built on `[data-list-item]` rows (escalations, flags,
 * change sets, agents, audit, history): its `data-id`, or undefined. j / k move the focus between
 * such rows (app/commands.ts), and a view's commands act on the row this returns.
 */
export function focusedListItemId(): string | undefined {
  const active = document.activeElement
  const row = active instanceof HTMLElement ? active.closest<HTMLElement>('[data-list-item]') : null
  return row?.dataset['id']
}
