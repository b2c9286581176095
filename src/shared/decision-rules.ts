// The decision rules, stated once. Who may approve, approve with edits, reject, escalate or snooze
// an approval, and the refusal code of each rule, in the order the server checks them.
//
// - The server implements this table: push_approval_decide (supabase/migrations/
//   20261203001100_decision_rule_set.sql) asks push_rule_binds(rule, decision) before each check,
//   and public.decision_rules() holds the same rows (test/push/decision-rules.test.ts proves both
//   the rows and the order of the checks agree with DECISION_RULES).
// - The console's pre-flight is this table evaluated over the replica: evaluateDecision() below,
//   fed by src/core/queries/standing.ts. Client and server refuse the same things with the same code.
//
// Decided here:
// - Limits and the risk ceiling bound what a reviewer may RELEASE (approve, approve_with_edits).
//   Any reviewer who may decide in the tenant (approvals:decide, named approver when the request
//   names some) may STOP an item (reject, escalate) whatever its amount or risk.
// - An escalated approval is still open: it stays decidable until it expires.
// - A delegation recorded on the holding covers its subsidiaries. A delegate decides within the
//   stricter of their own and the delegator's risk ceiling and limit.
// - Money is checked on the payload that will run (the edited one after an edit): the amount and
//   currency its schema's `x-money` annotation points at (tools), or the built-in schema of a money
//   kind, else the amount the request declares; converted into the tenant's base currency with the
//   newest dated fx_rates row. No rate → fx_rate_missing; negative, unreadable or absurd (≥ 10^12)
//   → invalid_amount.
// - An edit needs a schema (the tool's, else the kind's built-in one): none, a non-object, or a
//   payload the schema refuses → invalid_payload. An edit is a new payload with a new hash; four-eyes
//   counts approvals of the hash that will run, so an edit restarts the count, and nobody approves
//   the same payload twice.
// - Reassigning (approval.reassign) is not a decision and has no row here: it hands the request to
//   someone who could APPROVE it, so the server (push_intent_approval_reassign, 20261203006000)
//   checks the target by this table's approve rules run from the target's standing (may_decide,
//   not_requester, risk_ceiling, once_per_version, sane_amount, rate_known, within_limit, money
//   in base currency as above), and the console lists candidates with preflight(…, 'approve').
// - Rules that bind a stop come before every release-only rule, so the first refusal of an approve
//   also tells whether a reject or escalate is refused (see firstRefusalBinds).
import { add, compare, decimalOf, multiply, ONE, parseDecimal, shift, ZERO, formatMoneyText, type Decimal } from './decimal'
import { ERROR_MESSAGES, type ErrorCode } from './errors'
import { CONFIRM_RISK } from './confirm-risk'
import { jsonType, schemaErrors } from './json-schema'

export type DecisionKind = 'approve' | 'approve_with_edits' | 'reject' | 'escalate'
export type ApprovalAct = DecisionKind | 'snooze'

export const RELEASE: readonly DecisionKind[] = ['approve', 'approve_with_edits']
export const STOP: readonly DecisionKind[] = ['reject', 'escalate']
const DECIDE: readonly ApprovalAct[] = [...RELEASE, ...STOP]

export interface DecisionRule {
  /** Position in the server's order of checks (1 first). */
  ord: number
  /** Stable name, used by the server's push_rule_binds(rule, decision). */
  rule: string
  /** The refusal code when the rule does not hold (src/shared/errors.ts). */
  code: ErrorCode
  /** The acts the rule applies to; every other act passes it. */
  binds: readonly ApprovalAct[]
  /** What must hold, in plain words. */
  says: string
}

