// Commits decisions the way reviewers expect: the item leaves the list and the focus moves on in
// the same frame, a toast offers Undo for the hold window, and the intent is queued in the core in
// the background. A refusal to queue brings the item back with the reason.
import { create } from 'zustand'
import type { ApprovalDetail, ApprovalListItem, Intent } from '../../../shared/contract-domain'
import type { MethodArgs } from '../../../shared/contract'
import { call, errorMessage } from '../state/api'
import { removeOptimistically, restoreItems, settleRemoval, type Removed } from '../inbox/inbox-store'
import { detailForDecision } from '../detail/detail-store'
import { holdSeconds } from '../state/settings-store'
import { dismissToast, showToast, updateToast } from '../state/toast-store'
import { announce } from '../ui/announce'
import { markDecisionKey } from './latency'
import { CONFIRM_RISK } from '../../../shared/confirm-risk'

export type NewIntent = MethodArgs<'intents.create'>

interface RecentDecision {
  key: number
  verb: string
  subject: string
  removed: Removed[]
  intents: Intent[]
  state: 'creating' | 'held' | 'undoing' | 'done'
  /** Date.now() deadline after which undo is no longer offered. */
  holdUntil: number
  toastId: string
  undoRequested: boolean
}

interface DecisionState {
  /** A risk ≥ 4 approve waiting for its second key press. */
  armed: { id: string; at: number } | null
}

export const useDecisions = create<DecisionState>(() => ({ armed: null }))

const ARM_MS = 5000
const recent: RecentDecision[] = []
let nextKey = 1

export function armApprove(id: string): void {
  useDecisions.setState({ armed: { id, at: Date.now() } })
}

export function isArmed(id: string): boolean {
  const armed = useDecisions.getState().armed
  return armed !== null && armed.id === id && Date.now() - armed.at < ARM_MS
}

export function disarm(): void {
  if (useDecisions.getState().armed) useDecisions.setState({ armed: null })
}

export interface DecisionSpec {
  items: readonly ApprovalListItem[]
  /** "Approved", "Rejected", "Snoozed until …" — the toast's first words. */
  verb: string
  /** Builds the intent; gets the detail the reviewer saw when the intent needs its version and hash. */
  intent: (item: ApprovalListItem, detail: ApprovalDetail | null) => NewIntent
  needsDetail: boolean
  event?: KeyboardEvent
}

function holdMsFor(items: readonly ApprovalListItem[]): number {
  const base = holdSeconds() * 1000
  return items.some((i) => i.riskLevel >= CONFIRM_RISK) ? base * 2 : base
}

function subject(items: readonly ApprovalListItem[]): string {
  const first = items[0]
  if (items.length === 1 && first) return first.title
  return `${items.length} requests`
}

export function commitDecision(spec: DecisionSpec): void {
  const { items } = spec
  if (items.length === 0) return
  markDecisionKey(spec.event)
  const removed = removeOptimistically(items.map((i) => i.id))
  const rec: RecentDecision = {
    key: nextKey++,
    verb: spec.verb,
    subject: subject(items),
    removed,
    intents: [],
    state: 'creating',
    holdUntil: Date.now() + holdMsFor(items),
    toastId: '',
    undoRequested: false,
  }
  rec.toastId = showToast({
    tone: 'success',
    message: `${spec.verb} · ${subject(items)}`,
    action: { label: 'Undo', binding: 'z', run: () => void undoDecision(rec.key) },
    ms: holdMsFor(items),
  })
  recent.push(rec)
  if (recent.length > 20) recent.shift()
  void queueIntents(spec, rec, removed.length > 0)
}

async function queueIntents(spec: DecisionSpec, rec: RecentDecision, removedAny: boolean): Promise<void> {
  const results = await Promise.allSettled(
    spec.items.map(async (item) => {
      const detail = spec.needsDetail ? await detailForDecision(item.id) : null
      return call('intents.create', spec.intent(item, detail))
    }),
  )
  if (removedAny) settleRemoval()
  const failedIds = new Set<string>()
  let firstError: unknown = null
  results.forEach((r, i) => {
    const item = spec.items[i]
    if (r.status === 'fulfilled') rec.intents.push(r.value)
    else if (item) {
      failedIds.add(item.id)
      firstError ??= r.reason
    }
  })
  if (failedIds.size > 0) {
    restoreItems(rec.removed.filter((r) => failedIds.has(r.id)))
    showToast({
      tone: 'error',
      message: `Not queued: ${errorMessage(firstError)}`,
      detail: failedIds.size > 1 ? `${failedIds.size} items are back in the inbox.` : 'The item is back in the inbox.',
      ms: 8000,
    })
  }
  if (rec.intents.length === 0) {
    rec.state = 'done'
    dismissToast(rec.toastId)
    return
  }
  rec.holdUntil = Math.max(...rec.intents.map((i) => Date.parse(i.holdUntil)).filter(Number.isFinite), Date.now())
  rec.state = 'held'
  const left = rec.holdUntil - Date.now()
  if (left > 0) updateToast(rec.toastId, { ms: left })
  if (rec.undoRequested) await undoDecision(rec.key)
}

/** Undoes a decision still in its hold window: the most recent one, or the one a toast names. */
export async function undoDecision(key?: number): Promise<void> {
  const now = Date.now()
  const rec =
    key !== undefined
      ? recent.find((r) => r.key === key)
      : [...recent].reverse().find((r) => (r.state === 'creating' || r.state === 'held') && r.holdUntil > now)
  if (!rec || rec.state === 'done' || rec.state === 'undoing') {
    if (key === undefined) showToast({ tone: 'info', message: 'Nothing to undo.', ms: 2500 })
    return
  }
  if (rec.state === 'creating') {
    rec.undoRequested = true
    return
  }
  rec.state = 'undoing'
  dismissToast(rec.toastId)
  const outcomes = await Promise.allSettled(
    rec.intents.map((i) => call('intents.undo', { clientMutationId: i.clientMutationId })),
  )
  rec.state = 'done'
  const undoneApprovals = new Set<string>()
  outcomes.forEach((o, i) => {
    const approvalId = rec.intents[i]?.args['approval_id']
    if (o.status === 'fulfilled' && o.value.undone && typeof approvalId === 'string') undoneApprovals.add(approvalId)
  })
  if (undoneApprovals.size === 0) {
    showToast({ tone: 'warning', message: 'Too late to undo: the decision was already sent.', ms: 5000 })
    return
  }
  restoreItems(rec.removed.filter((r) => undoneApprovals.has(r.id)))
  const partial = undoneApprovals.size < rec.intents.length
  showToast({
    tone: 'info',
    message: partial
      ? `Undone ${undoneApprovals.size} of ${rec.intents.length}; the rest were already sent.`
      : `Undone · ${rec.subject} is back in the inbox`,
    ms: 3000,
  })
  announce('Undone; the item is back in the inbox.')
}
