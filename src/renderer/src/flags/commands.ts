// The Flags view's commands. app/views.tsx registers them and enables them only while this view is on screen.
// A verdict (confirmed / false positive, with optional notes) is a queued intent like any decision:
// it works offline and the server applies it once, to a flag still pending.
import type { FlagItem } from '../../../shared/contract-domain'
import type { Command } from '../keyboard/registry'
import { openNotesDialog } from '../reviews/NotesDialog'
import { explain, queueReviewIntent, shortSubject } from '../reviews/review-actions'
import { relatedCommands, reviewListCommands } from '../reviews/review-commands'
import { humanize } from '../ui/format'
import { FLAG_FILTERS, flags } from './flags-store'

type Verdict = 'confirmed' | 'false_positive'

const VERDICTS: Record<Verdict, { title: string; action: string; done: string }> = {
  confirmed: { title: 'Confirm the hallucination', action: 'Confirm', done: 'Confirmed' },
  false_positive: { title: 'Mark as a false positive', action: 'False positive', done: 'Marked false positive' },
}

export const flagSubject = (f: FlagItem) => shortSubject(f.flaggedContent ?? `${humanize(f.detectionMethod)} flag`)

function review(verdict: Verdict): void {
  const item = flags.current()
  if (!item) return
  if (item.status !== 'pending') return explain(`This flag was already reviewed (${humanize(item.status)}).`)
  if (item.preflight) return explain(item.preflight.message)
  if (item.pendingIntent || flags.use.getState().optimistic.has(item.id)) return explain('A review of this flag is already on its way.')
  const words = VERDICTS[verdict]
  openNotesDialog({
    title: words.title,
    description: flagSubject(item),
    label: 'Notes',
    submitLabel: words.action,
    required: false,
    onSubmit: (notes) =>
      queueReviewIntent({
        store: flags,
        item,
        intent: { kind: 'flag.review', args: { flag_id: item.id, verdict, ...(notes ? { notes } : {}) } },
        action: words.action,
        done: words.done,
        subject: flagSubject(item),
      }),
  })
}

export const flagsCommands: Command[] = [
  {
    id: 'flags.confirm',
    title: 'Confirm the hallucination',
    section: 'Review',
    keys: ['c'],
    enabled: () => flags.current() !== undefined,
    run: () => review('confirmed'),
  },
  {
    id: 'flags.falsePositive',
    title: 'Mark as a false positive',
    section: 'Review',
    keys: ['f'],
    enabled: () => flags.current() !== undefined,
    run: () => review('false_positive'),
  },
  ...relatedCommands({
    view: 'flags',
    noun: 'flag',
    store: flags,
    task: (f) => f.task,
    agentId: (f) => f.agentId,
    approvalId: (f) => f.approvalId,
  }),
  ...reviewListCommands({ view: 'flags', noun: 'flag', store: flags, filters: FLAG_FILTERS }),
]
