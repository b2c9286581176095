// Who could have decided an approval, by data-model.md's decision rules 3 and 4, so that the
// generated history only contains decisions the server would have accepted.
import type { Reviewer } from './model'

export interface Delegation {
  tenantId: string
  delegatorId: string
  delegateId: string
  riskLevels: number[]
  startsAt: number
  endsAt: number
}

export interface DecisionSubject {
  tenantId: string
  risk: number
  amount: number | null
  requesterUserId: string | null
  approverIds: string[]
}

export interface Authority {
  reviewer: Reviewer
  /** The delegator whose place the reviewer takes, when deciding under a delegation. */
  onBehalfOf: string | null
}

/** Who counts as having approved: the person, and whoever they acted for (rule 3, four-eyes). */
export function principals(a: Authority): string[] {
  return a.onBehalfOf ? [a.reviewer.id, a.onBehalfOf] : [a.reviewer.id]
}

/** The reviewer's authority over the approval at time `at`, or null when a rule refuses it. */
export function authorityOf(
  r: Reviewer,
  a: DecisionSubject,
  at: number,
  delegations: readonly Delegation[],
  alreadyDecided: readonly string[] = [],
): Authority | null {
  if (!r.canDecide || r.id === a.requesterUserId || alreadyDecided.includes(r.id)) return null
  if (r.maxRisk < a.risk) return null
  if (r.limit !== null && a.amount !== null && r.limit < a.amount) return null
  if (a.approverIds.length === 0 || a.approverIds.includes(r.id)) return { reviewer: r, onBehalfOf: null }
  const d = delegations.find(
    (x) =>
      x.tenantId === a.tenantId &&
      x.delegateId === r.id &&
      a.approverIds.includes(x.delegatorId) &&
      x.delegatorId !== a.requesterUserId &&
      x.riskLevels.includes(a.risk) &&
      x.startsAt <= at &&
      at < x.endsAt &&
      !alreadyDecided.includes(x.delegatorId),
  )
  return d ? { reviewer: r, onBehalfOf: d.delegatorId } : null
}

export function authorities(
  people: readonly Reviewer[],
  a: DecisionSubject,
  at: number,
  delegations: readonly Delegation[],
  alreadyDecided: readonly string[] = [],
): Authority[] {
  const out: Authority[] = []
  for (const r of people) {
    const auth = authorityOf(r, a, at, delegations, alreadyDecided)
    if (auth) out.push(auth)
  }
  return out
}
