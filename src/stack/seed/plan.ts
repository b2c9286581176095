// The shape of a run before any row exists: how many approvals each tenant gets, which are pending
// and which are history, when each was raised and expires, and the hand-placed pending items that
// exercise every decision rule for each demo reviewer (own request, over limit, four-eyes, named
// approvers, delegation, expiring within the hour, already expired).
import {
  DAY,
  HOUR,
  MINUTE,
  type ApprovalKind,
  type ApprovalStatus,
  type Currency,
  type TenantCtx,
} from './model'
import type { Rng } from './prng'
import { TENANT_PROFILES } from './roster'

export interface Scenario {
  label: string
  kind: ApprovalKind
  amount?: number
  currency?: Currency
  risk?: number
  requestedByUser?: string
  requiredApprovals?: 1 | 2
  /** Four-eyes items that already carry one approval, by this reviewer. */
  firstApprover?: string
  approverIds?: string[]
  /** Minutes until expiry; negative = expired while still pending. */
  expiresInMin?: number
}

export interface PlanItem {
  tenant: TenantCtx
  status: ApprovalStatus
  createdAt: number
  expiresAt: number
  kind?: ApprovalKind
  scenario?: Scenario
}

/** The people the scenarios name, by role in the demo. */
export interface ScenarioPeople {
  finance: string
  ops: string
  manager: string
  outsider: string
  rahul: string
  lena: string
  dana: string
  helen: string
}

export function scenarios(p: ScenarioPeople): Record<string, Scenario[]> {
  return {
    'northwind-retail': [
      { label: 'finance@ can decide', kind: 'refund', amount: 189.5, currency: 'USD', risk: 2 },
      { label: 'finance@ can decide', kind: 'tool_call', risk: 1 },
      {
        label: 'requested by finance@',
        kind: 'spend',
        amount: 2400,
        currency: 'USD',
        requestedByUser: p.finance,
        risk: 2,
      },
      {
        label: 'requested by finance@',
        kind: 'spend',
        amount: 780,
        currency: 'USD',
        requestedByUser: p.finance,
        risk: 1,
      },
      { label: 'above finance@ limit', kind: 'journal_posting', amount: 84500, currency: 'USD', risk: 4 },
      {
        label: 'above finance@ limit',
        kind: 'payout',
        amount: 120000,
        currency: 'USD',
        risk: 5,
        requiredApprovals: 2,
      },
      {
        label: 'four-eyes, no approvals yet',
        kind: 'payout',
        amount: 18500,
        currency: 'USD',
        risk: 4,
        requiredApprovals: 2,
      },
      {
        label: 'four-eyes, Rahul approved',
        kind: 'journal_posting',
        amount: 32000,
        currency: 'USD',
        risk: 3,
        requiredApprovals: 2,
        firstApprover: p.rahul,
      },
      {
        label: 'named approver: finance@',
        kind: 'refund',
        amount: 640,
        currency: 'USD',
        risk: 3,
        approverIds: [p.finance],
      },
      {
        label: 'named approver: Rahul (delegated to finance@)',
        kind: 'refund',
        amount: 240,
        currency: 'USD',
        risk: 2,
        approverIds: [p.rahul],
      },
      {
        label: 'named approver: Rahul (risk not delegated)',
        kind: 'payout',
        amount: 9000,
        currency: 'USD',
        risk: 4,
        approverIds: [p.rahul],
      },
      {
        label: 'expires within the hour',
        kind: 'refund',
        amount: 96.4,
        currency: 'USD',
        risk: 2,
        expiresInMin: 25,
      },
      { label: 'expires within the hour', kind: 'tool_call', risk: 1, expiresInMin: 48 },
      { label: 'already expired', kind: 'refund', amount: 310, currency: 'USD', risk: 2, expiresInMin: -90 },
      { label: 'risk 0', kind: 'tool_call', risk: 0 },
      { label: 'risk 5 change set', kind: 'changeset', risk: 5 },
    ],
    'northwind-payments': [
      { label: 'ops@ can decide', kind: 'refund', amount: 240, currency: 'EUR', risk: 2 },
      { label: 'ops@ can decide', kind: 'tool_call', risk: 1 },
      { label: 'ops@ can decide', kind: 'payout', amount: 640, currency: 'EUR', risk: 2, expiresInMin: 35 },
      { label: 'above ops@ limit', kind: 'payout', amount: 12400, currency: 'EUR', risk: 3 },
      { label: 'above ops@ risk ceiling', kind: 'refund', amount: 800, currency: 'EUR', risk: 4 },
      {
        label: 'requested by ops@',
        kind: 'spend',
        amount: 450,
        currency: 'EUR',
        requestedByUser: p.ops,
        risk: 1,
      },
      {
        label: 'four-eyes, no approvals yet',
        kind: 'payout',
        amount: 60000,
        currency: 'EUR',
        risk: 4,
        requiredApprovals: 2,
      },
      {
        label: 'named approver: Lena (delegated to ops@)',
        kind: 'refund',
        amount: 300,
        currency: 'EUR',
        risk: 2,
        approverIds: [p.lena],
      },
      { label: 'already expired', kind: 'payout', amount: 520, currency: 'EUR', risk: 2, expiresInMin: -240 },
      {
        label: 'risk 5 journal',
        kind: 'journal_posting',
        amount: 1_250_000,
        currency: 'EUR',
        risk: 5,
        requiredApprovals: 2,
      },
    ],
    'acme-logistics': [
      { label: 'outsider@ can decide', kind: 'payout', amount: 4200, currency: 'USD', risk: 3 },
      { label: 'outsider@ can decide', kind: 'spend', amount: 1850, currency: 'USD', risk: 2 },
      { label: 'above outsider@ limit', kind: 'payout', amount: 75000, currency: 'USD', risk: 4 },
      {
        label: 'requested by outsider@',
        kind: 'spend',
        amount: 3200,
        currency: 'USD',
        requestedByUser: p.outsider,
        risk: 2,
      },
      {
        label: 'four-eyes, Dana approved',
        kind: 'journal_posting',
        amount: 22000,
        currency: 'USD',
        risk: 3,
        requiredApprovals: 2,
        firstApprover: p.dana,
      },
      { label: 'expires within the hour', kind: 'tool_call', risk: 1, expiresInMin: 15 },
      { label: 'already expired', kind: 'spend', amount: 640, currency: 'USD', risk: 1, expiresInMin: -30 },
    ],
    'northwind-group': [
      { label: 'manager@ can decide', kind: 'journal_posting', amount: 250000, currency: 'USD', risk: 4 },
      { label: 'manager@ can decide', kind: 'tool_call', risk: 1 },
      {
        label: 'requested by manager@',
        kind: 'spend',
        amount: 5600,
        currency: 'USD',
        requestedByUser: p.manager,
        risk: 2,
      },
      {
        label: 'four-eyes, Helen approved',
        kind: 'payout',
        amount: 400000,
        currency: 'USD',
        risk: 5,
        requiredApprovals: 2,
        firstApprover: p.helen,
      },
      {
        label: 'expires within the hour',
        kind: 'journal_posting',
        amount: 12000,
        currency: 'USD',
        risk: 3,
        expiresInMin: 40,
      },
    ],
  }
}

