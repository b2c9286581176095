// Commands every review view shares, for its commands.ts to spread into its list: Enter for the
// detail, digits for the status filter, and the related task / agent / request one key away.
// app/views.tsx enables a view's commands only while it is on screen, so letters may repeat across views.
import type { TaskSummary } from '../../../shared/contract-domain'
import { go, useRouter } from '../state/router-store'
import { focusApproval } from '../inbox/inbox-store'
import type { Command } from '../keyboard/registry'
import { showToast } from '../state/toast-store'
import { openReviewDetail } from './review-actions'
import type { ReviewRow, ReviewStore } from './review-store'
import type { StatusOption } from './StatusFilter'

/** The id of the related task's section in a review detail: `t` takes the keyboard there. */
export const TASK_SECTION_ID = 'review-task'

export function reviewListCommands<T extends ReviewRow, S extends string>(o: {
  /** The view id, prefixing each command id: `escalations.detail`. */
  view: string
  /** One item, in words: "escalation". */
  noun: string
  store: ReviewStore<T, S>
  filters: readonly StatusOption<S>[]
}): Command[] {
  return [
    {
      id: `${o.view}.detail`,
      title: `Open the ${o.noun}’s detail`,
      section: 'Review',
      keys: ['enter'],
      enabled: () => o.store.current() !== undefined && !useRouter.getState().detailOpen,
      run: () => openReviewDetail(),
    },
    ...o.filters.map(
      (f): Command => ({
        id: `${o.view}.show.${f.value}`,
        title: `Show ${f.title}`,
        section: 'Review',
        keys: [f.binding],
        enabled: () => o.store.use.getState().status !== f.value,
        run: () => o.store.setStatus(f.value),
      }),
    ),
  ]
}

export function relatedCommands<T extends ReviewRow>(o: {
  view: string
  noun: string
  store: ReviewStore<T, string>
  task: (item: T) => TaskSummary | null
  agentId: (item: T) => string | null
  approvalId: (item: T) => string | null
}): Command[] {
  const current = () => o.store.current()
  return [
    {
      id: `${o.view}.task`,
      title: `Show the ${o.noun}’s task`,
      section: 'Review',
      keys: ['t'],
      enabled: () => current() !== undefined,
      run: () => {
        const item = current()
        if (item && o.task(item)) openReviewDetail(TASK_SECTION_ID)
        else showToast({ tone: 'info', message: `This ${o.noun} names no task.`, ms: 3000 })
      },
    },
    {
      id: `${o.view}.agent`,
      title: `Go to the ${o.noun}’s agent`,
      section: 'Review',
      keys: ['o'],
      enabled: () => current() !== undefined,
      run: () => {
        const item = current()
        const agentId = item ? o.agentId(item) : null
        if (agentId) go('agents', { agentId })
      },
    },
    {
      id: `${o.view}.request`,
      title: `Open the ${o.noun}’s request`,
      section: 'Review',
      keys: ['p'],
      enabled: () => current() !== undefined,
      run: () => {
        const item = current()
        const approvalId = item ? o.approvalId(item) : null
        if (!approvalId) {
          showToast({ tone: 'info', message: `This ${o.noun} is not about a request.`, ms: 3000 })
          return
        }
        go('inbox')
        focusApproval(approvalId)
      },
    },
  ]
}
