// An expiry countdown that ticks with the shared clock; urgent and expired states carry words too.
import { formatExpiry } from './format'
import { useNow } from './use-now'

export function Countdown({ expiresAt }: { expiresAt: string | null }) {
  const now = useNow()
  const e = formatExpiry(expiresAt, now)
  if (!e) return null
  const tone = e.expired ? 'expired' : e.soon ? 'soon' : 'later'
  return (
    <span className={`countdown countdown-${tone}`}>
      {e.text}
    </span>
  )
}
