// The decisions behind an approval's fate: who decided, when, in which order (four-eyes takes two
// principals, one reject decides), chosen only among reviewers the rules allow at that moment; and
// the approval's state after each decision, versioned as sync_push versions it.
import { authorities, principals, type Authority, type DecisionSubject, type Delegation } from './eligibility'
import { DAY, HOUR, MINUTE, iso, type ApprovalStatus, type TenantCtx } from './model'
import type { Rng } from './prng'
import { APPROVE_REASONS, ESCALATE_REASONS, REJECT_REASONS } from './vocab'

export type DecisionKind = 'approve' | 'approve_with_edits' | 'reject' | 'escalate'

export interface Decision {
  auth: Authority
  decision: DecisionKind
  at: number
  reason: string | null
}

export interface Fate {
  status: ApprovalStatus
  required: 1 | 2
  decisions: Decision[]
  decidedAt: number | null
}

export interface FateInput {
  tenant: TenantCtx
  subject: DecisionSubject
  status: ApprovalStatus
  required: 1 | 2
  createdAt: number
  expiresAt: number
  /** A pending four-eyes item that already carries this reviewer's approval. */
  firstApprover?: string
}

/** Prefers the demo reviewers (so their History view has depth), then colleagues. */
function choose(rng: Rng, options: Authority[], demoIds: ReadonlySet<string>): Authority {
  return rng.weighted(options.map((o) => [o, demoIds.has(o.reviewer.id) ? 3 : 1] as const))
}

export function decideFate(
  rng: Rng,
  f: FateInput,
  now: number,
  delegations: readonly Delegation[],
  demoIds: ReadonlySet<string>,
): Fate {
  const deciding = f.status === 'approved' || f.status === 'rejected' || f.status === 'escalated'
  if (!deciding && !(f.firstApprover && f.status === 'pending'))
    return { status: f.status, required: f.required, decisions: [], decidedAt: null }
  const able = (at: number, excluded: string[] = []) =>
    authorities(f.tenant.deciders, f.subject, at, delegations, excluded)
  const latest = Math.min(f.expiresAt, now) - MINUTE
  const firstAt = Math.min(latest, f.createdAt + rng.logNormal(35 * MINUTE, 1.2, MINUTE, 3 * DAY))
  const first = able(firstAt)

  if (f.status === 'pending') {
    const a = first.find((x) => x.reviewer.id === f.firstApprover)
    const decisions: Decision[] = a
      ? [{ auth: a, decision: 'approve', at: firstAt, reason: rng.pick(APPROVE_REASONS) }]
      : []
    return { status: 'pending', required: f.required, decisions, decidedAt: null }
  }
  // Nobody could have decided it: it ran out, or the agent withdrew it.
  if (first.length === 0)
    return {
      status: f.expiresAt < now ? 'expired' : 'cancelled',
      required: f.required,
      decisions: [],
      decidedAt: null,
    }

  let required = f.required
  const decisions: Decision[] = []
  if (f.status === 'approved' && required === 2) {
    const secondAt = Math.min(latest, firstAt + rng.logNormal(2 * HOUR, 1, 2 * MINUTE, DAY))
    const one = choose(rng, first, demoIds)
    const second = able(secondAt, principals(one))
    decisions.push({
      auth: one,
      decision: 'approve',
      at: firstAt,
      reason: rng.chance(0.5) ? rng.pick(APPROVE_REASONS) : null,
    })
    if (second.length > 0)
      decisions.push({
        auth: choose(rng, second, demoIds),
        decision: 'approve',
        at: Math.max(secondAt, firstAt + MINUTE),
        reason: null,
      })
    else required = 1 // no second approver existed: the item never needed one
  } else if (f.status === 'rejected' && required === 2 && rng.chance(0.3)) {
    // One approval, then the second reviewer rejects: one reject decides.
    const one = choose(rng, first, demoIds)
    const second = able(firstAt + HOUR, principals(one))
    decisions.push({
      auth: one,
      decision: second.length > 0 ? 'approve' : 'reject',
      at: firstAt,
      reason: second.length > 0 ? null : rng.pick(REJECT_REASONS),
    })
    if (second.length > 0)
      decisions.push({
        auth: choose(rng, second, demoIds),
        decision: 'reject',
        at: Math.min(latest, firstAt + HOUR),
        reason: rng.pick(REJECT_REASONS),
      })
  } else {
    const decision = f.status === 'approved' ? 'approve' : f.status === 'rejected' ? 'reject' : 'escalate'
    const reason =
      decision === 'reject'
        ? rng.pick(REJECT_REASONS)
        : decision === 'escalate'
          ? rng.pick(ESCALATE_REASONS)
          : rng.chance(0.4)
            ? rng.pick(APPROVE_REASONS)
            : null
    decisions.push({ auth: choose(rng, first, demoIds), decision, at: firstAt, reason })
  }
  return { status: f.status, required, decisions, decidedAt: decisions[decisions.length - 1]!.at }
}

/** The fields a decision changes, as sync_push's audit entries record them. */
export interface ApprovalState {
  status: ApprovalStatus
  version: number
  payload_hash: string
  decided_by: string | null
  decided_at: string | null
  decision_reason: string | null
  escalation_count: number
}

export function initialState(payloadHash: string): ApprovalState {
  return {
    status: 'pending',
    version: 1,
    payload_hash: payloadHash,
    decided_by: null,
    decided_at: null,
    decision_reason: null,
    escalation_count: 0,
  }
}

/** The approval's state after each decision (one version per decision, rule 7). */
export function statesAfter(fate: Fate, originalHash: string, finalHash: string): ApprovalState[] {
  let state = initialState(originalHash)
  return fate.decisions.map((d, i) => {
    const outcome: ApprovalStatus =
      i === fate.decisions.length - 1 && fate.status !== 'pending' ? fate.status : 'pending'
    const closes = outcome === 'approved' || outcome === 'rejected'
    state = {
      status: outcome,
      version: state.version + 1,
      payload_hash: d.decision === 'approve_with_edits' ? finalHash : state.payload_hash,
      decided_by: closes ? d.auth.reviewer.id : state.decided_by,
      decided_at: closes ? iso(d.at) : state.decided_at,
      decision_reason: closes || outcome === 'escalated' ? d.reason : state.decision_reason,
      escalation_count: state.escalation_count + (d.decision === 'escalate' ? 1 : 0),
    }
    return state
  })
}
