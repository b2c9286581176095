// The screen reader's ear on the console: announces the focused row, outcomes and toasts.
import { useAnnouncer } from './announce'

export function LiveRegion() {
  const { message, seq } = useAnnouncer()
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {/* Keyed by sequence so the same words announced twice are read twice. */}
      <span key={seq}>{message}</span>
    </div>
  )
}
