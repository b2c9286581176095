// The Change sets view (`g c`): change sets pending review (or all of them) beside the current
// one's diff. Approve (`a`) and request changes (`shift+r` / `c`) queue a `changeset.review`
// intent; ] / [ move between files, n / p between hunks, u switches unified / side by side.
import { useEffect, useRef } from 'react'
import type { ChangesetItem } from '../../../shared/contract-domain'
import { useReplicaChanges } from '../state/replica-changes'
import { useRouter } from '../state/router-store'
import { goToRow } from '../reviews/review-actions'
import { useLiveReview } from '../reviews/review-store'
import { ReviewSplit } from '../reviews/ReviewSplit'
import { ChangesetDetail } from './ChangesetDetail'
import { ChangesetRow } from './ChangesetRow'
import { CHANGESET_FILTERS, changesets, patchesChanged, type ChangesetStatus } from './changesets-store'
import { VERDICT_ACTION } from './commands'
import '../diff/diff.css'
import './changesets.css'

const EMPTY: Record<ChangesetStatus, { title: string; hint: string }> = {
  pending_review: {
    title: 'No change sets wait for review',
    hint: 'Change sets agents raise for review appear here. Press 2 to see all of them.',
  },
  all: {
    title: 'No change sets yet',
    hint: 'When an agent proposes code or configuration changes, they appear here.',
  },
}

/** The open change set's diff is read from its patches; the list re-reads with the review store. */
const PATCH_TABLES = new Set(['changeset_patches'])
const CHANGE_WINDOW_MS = 100

function countLabel(total: number, status: ChangesetStatus): string {
  return status === 'pending_review'
    ? `${total.toLocaleString()} pending review`
    : `${total.toLocaleString()} in all`
}

/** `go('changesets', { changesetId })` from elsewhere (an audit entry, say): that change set becomes current. */
function useLinkedChangeset(): void {
  const wanted = useRouter((s) => s.params['changesetId'])
  const items = changesets.use((s) => s.items)
  const loaded = changesets.use((s) => s.loaded)
  const done = useRef<string | null>(null)
  useEffect(() => {
    if (!wanted || !loaded || done.current === wanted) return
    if (items.some((i) => i.id === wanted)) {
      done.current = wanted
      goToRow(changesets, wanted)
    } else if (changesets.use.getState().status !== 'all') changesets.setStatus('all')
    else done.current = wanted
  }, [wanted, items, loaded])
}

export function ChangesetsView() {
  useLiveReview(changesets)
  useLinkedChangeset()
  useReplicaChanges(PATCH_TABLES, patchesChanged, CHANGE_WINDOW_MS)
  return (
    <ReviewSplit<ChangesetItem, ChangesetStatus>
      title="Change sets"
      store={changesets}
      filters={CHANGESET_FILTERS}
      countLabel={countLabel}
      row={(c) => <ChangesetRow item={c} />}
      pendingAction={(c) => (c.pendingVerdict ? VERDICT_ACTION[c.pendingVerdict] : null)}
      detail={(c) => <ChangesetDetail item={c} />}
      empty={(status) => EMPTY[status]}
      testId="changesets-list"
    />
  )
}