export const DECISION_RULES: readonly DecisionRule[] = [
  { ord: 1, rule: 'visible', code: 'not_found', binds: [...DECIDE, 'snooze'], says: 'The approval exists in a tenant the reviewer sees.' },
  { ord: 2, rule: 'may_decide', code: 'forbidden', binds: DECIDE, says: 'The reviewer’s role holds approvals:decide in the tenant.' },
  { ord: 3, rule: 'may_read', code: 'forbidden', binds: ['snooze'], says: 'The reviewer’s role holds approvals:read in the tenant.' },
  { ord: 4, rule: 'not_expired', code: 'approval_expired', binds: DECIDE, says: 'The approval has not expired.' },
  { ord: 5, rule: 'not_withdrawn', code: 'invalid_state', binds: DECIDE, says: 'The requester has not withdrawn it.' },
  { ord: 6, rule: 'still_open', code: 'already_decided', binds: DECIDE, says: 'It is pending or escalated (both stay decidable).' },
  { ord: 7, rule: 'as_seen', code: 'stale_version', binds: DECIDE, says: 'The decision names the version and payload hash it was made on.' },
  { ord: 8, rule: 'reason_for_high_risk', code: 'reason_required', binds: ['reject'], says: 'Rejecting risk 4 or 5 says why.' },
  { ord: 9, rule: 'not_requester', code: 'self_approval', binds: DECIDE, says: 'The reviewer did not raise the request.' },
  { ord: 10, rule: 'delegate_not_for_requester', code: 'self_approval', binds: DECIDE, says: 'A delegate does not decide for the requester.' },
  {
    ord: 11,
    rule: 'delegation_covers',
    code: 'forbidden',
    binds: DECIDE,
    says: 'Acting for someone needs their active delegation (on the tenant or its holding) covering the risk, and their approvals:decide.',
  },
  {
    ord: 12,
    rule: 'named_approver',
    code: 'not_an_approver',
    binds: DECIDE,
    says: 'When the request names approvers, the reviewer is one of them or acts for one under a delegation.',
  },
  { ord: 13, rule: 'risk_ceiling', code: 'risk_above_max', binds: RELEASE, says: 'The risk is within the stricter ceiling of reviewer and delegator.' },
  { ord: 14, rule: 'once_per_version', code: 'duplicate_approver', binds: RELEASE, says: 'Nobody approves the same payload twice, in person or as delegate.' },
  { ord: 15, rule: 'edit_schema', code: 'invalid_payload', binds: ['approve_with_edits'], says: 'An edit is an object its schema (tool or kind) accepts.' },
  { ord: 16, rule: 'sane_amount', code: 'invalid_amount', binds: RELEASE, says: 'The amount to release is readable, not negative and below 10^12.' },
  { ord: 17, rule: 'rate_known', code: 'fx_rate_missing', binds: RELEASE, says: 'A dated rate converts the currency into the tenant’s base currency.' },
  { ord: 18, rule: 'within_limit', code: 'over_limit', binds: RELEASE, says: 'The amount in base currency is within the stricter limit of reviewer and delegator.' },
]

/** The rules each act is bound by: every list row's pre-flight asks this a dozen times. */
const RULES_BINDING = new Map<ApprovalAct, ReadonlySet<string>>(
  [...DECIDE, 'snooze' as const].map((act) => [act, new Set(DECISION_RULES.filter((r) => r.binds.includes(act)).map((r) => r.rule))]),
)

export function ruleBinds(rule: string, act: ApprovalAct): boolean {
  return RULES_BINDING.get(act)?.has(rule) ?? false
}

/**
 * Given the refusal of an approve (the first rule it breaks), whether `act` is refused too. Holds
 * because every rule binding a stop comes before the release-only ones (checked by a unit test).
 */
export function firstRefusalBinds(code: string, act: ApprovalAct): boolean {
  return DECISION_RULES.some((r) => r.code === code && r.binds.includes(act))
}

// ───────────────────────── money ─────────────────────────

export interface MoneySpec {
  amount: string
  currency?: string
  unit: 'minor' | 'major'
}

const money = (amount: string): MoneySpec => ({ amount, currency: '/currency', unit: 'major' })
const flatMoneySchema = {
  type: 'object',
  required: ['amount', 'currency'],
  properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Za-z]{3}$' } },
  'x-money': money('/amount'),
}

/** The built-in schema of each kind that moves money (public.money_kind_schema), major units. */
export const MONEY_KIND_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {
  refund: flatMoneySchema,
  payout: flatMoneySchema,
  spend: flatMoneySchema,
  journal_posting: {
    type: 'object',
    required: ['currency', 'lines'],
    properties: {
      currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
      lines: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', properties: { debit: { type: 'number', minimum: 0 }, credit: { type: 'number', minimum: 0 } } },
      },
    },
    'x-money': money('/lines/*/debit'),
  },
}

/** Currencies whose minor unit is not 1/100 (public.currency_minor_digits). */
export const MINOR_UNIT_DIGITS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'].map(
      (c) => [c, 0],
    ),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((c) => [c, 3])),
}

export function minorDigits(currency: string): number {
  return MINOR_UNIT_DIGITS[currency] ?? 2
}

