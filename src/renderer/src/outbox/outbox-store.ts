// The Outbox view's rows: approved actions on their way out and what became of them, read from the
// replica by delivery state (open = pending, sending or failed and waiting to retry).
import type { OutboxItem } from '../../../shared/contract-domain'
import { call } from '../state/api'
import { createReviewStore } from '../reviews/review-store'
import type { StatusOption } from '../reviews/StatusFilter'

export type OutboxStatus = 'open' | 'sent' | 'dead' | 'all'

export const OUTBOX_FILTERS: readonly StatusOption<OutboxStatus>[] = [
  { value: 'open', label: 'Open', title: 'deliveries pending, in flight or retrying', binding: '1' },
  { value: 'dead', label: 'Dead', title: 'deliveries given up on or cancelled', binding: '2' },
  { value: 'sent', label: 'Sent', title: 'deliveries the provider accepted', binding: '3' },
  { value: 'all', label: 'All', title: 'all deliveries', binding: '4' },
]

export const outbox = createReviewStore<OutboxItem, OutboxStatus>({
  initialStatus: 'open',
  load: (args) => call('outbox.list', args),
  tables: ['outbox', 'actions', 'approvals'],
})
