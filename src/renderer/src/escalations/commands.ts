// The Escalations view's commands. app/views.tsx registers them and enables them only while this view is on screen.
// Acknowledge and resolve are queued intents like any decision: they work offline and the server
// applies each once (pending → acknowledged → resolved; a pending one may be resolved directly).
import type { EscalationItem } from '../../../shared/contract-domain'
import type { Command } from '../keyboard/registry'
import { openNotesDialog } from '../reviews/NotesDialog'
import { explain, queueReviewIntent, shortSubject } from '../reviews/review-actions'
import { relatedCommands, reviewListCommands } from '../reviews/review-commands'
import { ESCALATION_FILTERS, escalations, stepOnItsWay } from './escalations-store'

const subject = (e: EscalationItem) => shortSubject(e.context)

function acknowledge(): void {
  const item = escalations.current()
  if (!item) return
  if (item.status !== 'pending') return explain(`This escalation is already ${item.status}.`)
  if (item.preflight) return explain(item.preflight.message)
  const step = stepOnItsWay(item)
  if (step) return explain(step === 'resolve' ? 'Its resolution is already on its way.' : 'Its acknowledgement is already on its way.')
  queueReviewIntent({
    store: escalations,
    item,
    intent: { kind: 'escalation.acknowledge', args: { escalation_id: item.id } },
    action: 'Acknowledge',
    done: 'Acknowledged',
    subject: subject(item),
  })
}

function resolve(): void {
  const item = escalations.current()
  if (!item) return
  if (item.status === 'resolved') return explain('This escalation is already resolved.')
  if (item.preflight) return explain(item.preflight.message)
  if (stepOnItsWay(item) === 'resolve') return explain('Its resolution is already on its way.')
  openNotesDialog({
    title: 'Resolve the escalation',
    description: subject(item),
    label: 'Resolution',
    submitLabel: 'Resolve',
    required: true,
    requiredMessage: 'Say how it was resolved: the agent and the audit trail keep it.',
    onSubmit: (resolution) =>
      queueReviewIntent({
        store: escalations,
        item,
        intent: { kind: 'escalation.resolve', args: { escalation_id: item.id, resolution } },
        action: 'Resolve',
        done: 'Resolved',
        subject: subject(item),
      }),
  })
}

export const escalationsCommands: Command[] = [
  {
    id: 'escalations.acknowledge',
    title: 'Acknowledge the escalation',
    section: 'Review',
    keys: ['a'],
    enabled: () => escalations.current() !== undefined,
    run: acknowledge,
  },
  {
    id: 'escalations.resolve',
    title: 'Resolve with a resolution',
    section: 'Review',
    keys: ['shift+r', 'v'],
    enabled: () => escalations.current() !== undefined,
    run: resolve,
  },
  ...relatedCommands({
    view: 'escalations',
    noun: 'escalation',
    store: escalations,
    task: (e) => e.task,
    agentId: (e) => e.fromAgentId,
    approvalId: (e) => e.approvalId,
  }),
  ...reviewListCommands({ view: 'escalations', noun: 'escalation', store: escalations, filters: ESCALATION_FILTERS }),
]
