// Commits decisions the way reviewers expect: the item leaves the list and the focus moves on in
// the same frame, and the intent client (state/intent-client) offers Undo and queues the intent in
// the background; a refusal to queue brings the item back with the reason. Also the risk ≥ 4 arming.
import { create } from 'zustand'
import type { ApprovalDetail, ApprovalListItem } from '../../../shared/contract-domain'
import { queueIntent, type NewIntent } from '../state/intent-client'
import { removeOptimistically, restoreItems, settleRemoval, type Removed } from '../inbox/inbox-store'
import { detailForDecision } from '../detail/detail-store'
import { holdSeconds } from '../state/settings-store'
import { markDecisionKey } from './latency'
import { CONFIRM_RISK } from '../../../shared/confirm-risk'

interface DecisionState {
  /** A risk ≥ 4 approve waiting for its second key press. */
  armed: { id: string; at: number } | null
}

export const useDecisions = create<DecisionState>(() => ({ armed: null }))

const ARM_MS = 5000

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

/** A decision through the intent client; its mark is the items leaving the inbox, focus moving on. */
export function commitDecision(spec: DecisionSpec): void {
  const { items } = spec
  if (items.length === 0) return
  markDecisionKey(spec.event)
  let removed: Removed[] = []
  queueIntent({
    verb: spec.verb,
    subject: subject(items),
    back: 'in the inbox',
    holdMs: holdMsFor(items),
    items: items.map((item) => ({
      id: item.id,
      intent: async () => spec.intent(item, spec.needsDetail ? await detailForDecision(item.id) : null),
    })),
    mark: {
      set: () => {
        removed = removeOptimistically(items.map((i) => i.id))
      },
      settle: () => {
        if (removed.length > 0) settleRemoval()
      },
      clear: (ids) => restoreItems(removed.filter((r) => ids.includes(r.id))),
    },
  })
}