const TTLS: readonly (readonly [number, number])[] = [
  [4 * HOUR, 10],
  [24 * HOUR, 35],
  [48 * HOUR, 30],
  [72 * HOUR, 15],
  [7 * DAY, 10],
]
const HISTORY_STATUS: readonly (readonly [ApprovalStatus, number])[] = [
  ['approved', 72],
  ['rejected', 14],
  ['expired', 5],
  ['escalated', 4],
  ['cancelled', 5],
]
/** How far back the history reaches. */
export const HISTORY_DAYS = 90

/** Pending share: most of a small demo, a few percent of a large one (still thousands). */
export function pendingTarget(total: number): number {
  return Math.min(Math.round(total * 0.4), 90 + Math.round(total * 0.05))
}

function ttlFor(rng: Rng, kind: ApprovalKind | undefined): number {
  return kind === 'changeset' ? 7 * DAY : rng.weighted(TTLS)
}

export function planApprovals(
  rng: Rng,
  tenants: TenantCtx[],
  total: number,
  now: number,
  people: ScenarioPeople,
): PlanItem[] {
  const items: PlanItem[] = []
  const byScenario = scenarios(people)
  const scenarioCount = tenants.reduce((n, t) => n + (byScenario[t.slug]?.length ?? 0), 0)
  const pendingRandom = Math.max(0, pendingTarget(total) - scenarioCount)
  const historyCount = Math.max(0, total - scenarioCount - pendingRandom)
  const shares = tenants.map((t) => [t, TENANT_PROFILES[t.slug]?.share ?? 1] as const)

  for (const t of tenants) {
    for (const s of byScenario[t.slug] ?? []) {
      const ttl = ttlFor(rng, s.kind)
      const remaining = s.expiresInMin !== undefined ? s.expiresInMin * MINUTE : rng.int(3 * HOUR, ttl - HOUR)
      const expiresAt = now + remaining
      items.push({
        tenant: t,
        status: 'pending',
        createdAt: expiresAt - Math.max(ttl, remaining + HOUR),
        expiresAt,
        kind: s.kind,
        scenario: s,
      })
    }
  }
  for (let i = 0; i < pendingRandom; i++) {
    const tenant = rng.weighted(shares)
    const ttl = ttlFor(rng, undefined)
    const r = rng.next()
    const remaining =
      r < 0.04
        ? rng.int(5, 55) * MINUTE
        : r < 0.07
          ? -rng.int(10, 360) * MINUTE
          : rng.int(HOUR, ttl - 5 * MINUTE)
    const createdAt = Math.min(now - MINUTE, now + remaining - ttl)
    items.push({ tenant, status: 'pending', createdAt, expiresAt: createdAt + ttl })
  }
  // The first history items of each tenant cycle through its kinds, so even a tiny run has them all.
  const seen = new Map<string, number>()
  for (let i = 0; i < historyCount; i++) {
    const tenant = rng.weighted(shares)
    const n = seen.get(tenant.id) ?? 0
    seen.set(tenant.id, n + 1)
    const kinds = tenant.kinds.map(([k]) => k)
    const kind = n < kinds.length ? kinds[n] : undefined
    // Volume grows towards today (sqrt skews the draw to recent days).
    const age = HISTORY_DAYS * DAY * (1 - Math.sqrt(rng.next()))
    const createdAt = now - Math.max(45 * MINUTE, age)
    const ttl = ttlFor(rng, kind)
    let status = rng.weighted(HISTORY_STATUS)
    // Only items whose window has closed can have expired.
    if (status === 'expired' && createdAt + ttl > now - MINUTE) status = 'approved'
    items.push({ tenant, status, createdAt, expiresAt: createdAt + ttl, kind })
  }
  items.sort((a, b) => a.createdAt - b.createdAt)
  return items
}
