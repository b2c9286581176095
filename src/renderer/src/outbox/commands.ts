// The Outbox view's commands: retry a dead delivery (`r`), cancel one that has not gone out
// (`x`), each a queued intent (outbox.retry / outbox.cancel) the server applies once and audits.
import type { OutboxItem } from '../../../shared/contract-domain'
import type { Command } from '../keyboard/registry'
import { openNotesDialog } from '../reviews/NotesDialog'
import { explain, queueReviewIntent, shortSubject } from '../reviews/review-actions'
import { relatedCommands, reviewListCommands } from '../reviews/review-commands'
import { outbox, OUTBOX_FILTERS } from './outbox-store'

export const outboxSubject = (o: OutboxItem) => shortSubject(o.approvalTitle ?? `${o.tool.app}.${o.tool.key}`)

/** Mirrors the server's state rules (push_intent_outbox_retry / _cancel). */
export const canRetry = (o: OutboxItem) => o.execution.status === 'dead'
export const canCancel = (o: OutboxItem) => o.execution.status === 'pending' || o.execution.status === 'failed'

function act(kind: 'outbox.retry' | 'outbox.cancel'): void {
  const item = outbox.current()
  if (!item) return
  const retry = kind === 'outbox.retry'
  if (retry && !canRetry(item)) return explain(`Only a dead delivery can be retried; this one is ${item.execution.status}.`)
  if (!retry && !canCancel(item)) return explain(`Only a delivery that has not gone out can be cancelled; this one is ${item.execution.status}.`)
  if (item.preflight) return explain(item.preflight.message)
  if (item.pendingIntent || outbox.use.getState().optimistic.has(item.id)) return explain('A change to this delivery is already on its way.')
  openNotesDialog({
    title: retry ? 'Retry this delivery' : 'Cancel this delivery',
    description: outboxSubject(item),
    label: 'Reason',
    submitLabel: retry ? 'Retry' : 'Cancel delivery',
    required: false,
    onSubmit: (reason) =>
      queueReviewIntent({
        store: outbox,
        item,
        intent: { kind, args: { outbox_id: item.id, ...(reason ? { reason } : {}) } },
        action: retry ? 'Retry' : 'Cancel',
        done: retry ? 'Retry queued' : 'Cancelled',
        subject: outboxSubject(item),
      }),
  })
}

export const outboxCommands: Command[] = [
  {
    id: 'outbox.retry',
    title: 'Retry the dead delivery',
    section: 'Review',
    keys: ['r'],
    enabled: () => outbox.current() !== undefined,
    run: () => act('outbox.retry'),
  },
  {
    id: 'outbox.cancel',
    title: 'Cancel the delivery',
    section: 'Review',
    keys: ['x'],
    enabled: () => outbox.current() !== undefined,
    run: () => act('outbox.cancel'),
  },
  // The agent (`o`) and the approved request (`p`); a delivery has no task of its own.
  ...relatedCommands({
    view: 'outbox',
    noun: 'delivery',
    store: outbox,
    task: () => null,
    agentId: (o) => o.agentId,
    approvalId: (o) => o.approvalId,
  }).filter((c) => c.id !== 'outbox.task'),
  ...reviewListCommands({ view: 'outbox', noun: 'delivery', store: outbox, filters: OUTBOX_FILTERS }),
]
