// The decision commands behind the keys and the palette: approve (twice at risk ≥ 4), the dialog
// openers for reject / edit / escalate / delegate / snooze / message, their submits, and bulk.
import type { ApprovalDetail, ApprovalListItem, DecisionKind, Reassignee } from '../../../shared/contract-domain'
import { openOverlay } from '../state/overlay-store'
import { cachedDetail, markStale } from '../detail/detail-store'
import { focusedItem, useInbox } from '../inbox/inbox-store'
import { announce } from '../ui/announce'
import { riskLabel } from '../ui/format'
import { showToast } from '../state/toast-store'
import { armApprove, commitDecision, disarm, isArmed } from './decide'
import { queueIntent, type NewIntent } from '../state/intent-client'
import { holdSeconds } from '../state/settings-store'
import { CONFIRM_RISK } from '../../../shared/confirm-risk'
import { BULK_RISK_CEILING, bulkApproveRefusal, preflightRefusal, type DecisionAction, type Refusal } from './preflight'

/** "You cannot …": each action as a phrase that reads whole ("approve this request with edits"). */
const ACTION_PHRASES: Record<DecisionAction, string> = {
  approve: 'approve this request',
  approve_with_edits: 'approve this request with edits',
  reject: 'reject this request',
  escalate: 'escalate this request',
  delegate: 'hand this request on',
  snooze: 'snooze this request',
  message: 'message about this request',
}

// Refusals a reviewer can still route onwards: escalating authorizes nothing, so it stays open.
const ESCALATE_INSTEAD = new Set(['over_limit', 'risk_above_max'])

export function explainRefusal(refusal: Refusal, action: DecisionAction): void {
  const hint = ESCALATE_INSTEAD.has(refusal.code) ? ' Escalate it instead (Shift+E).' : ''
  showToast({ tone: 'warning', message: `You cannot ${ACTION_PHRASES[action]}`, detail: `${refusal.message}${hint}`, ms: 7000 })
}

const DIALOG_TITLES: Partial<Record<DecisionAction, string>> = {
  approve_with_edits: 'Approve with edits',
  reject: 'Reject',
  escalate: 'Escalate',
  delegate: 'Delegate',
}

/**
 * Explains a refusal of a command that would have opened a text box by opening that box's dialog
 * with the reason instead of a field: the reason the reviewer goes on typing lands in the dialog,
 * never on the page as commands (a toast left the `s`, `r`, Ctrl+Enter of "see letter" to run).
 */
function refuseInDialog(refusal: Refusal, action: DecisionAction, subject: string): void {
  const hint = ESCALATE_INSTEAD.has(refusal.code) ? ' Escalate it instead (Shift+E).' : ''
  openOverlay({
    kind: 'refused',
    title: DIALOG_TITLES[action] ?? 'Not possible',
    subject,
    message: `You cannot ${ACTION_PHRASES[action]}. ${refusal.message}${hint}`,
  })
}

/** The focused item when the action is allowed on it; otherwise explains why not and returns null. */
function actionable(action: DecisionAction): ApprovalListItem | null {
  const item = focusedItem()
  if (!item) return null
  const refusal = preflightRefusal(item, action)
  if (refusal) {
    if (action in DIALOG_TITLES) refuseInDialog(refusal, action, item.title)
    else explainRefusal(refusal, action)
    return null
  }
  return item
}

function decideIntent(
  item: ApprovalListItem,
  detail: ApprovalDetail | null,
  decision: DecisionKind,
  extra: { reason?: string; edited_payload?: unknown } = {},
): NewIntent {
  if (!detail) throw new Error('The request could not be read.')
  return {
    kind: 'approval.decide',
    args: {
      approval_id: item.id,
      decision,
      version_seen: detail.version,
      payload_hash_seen: detail.payloadHash,
      ...(extra.reason ? { reason: extra.reason } : {}),
      ...(extra.edited_payload !== undefined ? { edited_payload: extra.edited_payload } : {}),
    },
  }
}

export function approveFocused(event?: KeyboardEvent): void {
  const item = actionable('approve')
  if (!item) return
  if (item.riskLevel >= CONFIRM_RISK && !isArmed(item.id)) {
    armApprove(item.id)
    announce(`Risk ${item.riskLevel}, ${riskLabel(item.riskLevel)}. Press A again to approve.`)
    return
  }
  disarm()
  commitDecision({
    items: [item],
    verb: 'Approved',
    needsDetail: true,
    event,
    intent: (it, d) => decideIntent(it, d, 'approve'),
  })
}

export function openReject(): void {
  const item = actionable('reject')
  if (item) openOverlay({ kind: 'reject', approvalIds: [item.id] })
}

export function submitReject(items: readonly ApprovalListItem[], reason: string): void {
  commitDecision({
    items,
    verb: 'Rejected',
    needsDetail: true,
    intent: (it, d) => decideIntent(it, d, 'reject', { reason }),
  })
}

