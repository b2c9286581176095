// Any JSON value as something a reviewer can read: objects as labelled fields, lists of records
// as tables, money in its currency — never a raw JSON dump.
import type { ReactNode } from 'react'
import { formatDateTime, formatMoney, humanize } from '../ui/format'
import { currencyOf, isMoneyKey, minorDigits, usesMinorUnits } from './money-fields'

type Json = unknown

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// Enum-like fields whose snake_case values read better as words ("pending_review" → "Pending review").
const WORDY_KEYS = /(status|state|reason|type|kind|method)$/i

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function Scalar({ name, value, currency, minor }: { name?: string; value: Json; currency: string | null; minor?: boolean }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>
  if (typeof value === 'boolean') return <span>{value ? 'Yes' : 'No'}</span>
  if (name && isMoneyKey(name) && (typeof value === 'number' || typeof value === 'string') && !Number.isNaN(Number(value))) {
    if (minor && currency && Number.isInteger(Number(value))) {
      const major = Number(value) / 10 ** minorDigits(currency)
      return (
        <span className="num">
          {formatMoney(String(major), currency)} <span className="muted">({String(value)} in minor units)</span>
        </span>
      )
    }
    return <span className="num">{formatMoney(String(value), currency)}</span>
  }
  if (typeof value === 'number') return <span className="num">{value.toLocaleString()}</span>
  const text = String(value)
  // Payment processors store currency codes in lower case ("usd"); people read them as ISO codes.
  if (name && /(^|_)currency$/i.test(name) && /^[a-z]{3}$/i.test(text)) return <span>{text.toUpperCase()}</span>
  if (ISO_TIME.test(text)) return <time dateTime={text}>{formatDateTime(text)}</time>
  if (name && WORDY_KEYS.test(name) && /^[a-z]+(_[a-z]+)+$/.test(text)) return <span>{humanize(text)}</span>
  if (UUID.test(text)) return <code className="id" title={text}>{text.slice(0, 8)}…</code>
  return <span className="text-value">{text}</span>
}

/** A list of records as a table: one column per key (or the given order), money right-aligned in its currency. */
export function RecordTable({
  rows,
  currency,
  columns = [...new Set(rows.flatMap((r) => Object.keys(r)))],
  caption,
  className,
  footer,
}: {
  rows: Record<string, Json>[]
  currency: string | null
  columns?: string[]
  caption?: string
  className?: string
  /** Rendered in a <tfoot> row under the body, one cell per column. */
  footer?: (column: string, index: number) => ReactNode
}) {
  const numeric = (c: string) => (isMoneyKey(c) ? 'num' : undefined)
  return (
    <div className="table-wrap">
      <table className={className ? `data-table ${className}` : 'data-table'}>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className={numeric(c)}>
                {humanize(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c} className={numeric(c)}>
                  <ValueView name={c} value={r[c]} currency={currencyOf(r, currency)} depth={2} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer && (
          <tfoot>
            <tr>
              {columns.map((c, i) => (
                <td key={c} className={numeric(c)}>
                  {footer(c, i)}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  )
}

export function ValueView({
  name,
  value,
  currency,
  depth = 0,
  minor = false,
}: {
  name?: string
  value: Json
  currency: string | null
  depth?: number
  /** Amounts here are in minor units (see usesMinorUnits). */
  minor?: boolean
}) {
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>
    if (value.every(isRecord) && depth < 3) return <RecordTable rows={value} currency={currency} />
    if (value.every((v) => !isRecord(v) && !Array.isArray(v))) return <span>{value.map(String).join(', ')}</span>
    return <pre className="json">{JSON.stringify(value, null, 2)}</pre>
  }
  if (isRecord(value)) {
    if (depth >= 3) return <pre className="json">{JSON.stringify(value, null, 2)}</pre>
    const cur = currencyOf(value, currency)
    const inMinor = minor || usesMinorUnits(value)
    return (
      <dl className="fields">
        {Object.entries(value).map(([k, v]) => (
          <div key={k} className="field">
            <dt>{humanize(k)}</dt>
            <dd>
              <ValueView name={k} value={v} currency={cur} depth={depth + 1} minor={inMinor} />
            </dd>
          </div>
        ))}
      </dl>
    )
  }
  return <Scalar name={name} value={value} currency={currency} minor={minor} />
}
