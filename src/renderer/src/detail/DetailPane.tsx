// The detail beside the list: everything a reviewer needs to decide the focused request, painted
// from the prefetched copy in the same frame the focus arrives.
import { getCommand, isEnabled, runCommand, useCommands } from '../keyboard/registry'
import { Keys } from '../ui/Kbd'
import { useEffect, useLayoutEffect } from 'react'
import type { ApprovalDetail, ApprovalListItem } from '../../../shared/contract-domain'
import { useInbox } from '../inbox/inbox-store'
import { useDecisions } from '../decisions/decide'
import { noteItemPainted } from '../decisions/latency'
import { CONFIRM_RISK } from '../../../shared/confirm-risk'
import { preflightRefusal } from '../decisions/preflight'
import { useTenants } from '../state/tenants-store'
import { useSync } from '../state/sync-store'
import { Countdown } from '../ui/Countdown'
import { Markdown } from '../ui/Markdown'
import { RiskBadge } from '../ui/RiskBadge'
import { formatMoney, formatTrust, humanize, kindLabel } from '../ui/format'
import { ensureDetail, useDetails } from './detail-store'
import { ExecutionSection } from '../outbox/Execution'
import { AuditSection, DecisionsSection, EvidenceSection, MessagesSection, OriginSection, PayloadSection } from './sections'
import './detail.css'

export function DetailPane({ id }: { id?: string }) {
  const shownId = useInbox((s) => s.pinnedId ?? s.focusedId)
  const listItem = useInbox((s) => (s.pinnedId ? undefined : s.rows[s.focusedIndex]))
  const entry = useDetails((s) => (shownId ? s.entries.get(shownId) : undefined))
  const detail = entry?.detail ?? null
  const stale = entry?.stale ?? false

  useEffect(() => {
    if (shownId) ensureDetail(shownId)
  }, [shownId, stale])

  useLayoutEffect(() => {
    if (detail) noteItemPainted()
  }, [shownId, detail])

  const item = listItem?.id === shownId ? listItem : (detail?.item ?? undefined)
  const syncingFirst = useSync((s) => s.status?.initialSync != null)
  // A focused row whose page is still loading, the first load, or the first sync: not "empty".
  const rowPending = useInbox((s) => s.pinnedId === null && s.focusedId === null && s.focusedIndex < s.rows.length)
  const loading = useInbox((s) => s.status === 'loading') || syncingFirst || rowPending
  return (
    <section id={id} className="detail" aria-label="Request detail" tabIndex={0} data-testid="detail">
      {!shownId ? (
        <div className="empty">
          {loading ? (
            <p className="muted">Loading…</p>
          ) : (
            <>
              <p className="empty-title">Nothing to review</p>
              <p className="muted">New requests appear here as they arrive.</p>
            </>
          )}
        </div>
      ) : (
        <>
          {item && <DetailHeader item={item} detail={detail} />}
          {entry?.error && !detail && <p className="banner banner-error">{entry.error}</p>}
          {detail ? <DetailBody detail={detail} /> : !entry?.error && <div className="skeleton" aria-busy="true" />}
        </>
      )}
    </section>
  )
}

// The decision keys as buttons too, so the mouse can do what the keyboard does (Escalations has them).
const DECISION_BUTTONS: readonly [id: string, label: string][] = [
  ['decision.approve', 'Approve'],
  ['decision.edit', 'Edit & approve'],
  ['decision.reject', 'Reject'],
  ['decision.escalate', 'Escalate'],
  ['decision.delegate', 'Reassign'],
  ['decision.snooze', 'Snooze'],
  ['decision.message', 'Message'],
]

function DecisionButtons() {
  useCommands()
  return (
    <div className="decision-buttons" role="group" aria-label="Decide">
      {DECISION_BUTTONS.map(([id, label]) => {
        const command = getCommand(id)
        if (!command) return null
        return (
          <button key={id} type="button" disabled={!isEnabled(command)} onClick={() => runCommand(id, { source: 'palette' })}>
            {label} {command.keys[0] && <Keys binding={command.keys[0]} />}
          </button>
        )
      })}
    </div>
  )
}

