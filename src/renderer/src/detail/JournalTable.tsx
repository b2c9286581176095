// A journal posting's lines as a ledger table with exact debit / credit totals and whether they
// balance (told in words, not only colour).
import { formatMoney } from '../ui/format'
import { currencyOf, fromCents, isMoneyKey, toCents } from './money-fields'
import { RecordTable } from './ValueView'

type Line = Record<string, unknown>

const LEAD = ['account', 'account_code', 'account_name', 'description', 'memo']

/** The journal lines in a posting's payload (a list, or under lines / journal_lines / entries), or null. */
export function journalLines(payload: unknown): Line[] | null {
  const isLine = (v: unknown): v is Line => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (Array.isArray(payload) && payload.every(isLine)) return payload
  if (!isLine(payload)) return null
  for (const key of ['lines', 'journal_lines', 'entries']) {
    const v = payload[key]
    if (Array.isArray(v) && v.every(isLine)) return v
  }
  return null
}

export function JournalTable({ payload, currency }: { payload: unknown; currency: string | null }) {
  const lines = journalLines(payload)
  if (!lines) return null
  const keys = [...new Set(lines.flatMap((l) => Object.keys(l)))]
  // Ledger order: account and words first, then the other attributes, debit and credit last.
  const rest = keys.filter((k) => !LEAD.includes(k) && k !== 'currency')
  const columns = [...LEAD.filter((k) => keys.includes(k)), ...rest.filter((k) => !isMoneyKey(k)), ...rest.filter(isMoneyKey)]
  const cur = currencyOf((payload as Line) ?? {}, currency)
  const sum = (key: string) => lines.reduce((acc, l) => acc + (toCents(l[key]) ?? 0), 0)
  const hasDebitCredit = keys.includes('debit') && keys.includes('credit')
  const debit = sum('debit')
  const credit = sum('credit')
  const total = (c: string, i: number) =>
    c === 'debit' ? formatMoney(fromCents(debit), cur) : c === 'credit' ? formatMoney(fromCents(credit), cur) : i === 0 ? 'Total' : ''
  return (
    <>
      <RecordTable
        rows={lines}
        currency={cur}
        columns={columns}
        caption="Journal lines"
        className="journal"
        footer={hasDebitCredit ? total : undefined}
      />
      {hasDebitCredit && (
        <p className={debit === credit ? 'balance ok' : 'balance off'}>
          {debit === credit
            ? '✓ Balanced: debits equal credits.'
            : `✗ Unbalanced by ${formatMoney(fromCents(Math.abs(debit - credit)), cur)}.`}
        </p>
      )}
    </>
  )
}
