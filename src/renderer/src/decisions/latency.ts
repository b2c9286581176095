// Measures decision_to_next_item: from the decision key's timestamp until the next item's detail is
// committed to the page (and, separately, until the frame that paints it starts). The e2e suite
// reads these performance entries.
let pendingStart: number | null = null

export const DECISION_MEASURE = 'decision_to_next_item'
export const DECISION_FRAME_MEASURE = 'decision_to_next_frame'

export function markDecisionKey(event?: KeyboardEvent): void {
  pendingStart = event ? event.timeStamp : performance.now()
}

/** Called by the detail pane in a layout effect when it shows a loaded item. */
export function noteItemPainted(): void {
  if (pendingStart === null) return
  const start = pendingStart
  pendingStart = null
  performance.measure(DECISION_MEASURE, { start, end: performance.now() })
  requestAnimationFrame(() => performance.measure(DECISION_FRAME_MEASURE, { start, end: performance.now() }))
}
