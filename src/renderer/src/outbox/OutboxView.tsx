// The Outbox view (`g o`): every approved action on its way to its provider and what became of it
// — queued, sending, sent with the provider's answer, failing and retrying, dead, cancelled — per
// tenant. Retry a dead delivery (`r`) or cancel one that has not gone out (`x`), with a reason.
import type { OutboxItem } from '../../../shared/contract-domain'
import { useTenants } from '../state/tenants-store'
import { IntentMark } from '../reviews/IntentMark'
import { CommandButtons, ReviewSection } from '../reviews/ReviewParts'
import { ReviewSplit } from '../reviews/ReviewSplit'
import { useLiveReview } from '../reviews/review-store'
import { formatAgo } from '../ui/format'
import { useNow } from '../ui/use-now'
import { canCancel, canRetry } from './commands'
import { ExecutionFacts, StatusTag } from './Execution'
import { outbox, OUTBOX_FILTERS, type OutboxStatus } from './outbox-store'

function pendingAction(o: OutboxItem): string | null {
  return o.pendingKind === 'outbox.retry' ? 'Retry' : o.pendingKind === 'outbox.cancel' ? 'Cancel' : null
}

function OutboxRow({ item }: { item: OutboxItem }) {
  const now = useNow()
  const e = item.execution
  return (
    <>
      <div className="review-row-title">{item.approvalTitle ?? `${item.tool.app}.${item.tool.key}`}</div>
      <div className="review-row-meta">
        <StatusTag status={e.status} />
        <span>
          {item.tool.app}.{item.tool.key}
        </span>
        <span>{item.agentName ?? 'An agent'}</span>
        <span>
          {e.attempts} attempt{e.attempts === 1 ? '' : 's'}
        </span>
        <span>{formatAgo(e.sentAt ?? e.queuedAt, now)}</span>
      </div>
      {e.lastError && e.status !== 'sent' && <div className="review-row-meta muted outbox-row-error">{e.lastError}</div>}
    </>
  )
}

function actionsFor(o: OutboxItem): string[] {
  return [
    canRetry(o) && !o.preflight ? 'outbox.retry' : null,
    canCancel(o) && !o.preflight ? 'outbox.cancel' : null,
    o.approvalId ? 'outbox.request' : null,
    o.agentId ? 'outbox.agent' : null,
  ].filter((id): id is string => id !== null)
}

function OutboxDetail({ item }: { item: OutboxItem }) {
  const tenant = useTenants((s) => s.byId.get(item.tenantId))
  const optimistic = outbox.use((s) => s.optimistic.get(item.id))
  return (
    <article className="review-detail-body" data-outbox-id={item.id} data-testid="outbox-detail">
      <div className="review-detail-kicker">
        <span className="tag">
          {item.tool.app}.{item.tool.key}
        </span>
        {tenant && <span className="muted">{tenant.name}</span>}
        <IntentMark row={item} optimistic={optimistic} action={pendingAction(item)} />
      </div>
      <h2 className="review-detail-title">{item.approvalTitle ?? 'Approved action'}</h2>
      <ExecutionFacts execution={item.execution} />
      {item.preflight && (canRetry(item) || canCancel(item)) && <p className="banner banner-warning">{item.preflight.message}</p>}
      <CommandButtons ids={actionsFor(item)} />
      <ReviewSection title="Approved arguments">
        <pre className="outbox-result">{JSON.stringify(item.args, null, 2)}</pre>
      </ReviewSection>
    </article>
  )
}

const EMPTY: Record<OutboxStatus, { title: string; hint: string }> = {
  open: { title: 'Nothing on its way', hint: 'Approved actions wait here until the executor has sent them. Sent ones are under Sent (3).' },
  dead: { title: 'No dead deliveries', hint: 'Deliveries the executor gave up on, or that were cancelled, are kept here with their last error.' },
  sent: { title: 'Nothing sent yet', hint: 'Actions the provider accepted appear here with its answer.' },
  all: { title: 'No deliveries', hint: 'When a request is approved, its action is queued here for the executor.' },
}

export function OutboxView() {
  useLiveReview(outbox)
  return (
    <ReviewSplit
      title="Outbox"
      store={outbox}
      filters={OUTBOX_FILTERS}
      row={(item) => <OutboxRow item={item} />}
      pendingAction={pendingAction}
      detail={(item) => <OutboxDetail item={item} />}
      empty={(status) => EMPTY[status]}
      testId="outbox"
    />
  )
}
