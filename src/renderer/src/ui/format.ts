// Formatting for money, times and labels, in the reviewer's locale. Money arrives as decimal
// strings (numeric(14,2)); it is shown in its own currency and never summed across currencies.
import type { ApprovalKind } from '../../../shared/contract-domain'

const moneyFormats = new Map<string, Intl.NumberFormat>()

export function formatMoney(amount: string | null, currency: string | null): string {
  if (amount === null) return '—'
  const value = Number(amount)
  if (!Number.isFinite(value)) return amount
  if (!currency) return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  let f = moneyFormats.get(currency)
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency, currencyDisplay: 'code' })
    } catch {
      f = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    }
    moneyFormats.set(currency, f)
  }
  return f.format(value)
}

/** An agent's trust score (0–1) the one way the console shows it: as a percentage, "92%". */
export function formatTrust(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return '—'
  return `${Math.round(Math.max(0, Math.min(1, score)) * 100)}%`
}

const KIND_LABELS: Record<ApprovalKind, string> = {
  tool_call: 'Tool call',
  refund: 'Refund',
  payout: 'Payout',
  journal_posting: 'Journal posting',
  changeset: 'Change set',
  spend: 'Spend',
}

export function kindLabel(kind: ApprovalKind): string {
  return KIND_LABELS[kind]
}

export const RISK_LABELS = ['none', 'low', 'guarded', 'medium', 'high', 'critical'] as const

export function riskLabel(level: number): string {
  return RISK_LABELS[Math.max(0, Math.min(5, level))] ?? 'unknown'
}

/** "3 min", "2 h 5 min", "4 d" — coarse on purpose: reviewers read it at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.floor(m / 60)
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`
  return `${Math.floor(h / 24)} d`
}

export function formatAgo(iso: string | null, now: number): string {
  if (!iso) return 'never'
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return '—'
  const d = now - t
  return d < 5000 ? 'just now' : `${formatDuration(d)} ago`
}

/** Expiry as a countdown: "expires in 12 min", "expired 3 min ago". */
export function formatExpiry(iso: string | null, now: number): { text: string; expired: boolean; soon: boolean } | null {
  if (!iso) return null
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return null
  const d = t - now
  if (d <= 0) return { text: `expired ${formatDuration(-d)} ago`, expired: true, soon: false }
  return { text: `expires in ${formatDuration(d)}`, expired: false, soon: d < 60 * 60 * 1000 }
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—'
  const t = Date.parse(iso)
  return Number.isNaN(t) ? iso : dateTime.format(t)
}

/** Field names from payloads as words: `counterparty_id` → "Counterparty id". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
