// The Agents view's two small charts, drawn as plain SVG: the trust ledger as stacked bars per day
// (approved without edit / edited / rejected) and spend per day against the daily budget. Each
// series has its own fill pattern as well as its colour, every bar a tooltip, the chart a summary
// for screen readers, and a table of the same numbers beside it — colour is never the only signal.
import { useId } from 'react'
import type { AgentDay } from '../../../shared/contract-domain'
import type { z } from 'zod'
import { formatMoney } from '../ui/format'

type Day = z.infer<typeof AgentDay>

const WIDTH = 600
const HEIGHT = 150
const PAD = { top: 14, right: 8, bottom: 20, left: 40 }
const PLOT_W = WIDTH - PAD.left - PAD.right
const PLOT_H = HEIGHT - PAD.top - PAD.bottom

const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
export const dayLabel = (day: string) => shortDay.format(new Date(`${day}T00:00:00Z`))

/** Pattern ids must be valid in `url(#…)`: React's ids carry characters that are not. */
function usePatternIds() {
  const base = useId().replace(/[^a-zA-Z0-9_-]/g, '')
  return {
    approved: `${base}-approved`,
    edited: `${base}-edited`,
    rejected: `${base}-rejected`,
    over: `${base}-over`,
  }
}

type PatternIds = ReturnType<typeof usePatternIds>

function Patterns({ ids }: { ids: PatternIds }) {
  return (
    <defs>
      <pattern id={ids.approved} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" className="fill-approved" />
      </pattern>
      <pattern
        id={ids.edited}
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" className="fill-edited-bg" />
        <rect width="2.5" height="6" className="fill-edited" />
      </pattern>
      <pattern id={ids.rejected} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" className="fill-rejected-bg" />
        <circle cx="3" cy="3" r="1.8" className="fill-rejected" />
      </pattern>
      <pattern
        id={ids.over}
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(-45)"
      >
        <rect width="6" height="6" className="fill-over-bg" />
        <rect width="2.5" height="6" className="fill-over" />
      </pattern>
    </defs>
  )
}

function Swatch({ pattern }: { pattern: string }) {
  return (
    <svg className="swatch" width="14" height="14" aria-hidden="true">
      <rect width="14" height="14" rx="2" fill={`url(#${pattern})`} className="swatch-edge" />
    </svg>
  )
}

/** Day labels under the bars: the first, the middle and the last day. */
function DayAxis({ days, slot }: { days: readonly Day[]; slot: number }) {
  const marks = [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])]
  return (
    <g className="chart-axis" aria-hidden="true">
      {marks.map((i) => {
        const d = days[i]
        if (!d) return null
        const anchor = i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle'
        const x =
          PAD.left + (anchor === 'start' ? i * slot : anchor === 'end' ? (i + 1) * slot : (i + 0.5) * slot)
        return (
          <text key={d.day} x={x} y={HEIGHT - 5} textAnchor={anchor}>
            {dayLabel(d.day)}
          </text>
        )
      })}
    </g>
  )
}

function ValueAxis({ top, label }: { top: number; label: (v: number) => string }) {
  return (
    <g className="chart-axis" aria-hidden="true">
      <line
        x1={PAD.left}
        x2={WIDTH - PAD.right}
        y1={PAD.top + PLOT_H}
        y2={PAD.top + PLOT_H}
        className="chart-baseline"
      />
      <text x={PAD.left - 4} y={PAD.top + 4} textAnchor="end">
        {label(top)}
      </text>
      <text x={PAD.left - 4} y={PAD.top + PLOT_H} textAnchor="end">
        {label(0)}
      </text>
    </g>
  )
}

const decided = (d: Day) => d.approvedNoEdit + d.edited + d.rejected

function trustText(d: Day): string {
  return `${dayLabel(d.day)}: ${d.approvedNoEdit} approved without edit, ${d.edited} edited, ${d.rejected} rejected`
}

