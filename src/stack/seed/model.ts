// The generator's vocabulary of types: tenants as the generator sees them (agents, tools, who may
// decide there), money helpers, and time helpers anchored to one `now` so a run is reproducible.
import type { ToolName } from './tools'

export type ApprovalKind = 'tool_call' | 'refund' | 'payout' | 'journal_posting' | 'changeset' | 'spend'
export const APPROVAL_KINDS: readonly ApprovalKind[] = [
  'tool_call',
  'refund',
  'payout',
  'journal_posting',
  'changeset',
  'spend',
]
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'escalated' | 'expired' | 'cancelled'
export type Currency = 'USD' | 'EUR' | 'GBP'

export interface AgentInfo {
  id: string
  name: string
  role: string
  kind: string
  tier: number
  autonomy: string
  status: string
  createdAt: number
  raises: readonly (readonly [ApprovalKind, number])[]
}

/** Someone who may decide approvals in a tenant (directly or through the holding). */
export interface Reviewer {
  id: string
  name: string
  role: string
  limit: number | null
  maxRisk: number
  canDecide: boolean
}

export interface TenantCtx {
  id: string
  slug: string
  name: string
  base: Currency
  isHolding: boolean
  kinds: readonly (readonly [ApprovalKind, number])[]
  agents: AgentInfo[]
  /** Active agents able to raise each kind. */
  raisers: Map<ApprovalKind, AgentInfo[]>
  tools: Record<ToolName, string>
  /** Direct and holding members with approvals:decide here. */
  deciders: Reviewer[]
  /** Everyone who sees the tenant (including viewers), for escalations and messages. */
  people: Reviewer[]
  /** NetSuite subsidiary id and the GitHub repo the tenant's agents change. */
  subsidiaryId: string
  repo: string
}

// ───────────── money ─────────────

/** Rough rates to USD: enough to keep amounts in different currencies comparable for risk bands. */
export const TO_USD: Record<Currency, number> = { USD: 1, EUR: 1.08, GBP: 1.27 }

/** Rounds to cents through integers so that sums of lines stay exact. */
export function cents(amount: number): number {
  return Math.round(amount * 100)
}
export function fromCents(c: number): number {
  return c / 100
}

const formatters = new Map<string, Intl.NumberFormat>()
export function formatMoney(amount: number, currency: string): string {
  let f = formatters.get(currency)
  if (!f) formatters.set(currency, (f = new Intl.NumberFormat('en-US', { style: 'currency', currency })))
  return f.format(amount)
}

/** Decimal text as numeric(14,2) columns receive it: never a float that rounds on the way. */
export function money(amount: number): string {
  return (Math.round(amount * 100) / 100).toFixed(2)
}

// ───────────── time ─────────────

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

const dayPrefixes = new Map<number, string>()
const pad = (n: number, width: number) => String(n).padStart(width, '0')
/** Date.toISOString for whole milliseconds, without a Date per call (the generator makes millions). */
export function iso(ms: number): string {
  const t = Math.round(ms)
  const day = Math.floor(t / DAY)
  let prefix = dayPrefixes.get(day)
  if (prefix === undefined) dayPrefixes.set(day, (prefix = new Date(day * DAY).toISOString().slice(0, 11)))
  let rest = t - day * DAY
  const h = Math.floor(rest / HOUR)
  rest -= h * HOUR
  const m = Math.floor(rest / MINUTE)
  rest -= m * MINUTE
  const s = Math.floor(rest / 1000)
  return `${prefix}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(rest - s * 1000, 3)}Z`
}
export function isoDate(ms: number): string {
  return iso(ms).slice(0, 10)
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** NetSuite's posting period name, e.g. "Nov 2026". */
export function postingPeriod(ms: number): string {
  const d = new Date(ms)
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}
export function shortDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`
}
