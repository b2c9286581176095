// One change set in the list: its title, who raised it, how many files, and — once reviewed — the
// outcome in words and an icon (never colour alone). My review on its way or refused is marked by
// the review list (reviews/IntentMark) after this.
import type { ChangesetItem } from '../../../shared/contract-domain'
import { formatAgo } from '../ui/format'
import { useNow } from '../ui/use-now'

const STATUS: Record<ChangesetItem['status'], { icon: string; label: string; tone: string }> = {
  draft: { icon: '✎', label: 'Draft', tone: '' },
  pending_review: { icon: '…', label: 'Pending review', tone: 'tag-action' },
  approved: { icon: '✓', label: 'Approved', tone: 'tag-done' },
  rejected: { icon: '×', label: 'Changes requested', tone: 'cs-tag-rejected' },
  applied: { icon: '✓', label: 'Applied', tone: 'tag-done' },
}

/** A row has little room: the detail gives the whole reason. */
const PREFLIGHT_SHORT: Record<string, string> = {
  self_approval: 'written by you',
  forbidden: 'your role may not review',
}

export function StatusTag({ status }: { status: ChangesetItem['status'] }) {
  const s = STATUS[status]
  return (
    <span className={`tag ${s.tone}`} data-testid="changeset-status" data-status={status}>
      <span aria-hidden="true">{s.icon} </span>
      {s.label}
    </span>
  )
}

export function ChangesetRow({ item }: { item: ChangesetItem }) {
  const now = useNow()
  return (
    <>
      <div className="review-row-title">{item.title}</div>
      <div className="review-row-meta">
        {item.status !== 'pending_review' && <StatusTag status={item.status} />}
        {item.agentName && <span>{item.agentName}</span>}
        <span>
          {item.patchCount} file{item.patchCount === 1 ? '' : 's'}
        </span>
        <span>{formatAgo(item.createdAt, now)}</span>
        {item.status === 'pending_review' && item.preflight && (
          <span className="cs-row-preflight">
            ⊘ {PREFLIGHT_SHORT[item.preflight.code] ?? item.preflight.message}
          </span>
        )}
      </div>
    </>
  )
}
