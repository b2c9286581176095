// Where the keyboard focus goes when nothing else claims it: the current view's home element
// (the inbox list, the queue list …), so the focus is never lost on <body> after a decision.
export function focusHome(): void {
  const home = document.querySelector<HTMLElement>('[data-home-focus]')
  home?.focus({ preventScroll: true })
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
