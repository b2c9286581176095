// The Flags view's rows: hallucination flags in the tenants I review, read from the replica by
// status (reviewed = confirmed, false positive or reviewed).
import type { FlagItem } from '../../../shared/contract-domain'
import { call } from '../state/api'
import { createReviewStore } from '../reviews/review-store'
import type { StatusOption } from '../reviews/StatusFilter'

export type FlagStatus = 'pending' | 'reviewed' | 'all'

export const FLAG_FILTERS: readonly StatusOption<FlagStatus>[] = [
  { value: 'pending', label: 'Pending', title: 'flags waiting for review', binding: '1' },
  { value: 'reviewed', label: 'Reviewed', title: 'reviewed flags', binding: '2' },
  { value: 'all', label: 'All', title: 'all flags', binding: '3' },
]

export const flags = createReviewStore<FlagItem, FlagStatus>({
  initialStatus: 'pending',
  load: (args) => call('flags.list', args),
  tables: ['hallucination_flags', 'approvals', 'tasks'],
})
