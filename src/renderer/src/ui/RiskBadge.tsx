// Risk as number, word and colour together, so colour is never the only signal.
import { riskLabel } from './format'

export function RiskBadge({ level, compact }: { level: number; compact?: boolean }) {
  const label = riskLabel(level)
  return (
    <span className={`risk risk-${Math.max(0, Math.min(5, level))}`} title={`Risk ${level}: ${label}`}>
      <span className="risk-level" aria-hidden="true">
        {level}
      </span>
      <span className={compact ? 'visually-hidden' : 'risk-word'}>
        {compact ? `Risk ${level}, ${label}` : label}
      </span>
    </span>
  )
}
