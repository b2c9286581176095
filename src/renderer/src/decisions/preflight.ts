// What the replica already knows the server would refuse, checked before a decision is queued so
// the reviewer reads why at once instead of after a round trip. The server enforces it regardless.
import type { ApprovalListItem } from '../../../shared/contract-domain'
import { CONFIRM_RISK } from '../../../shared/confirm-risk'
import { firstRefusalBinds } from '../../../shared/decision-rules'

export type DecisionAction = 'approve' | 'approve_with_edits' | 'reject' | 'escalate' | 'delegate' | 'snooze' | 'message'

export interface Refusal {
  code: string
  message: string
}

/** Bulk approve is refused when any selected item is above this risk. */
export const BULK_RISK_CEILING = 3

export function isExpired(item: Pick<ApprovalListItem, 'expiresAt'>, now = Date.now()): boolean {
  return item.expiresAt !== null && Date.parse(item.expiresAt) <= now
}

export function preflightRefusal(item: ApprovalListItem, action: DecisionAction, now = Date.now()): Refusal | null {
  if (action === 'snooze' || action === 'message') return null
  if (isExpired(item, now)) {
    return { code: 'approval_expired', message: 'This request has expired; it can no longer be decided.' }
  }
  const p = item.preflight
  if (!p) return null
  // item.preflight is the first rule an approve breaks; rules that stop a reject or escalate come
  // first in the one rule set, so the same refusal answers for them when its rule binds them too
  // (an over-limit reviewer may still reject). Delegating hands the item on, like an escalation.
  return firstRefusalBinds(p.code, action === 'delegate' ? 'escalate' : action) ? p : null
}

/** What to tell a reviewer about a bulk approve, or null when it may go ahead. */
export function bulkApproveRefusal(items: readonly ApprovalListItem[], now = Date.now()): Refusal | null {
  const above = items.filter((i) => i.riskLevel > BULK_RISK_CEILING)
  if (above.length > 0) {
    return {
      code: 'bulk_risk_ceiling',
      message: `Bulk approve refused: ${above.length} of ${items.length} selected ${above.length === 1 ? 'is' : 'are'} risk ${CONFIRM_RISK} or higher. Approve those one at a time, or deselect them.`,
    }
  }
  const blocked = items.map((i) => preflightRefusal(i, 'approve', now)).filter((r): r is Refusal => r !== null)
  const first = blocked[0]
  if (first) {
    return {
      code: first.code,
      message: `Bulk approve refused: you cannot approve ${blocked.length} of ${items.length} selected. ${first.message}`,
    }
  }
  return null
}