/** The largest amount any payment may name (numeric(14, 2) holds less). */
const ABSURD = parseDecimal('1000000000000') as Decimal

export type PayloadMoney = { amount: Decimal; currency: string } | { problem: string }

/** A JSON number, or a string holding a plain decimal (public.money_number). */
function moneyNumber(v: unknown): Decimal | null {
  if (typeof v === 'number') return decimalOf(v)
  if (typeof v === 'string' && /^-?[0-9]{1,40}(\.[0-9]{1,40})?$/.test(v)) return parseDecimal(v)
  return null
}

function pointerSteps(pointer: string): string[] {
  return pointer.replace(/^\/+/, '').split('/')
}

function walk(value: unknown, steps: string[]): unknown {
  let v = value
  for (const step of steps) {
    if (Array.isArray(v) && /^\d+$/.test(step)) v = v[Number(step)]
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, step)) v = (v as Record<string, unknown>)[step]
    else return undefined
  }
  return v
}

/** The money a payload moves, read where `spec` points (public.payload_money). */
export function payloadMoney(spec: MoneySpec, payload: unknown, baseCurrency: string): PayloadMoney {
  if (jsonType(payload) !== 'object') return { problem: 'the payload is not an object' }
  const steps = pointerSteps(spec.amount)
  const star = steps.indexOf('*')
  let amount: Decimal | null
  if (star < 0) {
    amount = moneyNumber(walk(payload, steps))
  } else {
    const items = walk(payload, steps.slice(0, star))
    if (!Array.isArray(items)) return { problem: `no list of amounts at ${spec.amount}` }
    amount = ZERO
    const within = steps.slice(star + 1)
    for (const item of items) {
      const v = walk(item, within)
      if (v === undefined || v === null) continue
      const n = moneyNumber(v)
      if (n === null || n.units < 0n) {
        amount = null
        break
      }
      amount = add(amount, n)
    }
  }
  if (amount === null) return { problem: `no non-negative number at ${spec.amount}` }
  let currency: string | null = baseCurrency
  if (spec.currency !== undefined) {
    const raw = walk(payload, pointerSteps(spec.currency))
    currency = typeof raw === 'string' && /^[A-Za-z]{3}$/.test(raw) ? raw.toUpperCase() : null
  }
  if (currency === null) return { problem: `no currency code at ${spec.currency ?? 'the tenant'}` }
  if (spec.unit === 'minor') amount = shift(amount, minorDigits(currency))
  if (amount.units < 0n) return { problem: 'the amount is negative' }
  if (compare(amount, ABSURD) >= 0) return { problem: 'the amount is beyond any real payment (1,000,000,000,000 or more)' }
  return { amount, currency }
}

function moneySpecOf(schema: unknown): MoneySpec | null {
  if (jsonType(schema) !== 'object') return null
  const spec = (schema as Record<string, unknown>)['x-money']
  if (jsonType(spec) !== 'object') return null
  const s = spec as Record<string, unknown>
  if (typeof s.amount !== 'string') return null
  return {
    amount: s.amount,
    ...(typeof s.currency === 'string' ? { currency: s.currency } : {}),
    unit: s.unit === 'minor' ? 'minor' : 'major',
  }
}

// ───────────────────────── evaluating the rules ─────────────────────────

/** A reviewer's standing in a tenant (their membership there, or through its holding). */
export interface MemberStanding {
  role: string
  /** Base-currency limit as numeric text; null = no limit. */
  approvalLimit: string | null
  maxRisk: number
  permissions: ReadonlySet<string>
}

export interface DelegationFact {
  id: string
  delegatorId: string
  /** Where the delegation was recorded: the approval's tenant or its holding. */
  tenantId: string
  riskLevels: readonly number[]
  startsAt: Date
  endsAt: Date
}

/** What the rules read about one approval. */
export interface ApprovalFacts {
  tenantId: string
  /** The tenant's holding, when it is a subsidiary. */
  parentTenantId: string | null
  baseCurrency: string
  kind: string
  status: string
  expiresAt: Date | null
  version: number
  payloadHash: string
  payload: unknown
  riskLevel: number
  amount: string | null
  currency: string | null
  requestedByUserId: string | null
  approverIds: readonly string[]
  /** The tool's JSON schema when the approval's action names a tool that has one. */
  toolSchema: unknown
  /** actor_id and on_behalf_of of every approve of the current payload hash. */
  approvedThisPayloadBy: readonly string[]
}

