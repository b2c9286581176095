// The Flags view (`g f`): suspected hallucinations with the flagged content, how they were detected
// and how confident the detector is; confirm (`c`) or mark a false positive (`f`) with notes; the
// related task (`t`), agent (`o`) and request (`p`) one key away.
import type { FlagItem } from '../../../shared/contract-domain'
import { useTenants } from '../state/tenants-store'
import { IntentMark } from '../reviews/IntentMark'
import { CommandButtons, Facts, RelatedTask, ReviewSection, stepTaken } from '../reviews/ReviewParts'
import { ReviewSplit } from '../reviews/ReviewSplit'
import { useLiveReview } from '../reviews/review-store'
import { formatAgo, formatDateTime, humanize } from '../ui/format'
import { useNow } from '../ui/use-now'
import { flags, FLAG_FILTERS, type FlagStatus } from './flags-store'

const METHODS: Record<string, string> = {
  confidence: 'Low model confidence',
  fact_check: 'Fact check',
  pattern: 'Pattern match',
}

const methodLabel = (method: string) => METHODS[method] ?? humanize(method)

const VERDICT_WORDS = { confirmed: 'Confirm', false_positive: 'False positive' } as const

function pendingAction(f: FlagItem): string | null {
  return f.pendingVerdict ? VERDICT_WORDS[f.pendingVerdict] : null
}

/**
 * The detector's confidence as a number and a meter: the number is the signal, the bar a glance
 * (the likelier the hallucination, the further from the meter's optimum at 0).
 */
function Confidence({ score }: { score: number | null }) {
  if (score === null) return <span className="muted">no score</span>
  const percent = Math.round(score * 100)
  return (
    <span className="confidence">
      <meter min={0} max={1} low={0.5} high={0.8} optimum={0} value={score} aria-hidden="true" />
      {percent}% confidence
    </span>
  )
}

function StatusTag({ status }: { status: FlagItem['status'] }) {
  if (status === 'pending') return null
  return <span className={`tag${status === 'false_positive' ? ' tag-done' : status === 'confirmed' ? ' tag-action' : ''}`}>{humanize(status)}</span>
}

function FlagRow({ item }: { item: FlagItem }) {
  const now = useNow()
  return (
    <>
      <div className="review-row-title">“{item.flaggedContent ?? methodLabel(item.detectionMethod)}”</div>
      <div className="review-row-meta">
        <span>{item.agentName ?? 'An agent'}</span>
        <span>{methodLabel(item.detectionMethod)}</span>
        <Confidence score={item.confidenceScore} />
        <span>{formatAgo(item.createdAt, now)}</span>
        <StatusTag status={item.status} />
      </div>
    </>
  )
}

/** The detail's buttons: the verdicts while the flag waits, and what it links to. */
function actionsFor(f: FlagItem): string[] {
  return [
    f.status === 'pending' && !f.preflight ? 'flags.confirm' : null,
    f.status === 'pending' && !f.preflight ? 'flags.falsePositive' : null,
    f.task ? 'flags.task' : null,
    'flags.agent',
    f.approvalId ? 'flags.request' : null,
  ].filter((id): id is string => id !== null)
}

function FlagDetail({ item }: { item: FlagItem }) {
  const tenant = useTenants((s) => s.byId.get(item.tenantId))
  const optimistic = flags.use((s) => s.optimistic.get(item.id))
  return (
    <article className="review-detail-body" data-flag-id={item.id} data-testid="flag-detail">
      <div className="review-detail-kicker">
        <span className="tag">{methodLabel(item.detectionMethod)}</span>
        {tenant && <span className="muted">{tenant.name}</span>}
        <span className="tag" data-testid="flag-status">
          {humanize(item.status)}
        </span>
        <IntentMark row={item} optimistic={optimistic} action={pendingAction(item)} />
      </div>
      <h2 className="review-detail-title">Suspected hallucination by {item.agentName ?? 'an agent'}</h2>
      <ReviewSection title="Flagged content">
        <blockquote className="review-quote review-quote-suspect">{item.flaggedContent ?? 'The detector kept no excerpt.'}</blockquote>
      </ReviewSection>
      <Facts
        facts={[
          ['Detected by', methodLabel(item.detectionMethod)],
          ['Confidence', <Confidence key="c" score={item.confidenceScore} />],
          ['Raised', formatDateTime(item.createdAt)],
          ['Reviewed', stepTaken(item.reviewedAt, item.reviewedByName)],
        ]}
      />
      {item.preflight && item.status === 'pending' && <p className="banner banner-warning">{item.preflight.message}</p>}
      <CommandButtons ids={actionsFor(item)} />
      {item.notes && (
        <ReviewSection title="Reviewer’s notes">
          <p data-testid="flag-notes">{item.notes}</p>
        </ReviewSection>
      )}
      {item.approvalTitle && (
        <ReviewSection title="Related request">
          <p>{item.approvalTitle}</p>
        </ReviewSection>
      )}
      <RelatedTask task={item.task} />
    </article>
  )
}

const EMPTY: Record<FlagStatus, { title: string; hint: string }> = {
  pending: { title: 'No flags to review', hint: 'No agent output is suspected of hallucination. Reviewed flags are under Reviewed (2).' },
  reviewed: { title: 'Nothing reviewed yet', hint: 'Flags confirmed or marked false positive are kept here with their notes.' },
  all: { title: 'No flags', hint: 'When a detector suspects an agent made something up, the flag appears here.' },
}

export function FlagsView() {
  useLiveReview(flags)
  return (
    <ReviewSplit
      title="Flags"
      store={flags}
      filters={FLAG_FILTERS}
      row={(item) => <FlagRow item={item} />}
      pendingAction={pendingAction}
      detail={(item) => <FlagDetail item={item} />}
      empty={(status) => EMPTY[status]}
      testId="flags"
    />
  )
}
