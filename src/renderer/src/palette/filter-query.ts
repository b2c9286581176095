// The palette's small filter grammar: what a reviewer types ("refunds > 10k", "payouts risk 4+",
// "agent billing-bot", "eur < 500") read as inbox filters. Pure: no stores, no I/O, so it is unit
// tested on its own. Words that name no filter are kept as text to search for, never dropped.
import type { ApprovalKind } from '../../../shared/contract-domain'

export interface FilterQuery {
  kinds?: ApprovalKind[]
  /** At least this risk level (1–5). */
  minRisk?: number
  /** Amount bounds, inclusive, in the request's own currency. */
  amountMin?: number
  amountMax?: number
  /** ISO 4217 code, upper case. */
  currency?: string
  /** An agent's name as typed; the caller finds the agent. */
  agent?: string
  /** The words that named no filter, to search titles and counterparties for. */
  text?: string
}

const KIND_WORDS: Record<string, ApprovalKind> = {
  refund: 'refund',
  refunds: 'refund',
  payout: 'payout',
  payouts: 'payout',
  spend: 'spend',
  spends: 'spend',
  journal: 'journal_posting',
  journals: 'journal_posting',
  changeset: 'changeset',
  changesets: 'changeset',
  tool: 'tool_call',
  tools: 'tool_call',
  toolcall: 'tool_call',
  toolcalls: 'tool_call',
}
/** Second words that belong to a two-word kind ("tool calls", "journal postings", "change sets"). */
const KIND_SECOND: Record<string, { first: string; kind: ApprovalKind }> = {
  call: { first: 'tool', kind: 'tool_call' },
  calls: { first: 'tool', kind: 'tool_call' },
  posting: { first: 'journal', kind: 'journal_posting' },
  postings: { first: 'journal', kind: 'journal_posting' },
}

const RISK_WORDS: Record<string, number> = { low: 1, guarded: 2, medium: 3, high: 4, critical: 5 }

// Only real currency codes: any other three-letter word ("fee", "tax") stays text.
const CURRENCIES = new Set(
  'usd eur gbp chf jpy cad aud nzd sek nok dkk pln czk huf ron inr cny hkd sgd mxn brl zar try ils aed'.split(' '),
)

type Bound = 'min' | 'minStrict' | 'max' | 'maxStrict'
const COMPARATORS: Record<string, Bound> = {
  '>': 'minStrict',
  '>=': 'min',
  '≥': 'min',
  over: 'minStrict',
  above: 'minStrict',
  '<': 'maxStrict',
  '<=': 'max',
  '≤': 'max',
  under: 'maxStrict',
  below: 'maxStrict',
}

/** "10k", "1,250.50", "2.5m" → a number; null when the word is not an amount. */
export function parseAmount(word: string): number | null {
  const m = /^(\d[\d,]*(?:\.\d+)?|\.\d+)(k|m)?$/.exec(word)
  if (!m) return null
  const n = Number(m[1]!.replace(/,/g, ''))
  if (!Number.isFinite(n)) return null
  const scaled = m[2] === 'k' ? n * 1_000 : m[2] === 'm' ? n * 1_000_000 : n
  return Math.round(scaled * 100) / 100
}

function tokenize(input: string): string[] {
  return input.toLowerCase().match(/>=|<=|[<>≥≤]|[^\s<>=≥≤]+/g) ?? []
}

export function parseFilterQuery(input: string): FilterQuery {
  const words = tokenize(input)
  const out: FilterQuery = {}
  const text: string[] = []
  const kinds = new Set<ApprovalKind>()
  // Amounts are kept in cents so "> 10k" (more than 10,000.00) becomes "at least 10,000.01".
  const setBound = (bound: Bound, amount: number) => {
    const cents = Math.round(amount * 100)
    if (bound === 'min' || bound === 'minStrict') out.amountMin = (cents + (bound === 'minStrict' ? 1 : 0)) / 100
    else out.amountMax = Math.max(0, cents - (bound === 'maxStrict' ? 1 : 0)) / 100
  }

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    const next = words[i + 1]
    if (w in KIND_WORDS) {
      kinds.add(KIND_WORDS[w]!)
      if (next && KIND_SECOND[next]?.first === w) i++
      continue
    }
    // "change set(s)"
    if (w === 'change' && (next === 'set' || next === 'sets')) {
      kinds.add('changeset')
      i++
      continue
    }
    if (CURRENCIES.has(w)) {
      out.currency = w.toUpperCase()
      continue
    }
    if (w === 'risk' && next !== undefined) {
      // "risk 4+", "risk 4", "risk >= 4", "risk > 3", "risk high"
      let j = i + 1
      const cmp = words[j] === '>' || words[j] === '>=' || words[j] === '≥' ? words[j++] : null
      const level = words[j]?.replace(/\+$/, '')
      const n = level === undefined ? NaN : level in RISK_WORDS ? RISK_WORDS[level]! : Number(level)
      if (Number.isInteger(n) && n >= 0 && n <= 5) {
        out.minRisk = Math.min(5, cmp === '>' ? n + 1 : n)
        i = j
        continue
      }
    }
    if (w in RISK_WORDS && next === 'risk') {
      out.minRisk = RISK_WORDS[w]
      i++
      continue
    }
    if (w === 'agent' && next !== undefined) {
      out.agent = next
      i++
      continue
    }
    if (w === 'between' && next !== undefined && words[i + 2] === 'and' && words[i + 3] !== undefined) {
      const lo = parseAmount(next)
      const hi = parseAmount(words[i + 3]!)
      if (lo !== null && hi !== null) {
        setBound('min', Math.min(lo, hi))
        setBound('max', Math.max(lo, hi))
        i += 3
        continue
      }
    }
    const bound = COMPARATORS[w] ?? (w === 'more' && next === 'than' ? 'minStrict' : w === 'less' && next === 'than' ? 'maxStrict' : undefined)
    if (bound) {
      const at = w === 'more' || w === 'less' ? i + 2 : i + 1
      const amount = words[at] === undefined ? null : parseAmount(words[at]!)
      if (amount !== null) {
        setBound(bound, amount)
        i = at
        continue
      }
    }
    text.push(w)
  }
  if (kinds.size > 0) out.kinds = [...kinds]
  if (text.length > 0) out.text = text.join(' ')
  return out
}

/** True when the words named at least one filter beyond plain text. */
export function namesAFilter(q: FilterQuery): boolean {
  return Object.keys(q).some((k) => k !== 'text')
}