/** What the rules read about the reviewer and the world around the approval. */
export interface ReviewerFacts {
  userId: string
  now: Date
  /** The reviewer's standing in the approval's tenant; null when they do not see it. */
  member: MemberStanding | null
  /** Delegations to the reviewer (active ones; the window is checked here). */
  delegations: readonly DelegationFact[]
  /** Someone's standing in the approval's tenant (for delegators); null if none. */
  standingOf(userId: string): MemberStanding | null
  /** Units of `to` per unit of `from` on `day` (newest dated rate); null when none. */
  rate(from: string, to: string, now: Date): Decimal | null
}

/** What the reviewer sends with the decision. */
export interface DecisionInput {
  /** The version and payload hash the decision was made on (as_seen); unchecked when absent. */
  versionSeen?: number
  payloadHashSeen?: string
  reason?: string | null
  editedPayload?: unknown
  onBehalfOf?: string | null
}

export interface Refusal {
  code: ErrorCode
  message: string
}

export interface CheckedMoney {
  amount: Decimal
  currency: string
  rate: Decimal
  baseAmount: Decimal
}

export type Verdict = { refusal: Refusal } | { refusal: null; money: CheckedMoney | null }

/** The schema an edit is checked against (public.push_payload_schema). */
export function payloadSchema(a: Pick<ApprovalFacts, 'toolSchema' | 'kind'>): unknown {
  const tool = a.toolSchema
  if (tool !== null && tool !== undefined && !(jsonType(tool) === 'object' && isEmptyObject(tool as object))) return tool
  return MONEY_KIND_SCHEMAS[a.kind] ?? null
}

function isEmptyObject(o: object): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return false
  return true
}

function minLimit(a: string | null, b: string | null): string | null {
  if (a === null) return b
  if (b === null) return a
  return compare(parseDecimal(a) as Decimal, parseDecimal(b) as Decimal) <= 0 ? a : b
}

/**
 * The rules of DECISION_RULES, in order, for one decision: the first refusal, or the money the
 * server will check (and record) when nothing refuses. The same verdict as push_approval_decide.
 */
