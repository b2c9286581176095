// The Escalations view (`g e`): escalations addressed to me or to the agents of my tenants, grouped
// by type (action required first) and trigger; acknowledge (`a`) and resolve with a resolution
// (`shift+r`), offline like any decision; the related task (`t`), agent (`o`) and request (`p`) one key away.
import type { EscalationItem } from '../../../shared/contract-domain'
import { useTenants } from '../state/tenants-store'
import { CommandButtons, Facts, RelatedTask, ReviewSection, stepTaken } from '../reviews/ReviewParts'
import { ReviewSplit, type ReviewGroup } from '../reviews/ReviewSplit'
import { IntentMark } from '../reviews/IntentMark'
import { useLiveReview } from '../reviews/review-store'
import { formatAgo, formatDateTime, humanize } from '../ui/format'
import { useNow } from '../ui/use-now'
import { ESCALATION_FILTERS, escalations, type EscalationStatus } from './escalations-store'

const TYPE_LABELS: Record<EscalationItem['type'], string> = {
  action_required: 'Action required',
  awareness: 'Awareness',
}

/** The core lists them by type then trigger: consecutive rows of one (type, trigger) form a group. */
function groupEscalations(items: readonly EscalationItem[]): ReviewGroup<EscalationItem>[] {
  const groups: (ReviewGroup<EscalationItem> & { items: EscalationItem[] })[] = []
  for (const item of items) {
    const key = `${item.type}-${item.trigger}`
    const last = groups[groups.length - 1]
    if (last?.key === key) last.items.push(item)
    else groups.push({ key, kicker: TYPE_LABELS[item.type], label: humanize(item.trigger), items: [item] })
  }
  return groups
}

const addressee = (e: EscalationItem) => (e.toUserId ? 'you' : (e.toAgentName ?? 'an agent'))

const STEP_WORDS = { 'escalation.acknowledge': 'Acknowledge', 'escalation.resolve': 'Resolve' } as const

function pendingAction(e: EscalationItem): string | null {
  return e.pendingKind ? STEP_WORDS[e.pendingKind] : null
}

function EscalationRow({ item }: { item: EscalationItem }) {
  const now = useNow()
  return (
    <>
      <div className="review-row-title">{item.context}</div>
      <div className="review-row-meta">
        <span>
          {item.fromAgentName ?? 'An agent'} → {addressee(item)}
        </span>
        <span>{formatAgo(item.createdAt, now)}</span>
        {item.status !== 'pending' && <span className={`tag${item.status === 'resolved' ? ' tag-done' : ''}`}>{humanize(item.status)}</span>}
      </div>
    </>
  )
}

/** The detail's buttons: the steps this escalation still allows, and what it links to. */
function actionsFor(e: EscalationItem): string[] {
  return [
    e.status === 'pending' && !e.preflight ? 'escalations.acknowledge' : null,
    e.status !== 'resolved' && !e.preflight ? 'escalations.resolve' : null,
    e.task ? 'escalations.task' : null,
    'escalations.agent',
    e.approvalId ? 'escalations.request' : null,
  ].filter((id): id is string => id !== null)
}

function EscalationDetail({ item }: { item: EscalationItem }) {
  const tenant = useTenants((s) => s.byId.get(item.tenantId))
  const optimistic = escalations.use((s) => s.optimistic.get(item.id))
  return (
    <article className="review-detail-body" data-escalation-id={item.id} data-testid="escalation-detail">
      <div className="review-detail-kicker">
        <span className={`tag${item.type === 'action_required' ? ' tag-action' : ''}`}>{TYPE_LABELS[item.type]}</span>
        <span className="tag">{humanize(item.trigger)}</span>
        {tenant && <span className="muted">{tenant.name}</span>}
        <span className={`tag${item.status === 'resolved' ? ' tag-done' : ''}`} data-testid="escalation-status">
          {humanize(item.status)}
        </span>
        <IntentMark row={item} optimistic={optimistic} action={pendingAction(item)} />
      </div>
      <h2 className="review-detail-title">{item.context}</h2>
      <Facts
        facts={[
          ['From', item.fromAgentName ?? 'An agent'],
          ['To', addressee(item)],
          ['Raised', formatDateTime(item.createdAt)],
          ['Acknowledged', stepTaken(item.acknowledgedAt, item.acknowledgedByName)],
          ['Resolved', stepTaken(item.resolvedAt, item.resolvedByName)],
        ]}
      />
      {item.preflight && item.status !== 'resolved' && <p className="banner banner-warning">{item.preflight.message}</p>}
      <CommandButtons ids={actionsFor(item)} />
      <ReviewSection title="Impact">
        <p>{item.impact}</p>
      </ReviewSection>
      {item.recommendation && (
        <ReviewSection title="The agent recommends">
          <p>{item.recommendation}</p>
        </ReviewSection>
      )}
      {item.resolution && (
        <ReviewSection title="Resolution">
          <p data-testid="escalation-resolution">{item.resolution}</p>
        </ReviewSection>
      )}
      {item.approvalTitle && (
        <ReviewSection title="Escalated request">
          <p>{item.approvalTitle}</p>
        </ReviewSection>
      )}
      <RelatedTask task={item.task} />
    </article>
  )
}

const EMPTY: Record<EscalationStatus, { title: string; hint: string }> = {
  open: { title: 'No open escalations', hint: 'Nothing addressed to you or your agents waits. Resolved ones are under Resolved (2).' },
  resolved: { title: 'Nothing resolved yet', hint: 'Escalations you or your colleagues resolve are kept here.' },
  all: { title: 'No escalations', hint: 'When an agent escalates to you or to one of your agents, it appears here.' },
}

export function EscalationsView() {
  useLiveReview(escalations)
  return (
    <ReviewSplit
      title="Escalations"
      store={escalations}
      filters={ESCALATION_FILTERS}
      group={groupEscalations}
      row={(item) => <EscalationRow item={item} />}
      pendingAction={pendingAction}
      detail={(item) => <EscalationDetail item={item} />}
      empty={(status) => EMPTY[status]}
      testId="escalations"
    />
  )
}
