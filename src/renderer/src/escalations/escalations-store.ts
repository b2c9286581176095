// The Escalations view's rows: escalations addressed to me or to the agents of my tenants, read
// from the replica by status (open = pending or acknowledged).
import type { EscalationItem } from '../../../shared/contract-domain'
import { call } from '../state/api'
import { createReviewStore } from '../reviews/review-store'
import type { StatusOption } from '../reviews/StatusFilter'

export type EscalationStatus = 'open' | 'resolved' | 'all'

export const ESCALATION_FILTERS: readonly StatusOption<EscalationStatus>[] = [
  { value: 'open', label: 'Open', title: 'open escalations', binding: '1' },
  { value: 'resolved', label: 'Resolved', title: 'resolved escalations', binding: '2' },
  { value: 'all', label: 'All', title: 'all escalations', binding: '3' },
]

export const escalations = createReviewStore<EscalationItem, EscalationStatus>({
  initialStatus: 'open',
  load: (args) => call('escalations.list', args),
  tables: ['escalations', 'approvals', 'tasks'],
})

/** What my queued intent on it will do, or undefined when none: a queued acknowledge still allows resolving. */
export function stepOnItsWay(e: EscalationItem): 'acknowledge' | 'resolve' | undefined {
  const kind = escalations.use.getState().optimistic.get(e.id)?.kind ?? (e.pendingIntent ? e.pendingKind : null)
  if (!kind) return undefined
  return kind === 'escalation.resolve' ? 'resolve' : 'acknowledge'
}
