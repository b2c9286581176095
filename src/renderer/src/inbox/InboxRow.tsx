// One row of the inbox: risk, title, amount, and the second line of context (kind, agent,
// counterparty, expiry, refusal). Memoised: rows re-render only when their own item changes.
import { memo } from 'react'
import type { ApprovalListItem } from '../../../shared/contract-domain'
import { Countdown } from '../ui/Countdown'
import { RiskBadge } from '../ui/RiskBadge'
import { formatMoney, kindLabel } from '../ui/format'

export function rowDomId(index: number): string {
  return `inbox-row-${index}`
}

interface RowProps {
  item: ApprovalListItem | undefined
  index: number
  total: number
  focused: boolean
  selected: boolean
  onPick: (index: number, open: boolean) => void
}

export const InboxRow = memo(function InboxRow({ item, index, total, focused, selected, onPick }: RowProps) {
  const cls = `row${focused ? ' row-focused' : ''}${selected ? ' row-selected' : ''}`
  if (!item) {
    return (
      <div id={rowDomId(index)} role="option" aria-selected={false} aria-posinset={index + 1} aria-setsize={total} aria-busy="true" className={`${cls} row-loading`}>
        <span className="muted">Loading…</span>
      </div>
    )
  }
  return (
    <div
      id={rowDomId(index)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      className={cls}
      data-approval-id={item.id}
      onMouseDown={(e) => {
        e.preventDefault()
        onPick(index, false)
      }}
      onDoubleClick={() => onPick(index, true)}
    >
      <span className="row-check" aria-hidden="true">
        {selected ? '☑' : ''}
      </span>
      <div className="row-main">
        <div className="row-line1">
          <RiskBadge level={item.riskLevel} compact />
          <span className="row-title">{item.title}</span>
          {item.amount !== null && <span className="row-amount">{formatMoney(item.amount, item.currency)}</span>}
        </div>
        <div className="row-line2">
          <span>{kindLabel(item.kind)}</span>
          {item.agentName && <span>{item.agentName}</span>}
          {item.counterparty && <span>{item.counterparty}</span>}
          {item.requiredApprovals > 1 && (
            <span>
              {item.approvalsSoFar}/{item.requiredApprovals} approvals
            </span>
          )}
          {item.expiresAt && <Countdown expiresAt={item.expiresAt} />}
          {item.lastRefusal && <span className="row-refused">⚠ refused: {item.lastRefusal.message}</span>}
          {!item.lastRefusal && item.preflight && <span className="row-preflight">⊘ {item.preflight.message}</span>}
        </div>
      </div>
    </div>
  )
})
