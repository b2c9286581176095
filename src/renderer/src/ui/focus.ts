// Where the keyboard focus goes when nothing else claims it: the current view's home element
// (the inbox list, the queue list …), so the focus is never lost on <body> after a decision.
export function focusHome(): void {
  const home = document.querySelector<HTMLElement>('[data-home-focus]')
  home?.focus({ preventScroll: true })
}
