// The current change set beside the list: what it is and where its review stands, why a review
// would be or was refused, the actions with their keys, and its patches — the file list with
// per-file counts and the diff of the chosen file, unified or side by side.
import { useEffect, useLayoutEffect } from 'react'
import type { ChangesetItem } from '../../../shared/contract-domain'
import { useRouter } from '../state/router-store'
import { adviceFor } from '../queue/advice'
import { dismissIntent, useQueue } from '../queue/queue-store'
import { CommandButtons } from '../reviews/ReviewParts'
import { REVIEW_DETAIL_ID } from '../reviews/ReviewSplit'
import { DiffFile } from '../diff/DiffFile'
import { DiffCounts, FileList } from '../diff/FileList'
import { LayoutToggle } from '../diff/LayoutToggle'
import { useDiffLayout } from '../diff/diff-layout'
import { Markdown } from '../ui/Markdown'
import { formatDateTime } from '../ui/format'
import { showToast } from '../state/toast-store'
import { CHANGESET_DIFF_ID, changesets, pickFile, pickHunk, readAhead, usePatches } from './changesets-store'
import { StatusTag } from './ChangesetRow'

function Patches() {
  const { files, error, file, target } = usePatches()
  const layout = useDiffLayout((s) => s.layout)
  if (error) return <p className="banner banner-error">{error}</p>
  if (!files) return <div className="skeleton" aria-busy="true" />
  if (files.length === 0) return <p className="muted">This change set has no patches.</p>
  const shown = files[file]
  const totals = files.reduce(
    (t, f) => ({ additions: t.additions + f.additions, deletions: t.deletions + f.deletions }),
    { additions: 0, deletions: 0 },
  )
  return (
    <section className="cs-patches" aria-label="Patches">
      <header className="cs-patches-header">
        <h3>
          {files.length} file{files.length === 1 ? '' : 's'} <DiffCounts file={totals} />
        </h3>
        <LayoutToggle binding="u" />
      </header>
      <div className="cs-diff">
        <FileList files={files} selected={file} onSelect={pickFile} />
        {shown && (
          <DiffFile
            file={shown}
            layout={layout}
            target={target}
            onPickHunk={(h) => pickHunk(h, false)}
            className="diff-fill"
            scrollId={CHANGESET_DIFF_ID}
          />
        )}
      </div>
    </section>
  )
}

function Review({ item }: { item: ChangesetItem }) {
  if (item.status === 'pending_review' || item.status === 'draft') return null
  const by = item.reviewedByName ? ` by ${item.reviewedByName}` : ''
  const when = item.reviewedAt ? ` on ${formatDateTime(item.reviewedAt)}` : ''
  const verdict = item.status === 'rejected' ? 'Changes requested' : 'Approved'
  return (
    <div className="cs-review" data-testid="changeset-review">
      <p>
        {verdict}
        {by}
        {when}
        {item.status === 'applied' && ', and since applied'}.
      </p>
      {item.reviewComment && <blockquote className="review-quote">{item.reviewComment}</blockquote>}
    </div>
  )
}

const ON_ITS_WAY = { approved: 'approval', rejected: 'request for changes' } as const

/** What to do about a refused review, in change-set words; other codes as the Queue view says. */
const ADVICE: Record<string, string> = {
  invalid_state:
    'Nothing more to do: it was reviewed, or left review, before your review arrived. Dismiss this.',
  self_approval: 'Ask another reviewer to review it.',
  forbidden: 'Your role may not review change sets here. Ask a reviewer who may, or an admin.',
  not_found: 'The change set is gone or no longer visible to you. Dismiss this.',
}

function RefusalBanner({
  item,
  refusal,
}: {
  item: ChangesetItem
  refusal: NonNullable<ChangesetItem['lastRefusal']>
}) {
  const intent = useQueue((s) =>
    s.intents.find(
      (i) =>
        i.kind === 'changeset.review' &&
        i.args['changeset_id'] === item.id &&
        (i.state === 'rejected' || i.state === 'conflict'),
    ),
  )
  const dismiss = async (clientMutationId: string) => {
    const err = await dismissIntent(clientMutationId)
    if (err) showToast({ tone: 'error', message: err })
    await changesets.reload()
  }
  return (
    <div className="banner banner-error cs-refusal" role="status" data-testid="changeset-refusal">
      <strong>Your review was refused:</strong> {refusal.message}
      <p>
        <strong>What to do:</strong> {ADVICE[refusal.code] ?? adviceFor(refusal.code, 'rejected')}
      </p>
      {intent && (
        <button type="button" onClick={() => void dismiss(intent.clientMutationId)}>
          Dismiss
        </button>
      )}
    </div>
  )
}

export function ChangesetDetail({ item }: { item: ChangesetItem }) {
  const detailOpen = useRouter((s) => s.detailOpen)
  const patchesFor = usePatches((s) => s.id)
  const onItsWay = changesets.use((s) => s.optimistic.has(item.id)) || item.pendingIntent !== null
  const verdict = item.pendingVerdict ? ON_ITS_WAY[item.pendingVerdict] : 'review'
  const pending = item.status === 'pending_review'

  useEffect(
    () => readAhead([changesets.neighbourOf(item.id, 1), changesets.neighbourOf(item.id, -1)]),
    [item.id],
  )

  // A diff that goes away (a file or change set without line changes) must not leave the focus on <body>.
  useLayoutEffect(() => {
    if (detailOpen && (document.activeElement === document.body || document.activeElement === null)) {
      document.getElementById(REVIEW_DETAIL_ID)?.focus({ preventScroll: true })
    }
  })

  return (
    <article className="review-detail-body cs-detail" data-testid="changeset-detail" data-changeset-id={item.id}>
      <div className="review-detail-kicker">
        <StatusTag status={item.status} />
        {item.agentName && <span>by {item.agentName}</span>}
        <span className="muted">raised {formatDateTime(item.createdAt)}</span>
      </div>
      <h2 className="review-detail-title">{item.title}</h2>
      {item.description && <Markdown text={item.description} />}
      {item.lastRefusal && <RefusalBanner item={item} refusal={item.lastRefusal} />}
      {pending && onItsWay && (
        <p className="cs-note" role="status" data-testid="changeset-on-its-way">
          Your {verdict} is on its way; the Queue shows it until the server confirms.
        </p>
      )}
      {pending && !onItsWay && item.preflight && (
        <p className="banner banner-warning" data-testid="changeset-blocked">
          {item.preflight.message}
        </p>
      )}
      <Review item={item} />
      {pending && !onItsWay && !item.preflight && (
        <CommandButtons ids={['changesets.approve', 'changesets.requestChanges']} />
      )}
      {patchesFor === item.id && <Patches />}
    </article>
  )
}