export function TrustChart({ days }: { days: readonly Day[] }) {
  const ids = usePatternIds()
  const titleId = `${ids.approved}-title`
  const top = Math.max(1, ...days.map(decided))
  const slot = PLOT_W / Math.max(1, days.length)
  const bar = Math.max(1, slot * 0.7)
  const y = (v: number) => (v / top) * PLOT_H
  const sum = (key: 'approvedNoEdit' | 'edited' | 'rejected') => days.reduce((n, d) => n + d[key], 0)
  const totals = { approved: sum('approvedNoEdit'), edited: sum('edited'), rejected: sum('rejected') }
  const summary = `Trust ledger over ${days.length} days: ${totals.approved} approved without edit, ${totals.edited} edited, ${totals.rejected} rejected.`
  return (
    <figure className="chart" data-testid="trust-chart">
      <figcaption>
        <h3>Trust ledger</h3>
        <ul className="chart-legend">
          <li>
            <Swatch pattern={ids.approved} /> Approved without edit{' '}
            <strong className="num">{totals.approved}</strong>
          </li>
          <li>
            <Swatch pattern={ids.edited} /> Edited <strong className="num">{totals.edited}</strong>
          </li>
          <li>
            <Swatch pattern={ids.rejected} /> Rejected <strong className="num">{totals.rejected}</strong>
          </li>
        </ul>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="chart-svg">
        <title id={titleId}>{summary}</title>
        <Patterns ids={ids} />
        <ValueAxis top={top} label={(v) => String(v)} />
        {days.map((d, i) => {
          const x = PAD.left + i * slot + (slot - bar) / 2
          let base = PAD.top + PLOT_H
          const parts: { key: string; value: number; pattern: string }[] = [
            { key: 'approved', value: d.approvedNoEdit, pattern: ids.approved },
            { key: 'edited', value: d.edited, pattern: ids.edited },
            { key: 'rejected', value: d.rejected, pattern: ids.rejected },
          ]
          return (
            <g key={d.day} data-day={d.day}>
              <title>{trustText(d)}</title>
              {/* The whole slot answers the pointer, not only the (maybe empty) bar. */}
              <rect x={PAD.left + i * slot} y={PAD.top} width={slot} height={PLOT_H} className="chart-hit" />
              {parts.map((p) => {
                if (p.value === 0) return null
                const h = y(p.value)
                base -= h
                return (
                  <rect
                    key={p.key}
                    x={x}
                    y={base}
                    width={bar}
                    height={h}
                    fill={`url(#${p.pattern})`}
                    className="chart-bar"
                  />
                )
              })}
            </g>
          )
        })}
        <DayAxis days={days} slot={slot} />
      </svg>
      <details className="chart-table">
        <summary>Day by day</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="num">
                Approved without edit
              </th>
              <th scope="col" className="num">
                Edited
              </th>
              <th scope="col" className="num">
                Rejected
              </th>
              <th scope="col" className="num">
                Trust score
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td>{dayLabel(d.day)}</td>
                <td className="num">{d.approvedNoEdit}</td>
                <td className="num">{d.edited}</td>
                <td className="num">{d.rejected}</td>
                <td className="num">{d.score === null ? '—' : d.score.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}

export function CostChart({
  days,
  budget,
  currency,
}: {
  days: readonly Day[]
  budget: string | null
  currency: string
}) {
  const ids = usePatternIds()
  const titleId = `${ids.over}-title`
  const limit = budget === null ? null : Number(budget)
  const costs = days.map((d) => Number(d.cost))
  const top = Math.max(limit === null ? 0 : limit * 1.15, ...costs, 0.01)
  const slot = PLOT_W / Math.max(1, days.length)
  const bar = Math.max(1, slot * 0.7)
  const y = (v: number) => PAD.top + PLOT_H - (v / top) * PLOT_H
  const over = (c: number) => limit !== null && c > limit
  const overDays = costs.filter(over).length
  const total = costs.reduce((a, b) => a + b, 0)
  const money = (v: number) => formatMoney(v.toFixed(2), currency)
  const summary =
    `Spend over ${days.length} days: ${money(total)} in all; ` +
    (limit === null
      ? 'no daily budget set.'
      : `daily budget ${money(limit)}, exceeded on ${overDays} of ${days.length} days.`)
  return (
    <figure className="chart" data-testid="cost-chart">
      <figcaption>
        <h3>Spend per day</h3>
        <ul className="chart-legend">
          <li>
            <Swatch pattern={ids.approved} /> Within budget
          </li>
          <li>
            <Swatch pattern={ids.over} /> Over budget <span aria-hidden="true">▲</span>{' '}
            <strong className="num">{overDays}</strong> {overDays === 1 ? 'day' : 'days'}
          </li>
          <li>
            <span className="budget-key" aria-hidden="true" />{' '}
            {limit === null ? 'No daily budget' : `Budget ${money(limit)} a day`}
          </li>
        </ul>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="chart-svg">
        <title id={titleId}>{summary}</title>
        <Patterns ids={ids} />
        <ValueAxis top={top} label={(v) => v.toLocaleString(undefined, { maximumFractionDigits: 2 })} />
        {days.map((d, i) => {
          const c = costs[i] ?? 0
          const x = PAD.left + i * slot + (slot - bar) / 2
          return (
            <g key={d.day} data-day={d.day} data-over={over(c) || undefined}>
              <title>{`${dayLabel(d.day)}: ${money(c)}${over(c) ? ' — over budget' : ''}`}</title>
              <rect x={PAD.left + i * slot} y={PAD.top} width={slot} height={PLOT_H} className="chart-hit" />
              {c > 0 && (
                <rect
                  x={x}
                  y={y(c)}
                  width={bar}
                  height={PAD.top + PLOT_H - y(c)}
                  fill={`url(#${over(c) ? ids.over : ids.approved})`}
                  className="chart-bar"
                />
              )}
              {over(c) && (
                <text
                  x={x + bar / 2}
                  y={y(c) - 3}
                  textAnchor="middle"
                  className="chart-over-mark"
                  aria-hidden="true"
                >
                  ▲
                </text>
              )}
            </g>
          )
        })}
        {limit !== null && (
          <g className="chart-budget" aria-hidden="true">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(limit)} y2={y(limit)} />
            <text x={WIDTH - PAD.right} y={y(limit) - 4} textAnchor="end">
              Budget {money(limit)}
            </text>
          </g>
        )}
        <DayAxis days={days} slot={slot} />
      </svg>
      <details className="chart-table">
        <summary>Day by day</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="num">
                Spend
              </th>
              <th scope="col">Against budget</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d, i) => (
              <tr key={d.day}>
                <td>{dayLabel(d.day)}</td>
                <td className="num">{formatMoney(d.cost, currency)}</td>
                <td>{limit === null ? '—' : over(costs[i] ?? 0) ? '▲ Over' : 'Within'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