export function evaluateDecision(r: ReviewerFacts, a: ApprovalFacts | null, act: DecisionKind, input: DecisionInput = {}): Verdict {
  const refuse = (code: ErrorCode, message?: string): Verdict => ({ refusal: { code, message: message ?? ERROR_MESSAGES[code] } })
  const binds = (rule: string) => ruleBinds(rule, act)
  const m = r.member
  if (binds('visible') && (a === null || m === null)) return refuse('not_found')
  if (a === null || m === null) return refuse('not_found')
  if (binds('may_decide') && !m.permissions.has('approvals:decide')) {
    return refuse('forbidden', `Your role (${m.role}) may not decide approvals here.`)
  }
  const open = a.status === 'pending' || a.status === 'escalated'
  if (binds('not_expired') && (a.status === 'expired' || (open && a.expiresAt !== null && a.expiresAt.getTime() <= r.now.getTime()))) {
    return refuse('approval_expired')
  }
  if (binds('not_withdrawn') && a.status === 'cancelled') return refuse('invalid_state', 'This request was withdrawn.')
  if (binds('still_open') && !open) return refuse('already_decided', `This request was already ${a.status}.`)
  if (
    binds('as_seen') &&
    ((input.versionSeen !== undefined && input.versionSeen !== a.version) ||
      (input.payloadHashSeen !== undefined && input.payloadHashSeen !== a.payloadHash))
  ) {
    return refuse('stale_version')
  }
  const reason = input.reason?.trim() || null
  if (binds('reason_for_high_risk') && a.riskLevel >= CONFIRM_RISK && reason === null) return refuse('reason_required')
  if (binds('not_requester') && a.requestedByUserId === r.userId) return refuse('self_approval')

  let onBehalf = input.onBehalfOf && input.onBehalfOf !== r.userId ? input.onBehalfOf : null
  const covering = (delegatorId: string) =>
    r.delegations.some(
      (d) =>
        d.delegatorId === delegatorId &&
        (d.tenantId === a.tenantId || d.tenantId === a.parentTenantId) &&
        d.riskLevels.includes(a.riskLevel) &&
        d.startsAt.getTime() <= r.now.getTime() &&
        r.now.getTime() < d.endsAt.getTime(),
    )
  const mayDecide = (userId: string) => r.standingOf(userId)?.permissions.has('approvals:decide') ?? false
  if (binds('delegate_not_for_requester') && onBehalf !== null && a.requestedByUserId === onBehalf) {
    return refuse('self_approval', 'A delegate cannot decide a request raised by the person they act for.')
  }
  if (binds('delegation_covers') && onBehalf !== null && !(covering(onBehalf) && mayDecide(onBehalf))) {
    return refuse('forbidden', `No active delegation lets you decide risk-${a.riskLevel} requests for that reviewer now.`)
  }
  if (a.approverIds.length > 0 && !a.approverIds.includes(onBehalf ?? r.userId)) {
    if (onBehalf === null) {
      const found = r.delegations
        .filter(
          (d) =>
            a.approverIds.includes(d.delegatorId) &&
            d.delegatorId !== a.requestedByUserId &&
            covering(d.delegatorId) &&
            mayDecide(d.delegatorId),
        )
        .sort((x, y) => y.endsAt.getTime() - x.endsAt.getTime() || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))[0]
      onBehalf = found?.delegatorId ?? null
    }
    if (binds('named_approver') && (onBehalf === null || !a.approverIds.includes(onBehalf))) return refuse('not_an_approver')
  }
  const principal = onBehalf ?? r.userId

  let maxRisk = m.maxRisk
  let limit = m.approvalLimit
  if (onBehalf !== null) {
    const d = r.standingOf(onBehalf)
    if (d) {
      maxRisk = Math.min(maxRisk, d.maxRisk)
      limit = minLimit(limit, d.approvalLimit)
    }
  }
  if (binds('risk_ceiling') && maxRisk < a.riskLevel) {
    return refuse('risk_above_max', `This request is risk ${a.riskLevel}; you may decide up to risk ${maxRisk}.`)
  }
  if (binds('once_per_version') && (a.approvedThisPayloadBy.includes(r.userId) || a.approvedThisPayloadBy.includes(principal))) {
    return refuse('duplicate_approver')
  }

  const schema = payloadSchema(a)
  const edited = input.editedPayload
  if (binds('edit_schema')) {
    if (schema === null) {
      return refuse('invalid_payload', `A ${a.kind} request has no schema to check an edit against; approve or reject it as it is.`)
    }
    if (jsonType(edited) !== 'object') return refuse('invalid_payload', 'The edited payload must be an object.')
    const errors = schemaErrors(schema, edited)
    if (errors.length > 0) {
      return refuse('invalid_payload', `The edited payload does not match the tool’s schema: ${errors.slice(0, 5).join('; ')}`)
    }
  }

  const toRun = act === 'approve_with_edits' && edited !== undefined ? edited : a.payload
  let amount: Decimal | null = null
  let currency: string | null = null
  const spec = moneySpecOf(schema)
  if (spec) {
    const found = payloadMoney(spec, toRun, a.baseCurrency)
    if ('problem' in found) {
      if (binds('sane_amount')) return refuse('invalid_amount', `The amount to release cannot be trusted: ${found.problem}.`)
    } else {
      amount = found.amount
      currency = found.currency
    }
  } else if (a.amount !== null) {
    amount = parseDecimal(a.amount)
    currency = a.currency
    if (binds('sane_amount') && amount !== null && amount.units < 0n) {
      return refuse('invalid_amount', 'The amount to release cannot be trusted: the amount is negative.')
    }
  }
  let money: CheckedMoney | null = null
  if (amount !== null && currency !== null) {
    const rate = currency === a.baseCurrency ? ONE : r.rate(currency, a.baseCurrency, r.now)
    if (rate === null) {
      if (binds('rate_known')) {
        return refuse(
          'fx_rate_missing',
          `No exchange rate from ${currency} to ${a.baseCurrency} is on record, so the amount cannot be checked against your limit.`,
        )
      }
    } else {
      money = { amount, currency, rate, baseAmount: multiply(amount, rate) }
    }
  }
  if (binds('within_limit') && limit !== null && money && compare(money.baseAmount, parseDecimal(limit) as Decimal) > 0) {
    return refuse(
      'over_limit',
      `${formatMoneyText(money.amount, money.currency)} (${formatMoneyText(money.baseAmount, a.baseCurrency)}) is above your approval limit of ${formatMoneyText(parseDecimal(limit) as Decimal, a.baseCurrency)}.`,
    )
  }
  return { refusal: null, money: RELEASE.includes(act) ? money : null }
}