function DetailHeader({ item, detail }: { item: ApprovalListItem; detail: ApprovalDetail | null }) {
  const armed = useDecisions((s) => s.armed?.id === item.id)
  const tenant = useTenants((s) => s.byId.get(item.tenantId))
  const refusal = preflightRefusal(item, 'approve')
  const agent = detail?.agent
  return (
    <header className="detail-header" data-approval-id={item.id}>
      <div className="detail-kicker">
        <span className="tag">{kindLabel(item.kind)}</span>
        {tenant && <span className="muted">{tenant.name}</span>}
        {item.status !== 'pending' && <span className="tag tag-status">{humanize(item.status)}</span>}
      </div>
      <h2 className="detail-title">{item.title}</h2>
      {item.status === 'pending' && <DecisionButtons />}
      <dl className="facts">
        <div>
          <dt>Risk</dt>
          <dd>
            <RiskBadge level={item.riskLevel} />
          </dd>
        </div>
        {item.amount !== null && (
          <div>
            <dt>Amount</dt>
            <dd className="amount">{formatMoney(item.amount, item.currency)}</dd>
          </div>
        )}
        {item.counterparty && (
          <div>
            <dt>Counterparty</dt>
            <dd>{item.counterparty}</dd>
          </div>
        )}
        {item.expiresAt && (
          <div>
            <dt>Expiry</dt>
            <dd>
              <Countdown expiresAt={item.expiresAt} />
            </dd>
          </div>
        )}
        {item.requiredApprovals > 1 && (
          <div>
            <dt>Approvals</dt>
            <dd>
              {item.approvalsSoFar} of {item.requiredApprovals} (four-eyes)
            </dd>
          </div>
        )}
        <div className="fact-wide">
          <dt>Agent</dt>
          <dd>
            {agent ? (
              <>
                {agent.name}
                <span className="muted">
                  {' '}
                  · tier {agent.tier} · {agent.autonomy}
                  {agent.trustScore !== null && <> · trust {formatTrust(agent.trustScore)}</>}
                </span>
              </>
            ) : (
              (item.agentName ?? <span className="muted">—</span>)
            )}
          </dd>
        </div>
      </dl>
      {item.policyFlags.length > 0 && (
        <div className="risk-reasons">
          <span className="muted">Why risk {item.riskLevel}:</span>
          <ul>
            {item.policyFlags.map((f) => (
              <li key={f} className="flag">
                {humanize(f)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {item.lastRefusal && (
        <p className="banner banner-error" role="note">
          <strong>Your last decision was refused:</strong> {item.lastRefusal.message} Decide again or leave it.
        </p>
      )}
      {refusal && (
        <p className="banner banner-warning" role="note" data-testid="preflight">
          <strong>You cannot approve this:</strong> {refusal.message}
        </p>
      )}
      {armed && (
        <p className="banner banner-confirm" role="alert">
          Risk {item.riskLevel}: press <kbd>A</kbd> again to approve, or move on to cancel.
        </p>
      )}
      {!refusal && item.requiredApprovals > 1 && (
        <p className="banner banner-info" role="note" data-testid="four-eyes">
          <strong>Four-eyes:</strong> {item.approvalsSoFar} of {item.requiredApprovals} approvals so far.{' '}
          {item.approvalsSoFar + 1 >= item.requiredApprovals
            ? 'Your approval completes it.'
            : 'Your approval is recorded and the request waits for a second, different approver.'}
        </p>
      )}
      {!refusal && !armed && item.riskLevel >= CONFIRM_RISK && (
        <p className="muted hint">High risk: approving takes two presses of A; rejecting needs a reason.</p>
      )}
    </header>
  )
}

function DetailBody({ detail }: { detail: ApprovalDetail }) {
  return (
    <div className="detail-body">
      {detail.summary && <Markdown text={detail.summary} className="summary" />}
      <PayloadSection detail={detail} />
      <OriginSection detail={detail} />
      <EvidenceSection detail={detail} />
      <DecisionsSection detail={detail} />
      <ExecutionSection execution={detail.execution} />
      <MessagesSection detail={detail} />
      <AuditSection detail={detail} />
    </div>
  )
}
