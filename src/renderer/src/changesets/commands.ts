// The Change sets view's commands. app/views.tsx registers them and enables them only while this view is on screen.
// Approve and request changes are queued intents (`changeset.review`) like any decision: they work
// offline, and the server applies each once — only to a change set still pending review, and never
// by its own author — or refuses it with a reason that comes back onto the row.
import type { ChangesetItem } from '../../../shared/contract-domain'
import { go } from '../state/router-store'
import { toggleDiffLayout, LAYOUT_LABEL } from '../diff/diff-layout'
import type { Command } from '../keyboard/registry'
import { openNotesDialog } from '../reviews/NotesDialog'
import { explain, openReviewDetail, queueReviewIntent } from '../reviews/review-actions'
import { reviewListCommands } from '../reviews/review-commands'
import { announce } from '../ui/announce'
import { humanize } from '../ui/format'
import {
  CHANGESET_DIFF_ID,
  CHANGESET_FILTERS,
  changesets,
  retarget,
  stepFile,
  stepHunk,
  usePatches,
} from './changesets-store'

type Verdict = 'approved' | 'rejected'

export const VERDICT_ACTION: Record<Verdict, string> = { approved: 'Approve', rejected: 'Request changes' }
const VERDICT_DONE: Record<Verdict, string> = { approved: 'Approved', rejected: 'Changes requested' }

/** Why a review of this change set would be refused, when the replica can tell; null when it may go. */
function reviewBlocked(c: ChangesetItem): string | null {
  if (c.pendingIntent || changesets.use.getState().optimistic.has(c.id))
    return 'Your review of this change set is already on its way.'
  if (c.status !== 'pending_review')
    return `This change set is ${humanize(c.status).toLowerCase()}, not waiting for review.`
  if (c.preflight) return c.preflight.message
  return null
}

function review(verdict: Verdict): void {
  const item = changesets.current()
  if (!item) return
  const blocked = reviewBlocked(item)
  if (blocked) return explain(blocked)
  const approving = verdict === 'approved'
  openNotesDialog({
    title: approving ? 'Approve the change set' : 'Request changes',
    description: item.title,
    label: 'Comment',
    submitLabel: VERDICT_ACTION[verdict],
    required: !approving,
    requiredMessage: 'Say what should change: the agent works from this comment.',
    onSubmit: (comment) =>
      queueReviewIntent({
        store: changesets,
        item,
        intent: {
          kind: 'changeset.review',
          args: { changeset_id: item.id, verdict, ...(comment ? { comment } : {}) },
        },
        action: VERDICT_ACTION[verdict],
        done: VERDICT_DONE[verdict],
        subject: item.title,
      }),
  })
}

const hasCurrent = () => changesets.current() !== undefined
const hasFiles = () => hasCurrent() && (usePatches.getState().files?.length ?? 0) > 0

/** Enter: the keyboard goes into the diff (the detail itself when the change set has no line changes). */
const listCommands = reviewListCommands({
  view: 'changesets',
  noun: 'change set',
  store: changesets,
  filters: CHANGESET_FILTERS,
}).map((c): Command =>
  c.id === 'changesets.detail'
    ? { ...c, title: 'Open the change set’s diff', run: () => openReviewDetail(CHANGESET_DIFF_ID) }
    : c,
)

/** n / p: the hunk takes the keyboard, and the detail holds it (Esc gives it back to the list). */
function hunk(delta: 1 | -1): void {
  stepHunk(delta)
  if (usePatches.getState().target) openReviewDetail(CHANGESET_DIFF_ID)
}

export const changesetsCommands: Command[] = [
  {
    id: 'changesets.approve',
    title: 'Approve the change set (optional comment)',
    section: 'Review',
    keys: ['a'],
    enabled: hasCurrent,
    run: () => review('approved'),
  },
  {
    id: 'changesets.requestChanges',
    title: 'Request changes (comment required)',
    section: 'Review',
    keys: ['shift+r', 'c'],
    enabled: hasCurrent,
    run: () => review('rejected'),
  },
  {
    id: 'changesets.nextFile',
    title: 'Next file',
    section: 'Review',
    keys: [']'],
    enabled: hasFiles,
    run: () => stepFile(1),
  },
  {
    id: 'changesets.prevFile',
    title: 'Previous file',
    section: 'Review',
    keys: ['['],
    enabled: hasFiles,
    run: () => stepFile(-1),
  },
  {
    id: 'changesets.nextHunk',
    title: 'Next hunk',
    section: 'Review',
    keys: ['n'],
    enabled: hasFiles,
    run: () => hunk(1),
  },
  {
    id: 'changesets.prevHunk',
    title: 'Previous hunk',
    section: 'Review',
    keys: ['p'],
    enabled: hasFiles,
    run: () => hunk(-1),
  },
  {
    id: 'changesets.layout',
    title: 'Diff: unified or side by side',
    section: 'Review',
    keys: ['u'],
    run: () => {
      const layout = toggleDiffLayout()
      retarget()
      announce(`${LAYOUT_LABEL[layout]} diff`)
    },
  },
  {
    id: 'changesets.agent',
    title: 'Go to the agent',
    section: 'Review',
    keys: ['o'],
    enabled: () => changesets.current()?.agentId != null,
    run: () => {
      const agentId = changesets.current()?.agentId
      if (agentId) go('agents', { agentId })
    },
  },
  ...listCommands,
]