export function openEdit(): void {
  const item = actionable('approve_with_edits')
  if (item) openOverlay({ kind: 'edit', approvalId: item.id })
}

export function submitEdit(item: ApprovalListItem, editedPayload: unknown, reason: string): void {
  commitDecision({
    items: [item],
    verb: 'Approved with edits',
    needsDetail: true,
    intent: (it, d) => decideIntent(it, d, 'approve_with_edits', { edited_payload: editedPayload, reason }),
  })
}

export function openEscalate(): void {
  const item = actionable('escalate')
  if (item) openOverlay({ kind: 'escalate', approvalId: item.id })
}

export function submitEscalate(item: ApprovalListItem, reason: string): void {
  commitDecision({
    items: [item],
    verb: 'Escalated',
    needsDetail: true,
    intent: (it, d) => decideIntent(it, d, 'escalate', { reason }),
  })
}

export function openDelegate(): void {
  const item = actionable('delegate')
  if (item) openOverlay({ kind: 'delegate', approvalId: item.id })
}

/** Hands the request to a colleague who could decide it; the server checks that they could. */
export function submitDelegate(item: ApprovalListItem, to: Reassignee, note: string): void {
  commitDecision({
    items: [item],
    verb: `Reassigned to ${to.name}`,
    needsDetail: true,
    intent: (it, d) => {
      if (!d) throw new Error('The request could not be read.')
      return {
        kind: 'approval.reassign',
        args: { approval_id: it.id, to_user_id: to.userId, version_seen: d.version, ...(note ? { note } : {}) },
      }
    },
  })
}

export function openSnooze(): void {
  const { selection } = useInbox.getState()
  if (selection.size > 0) {
    openOverlay({ kind: 'snooze', approvalIds: [...selection.keys()] })
    return
  }
  const item = focusedItem()
  if (item) openOverlay({ kind: 'snooze', approvalIds: [item.id] })
}

export function submitSnooze(items: readonly ApprovalListItem[], until: Date, label: string): void {
  commitDecision({
    items,
    verb: `Snoozed until ${label}`,
    needsDetail: false,
    intent: (it) => ({ kind: 'snooze.set', args: { approval_id: it.id, until: until.toISOString() } }),
  })
}

export function openMessage(): void {
  const item = focusedItem()
  if (item) openOverlay({ kind: 'message', approvalId: item.id })
}

/** A message to the agent about the item: queued like a decision (z takes it back while held); the item stays. */
export function submitMessage(item: ApprovalListItem, body: string): void {
  const agentId = item.agentId ?? cachedDetail(item.id)?.agent?.id
  queueIntent({
    verb: `Message queued for ${item.agentName ?? 'the agent'}`,
    subject: item.title,
    holdMs: holdSeconds() * 1000,
    items: [
      {
        id: item.id,
        intent: () => ({ kind: 'message.send', args: { body, approval_id: item.id, ...(agentId ? { to_agent_id: agentId } : {}) } }),
      },
    ],
    mark: { set: () => {}, settle: () => markStale(item.id), clear: () => markStale(item.id) },
  })
}

function selectedItems(): ApprovalListItem[] {
  return [...useInbox.getState().selection.values()]
}

export function bulkApprove(event?: KeyboardEvent): void {
  const items = selectedItems()
  if (items.length === 0) {
    showToast({ tone: 'info', message: 'Nothing selected', detail: 'Select items with X, Shift+J or Shift+K first.', ms: 4000 })
    return
  }
  const refusal = bulkApproveRefusal(items)
  if (refusal) {
    // Name the ones in the way, so the reviewer knows which to deselect.
    const inTheWay = items.filter((i) => i.riskLevel > BULK_RISK_CEILING || preflightRefusal(i, 'approve') !== null)
    const names = inTheWay.map((i) => `“${i.title}”`).join(', ')
    showToast({ tone: 'error', message: refusal.message, detail: names ? `In the way: ${names}.` : undefined, ms: 8000 })
    return
  }
  commitDecision({
    items,
    verb: `Approved ${items.length}`,
    needsDetail: true,
    event,
    intent: (it, d) => decideIntent(it, d, 'approve'),
  })
}

export function openBulkReject(): void {
  const items = selectedItems()
  if (items.length === 0) {
    showToast({ tone: 'info', message: 'Nothing selected', detail: 'Select items with X, Shift+J or Shift+K first.', ms: 4000 })
    return
  }
  const blocked = items.flatMap((i) => {
    const why = preflightRefusal(i, 'reject')
    return why ? [`“${i.title}”: ${why.message}`] : []
  })
  if (blocked.length > 0) {
    openOverlay({
      kind: 'refused',
      title: `Reject ${items.length} requests`,
      subject: `${items.length} selected requests`,
      message: `Bulk reject refused: you cannot reject ${blocked.length} of ${items.length} selected. ${blocked.join(' ')} Deselect ${blocked.length === 1 ? 'it' : 'them'} with X and try again.`,
    })
    return
  }
  openOverlay({ kind: 'reject', approvalIds: items.map((i) => i.id) })
}
