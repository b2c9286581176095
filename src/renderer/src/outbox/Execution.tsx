// What became of an approved action, shown in the Outbox view's detail and under an approval's
// detail: the delivery state, attempts, the next retry, the last error and the provider's answer.
import type { Execution } from '../../../shared/contract-domain'
import { Facts } from '../reviews/ReviewParts'
import { formatDateTime } from '../ui/format'
import './outbox.css'

const STATUS_WORDS: Record<Execution['status'], string> = {
  pending: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed, will retry',
  dead: 'Dead',
  cancelled: 'Cancelled',
}

export function statusWords(status: Execution['status']): string {
  return STATUS_WORDS[status]
}

export function StatusTag({ status }: { status: Execution['status'] }) {
  return (
    <span className={`tag outbox-status outbox-status-${status}`} data-testid="outbox-status">
      {STATUS_WORDS[status]}
    </span>
  )
}

export function ExecutionFacts({ execution: e }: { execution: Execution }) {
  return (
    <>
      <Facts
        facts={[
          ['Delivery', <StatusTag key="s" status={e.status} />],
          ['Attempts', String(e.attempts)],
          ['Queued', formatDateTime(e.queuedAt)],
          ['Next attempt', e.nextAttemptAt ? formatDateTime(e.nextAttemptAt) : null],
          ['Sent', e.sentAt ? formatDateTime(e.sentAt) : null],
        ]}
      />
      {e.lastError && (
        <p className="banner banner-warning outbox-error" data-testid="outbox-error">
          {e.lastError}
        </p>
      )}
      {e.result !== null && e.result !== undefined && (
        <pre className="outbox-result" data-testid="outbox-result" aria-label={e.status === 'sent' ? 'Provider’s answer' : 'Outcome'}>
          {JSON.stringify(e.result, null, 2)}
        </pre>
      )}
    </>
  )
}

/** Under an approval's detail: nothing before a decision; once approved, the delivery as it stands. */
export function ExecutionSection({ execution }: { execution: Execution | null }) {
  if (!execution) return null
  return (
    <section className="detail-section" aria-label="After the decision" data-testid="approval-execution">
      <h3>After the decision</h3>
      <ExecutionFacts execution={execution} />
    </section>
  )
}
