// The Queue view: every decision not yet confirmed by the server — held (undo still possible),
// queued, sending — and every refusal or conflict with the server's reason and what to do next.
import { useEffect } from 'react'
import type { Intent } from '../../../shared/contract-domain'
import { go } from '../state/router-store'
import { focusApproval } from '../inbox/inbox-store'
import { formatAgo, formatDuration } from '../ui/format'
import { undoIntent } from '../state/intent-client'
import { showToast } from '../state/toast-store'
import { useNow } from '../ui/use-now'
import { adviceFor } from './advice'
import { dismissIntent, refreshQueue, useQueue } from './queue-store'
import './queue.css'

const STATE_WORDS: Record<Intent['state'], { label: string; icon: string }> = {
  held: { label: 'Held', icon: '‖' },
  queued: { label: 'Queued', icon: '…' },
  sending: { label: 'Sending', icon: '↑' },
  applied: { label: 'Applied', icon: '✓' },
  rejected: { label: 'Refused', icon: '×' },
  conflict: { label: 'Conflict', icon: '⇄' },
}

function approvalIdOf(intent: Intent): string | null {
  const id = intent.args['approval_id']
  return typeof id === 'string' ? id : null
}

function QueueItem({ intent, now }: { intent: Intent; now: number }) {
  const refused = intent.state === 'rejected' || intent.state === 'conflict'
  const approvalId = approvalIdOf(intent)
  const held = intent.state === 'held' && Date.parse(intent.holdUntil) > now
  const words = STATE_WORDS[intent.state]
  return (
    <li className={`queue-item state-${intent.state}`} data-list-item tabIndex={-1} data-testid="queue-item" data-state={intent.state}>
      <div className="queue-main">
        <span className={`state-badge state-${intent.state}`}>
          <span aria-hidden="true">{words.icon} </span>
          {words.label}
        </span>
        <span className="queue-label">{intent.label}</span>
        <span className="muted">
          {formatAgo(intent.createdAt, now)}
          {held && ` · sends in ${formatDuration(Date.parse(intent.holdUntil) - now)}`}
          {intent.attempts > 0 && ` · ${intent.attempts} attempt${intent.attempts === 1 ? '' : 's'}`}
        </span>
      </div>
      {refused && intent.refusal && (
        <div className="queue-refusal">
          <p>
            <strong>Server:</strong> {intent.refusal.message}
          </p>
          <p className="advice">
            <strong>What to do:</strong> {adviceFor(intent.refusal.code, intent.state)}
          </p>
        </div>
      )}
      <div className="queue-actions">
        {held && (
          <button
            type="button"
            // The one intent client: the same undo as `z` and the toast's Undo.
            onClick={async () => {
              await undoIntent(intent)
              await refreshQueue()
            }}
          >
            Undo
          </button>
        )}
        {refused && approvalId && (
          <button
            type="button"
            onClick={() => {
              go('inbox')
              focusApproval(approvalId)
            }}
          >
            Open request
          </button>
        )}
        {refused && (
          <button
            type="button"
            onClick={async () => {
              const err = await dismissIntent(intent.clientMutationId)
              if (err) showToast({ tone: 'error', message: err })
            }}
          >
            Dismiss
          </button>
        )}
      </div>
    </li>
  )
}

export function QueueView() {
  const { intents, loaded, error } = useQueue()
  const now = useNow()
  useEffect(() => {
    void refreshQueue()
  }, [])
  const refused = intents.filter((i) => i.state === 'rejected' || i.state === 'conflict')
  const waiting = intents.filter((i) => i.state !== 'rejected' && i.state !== 'conflict' && i.state !== 'applied')
  return (
    <div className="page queue-view">
      <h1>Queue</h1>
      <p className="muted">Decisions wait here until the server confirms them; refusals stay until you dismiss them.</p>
      {error && <p className="banner banner-error">{error}</p>}
      <div className="page-list" data-home-focus tabIndex={0} aria-label="Queued decisions" data-testid="queue">
        {refused.length > 0 && (
          <section aria-label="Refused or in conflict">
            <h2>
              Refused or in conflict <span className="count">{refused.length}</span>
            </h2>
            <ul className="queue-list">
              {refused.map((i) => (
                <QueueItem key={i.clientMutationId} intent={i} now={now} />
              ))}
            </ul>
          </section>
        )}
        <section aria-label="Waiting to be confirmed">
          <h2>
            Waiting <span className="count">{waiting.length}</span>
          </h2>
          {waiting.length === 0 ? (
            <p className="muted">{loaded ? 'Nothing waiting: every decision has reached the server.' : 'Loading…'}</p>
          ) : (
            <ul className="queue-list">
              {waiting.map((i) => (
                <QueueItem key={i.clientMutationId} intent={i} now={now} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  )
}
