// The mark a review row carries while my intent on it is on its way or after the server refused it:
// "Acknowledge · Queued", "Sending…", "Refused: <the server's reason>". Words and an icon, never
// colour alone. Nothing is shown once the intent is applied: the synced row then speaks for itself.
import type { OptimisticMark, ReviewRow } from './review-store'

/** Held (undo still possible) and queued both read "Queued": either way it waits to be sent. */
function wordsFor(state: NonNullable<ReviewRow['pendingIntent']>): { icon: string; text: string } {
  if (state === 'sending') return { icon: '↑', text: 'Sending…' }
  if (state === 'applied') return { icon: '✓', text: 'Applied' }
  return { icon: '…', text: 'Queued' }
}

interface IntentMarkProps {
  row: ReviewRow
  /** Set when a key was just pressed and the core has not answered yet. */
  optimistic?: OptimisticMark | undefined
  /** The step on its way, when the row knows it ("Resolve"); the optimistic mark's otherwise. */
  action?: string | null
}

export function IntentMark({ row, optimistic, action }: IntentMarkProps) {
  const state = optimistic ? 'held' : row.pendingIntent
  if (state) {
    const words = wordsFor(state)
    const step = action ?? optimistic?.action
    return (
      <span className={`intent-mark intent-${state}`} data-testid="intent-mark" data-state={state}>
        <span aria-hidden="true">{words.icon} </span>
        {step ? `${step} · ${words.text}` : words.text}
      </span>
    )
  }
  if (row.lastRefusal) {
    return (
      <span className="intent-mark intent-refused" data-testid="intent-mark" data-state="refused" title={row.lastRefusal.code}>
        <span aria-hidden="true">× </span>
        Refused: {row.lastRefusal.message}
      </span>
    )
  }
  return null
}
