// The Agents view's two small charts, drawn as plain SVG: the trust ledger as stacked bars per day
// (approved without edit / edited / rejected) and spend per day against the daily budget. Each
// series has its own fill pattern as well as its colour, every bar a tooltip, the chart a summary
// for screen readers, and a table of the same numbers beside it — colour is never the only signal.
import { useId, type ReactNode } from 'react'
import type { AgentDay } from '../../../shared/contract-domain'
import type { z } from 'zod'
import { formatMoney, formatTrust } from '../ui/format'

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

/** A striped fill: `className` colours the stripes, `${className}-bg` what lies between them. */
function Stripes({ id, angle, className }: { id: string; angle: number; className: string }) {
  return (
    <pattern id={id} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform={`rotate(${angle})`}>
      <rect width="6" height="6" className={`${className}-bg`} />
      <rect width="2.5" height="6" className={className} />
    </pattern>
  )
}

function Patterns({ ids }: { ids: PatternIds }) {
  return (
    <defs>
      <pattern id={ids.approved} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" className="fill-approved" />
      </pattern>
      <Stripes id={ids.edited} angle={45} className="fill-edited" />
      <pattern id={ids.rejected} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" className="fill-rejected-bg" />
        <circle cx="3" cy="3" r="1.8" className="fill-rejected" />
      </pattern>
      <Stripes id={ids.over} angle={-45} className="fill-over" />
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
function DayAxis({ days }: { days: readonly Day[] }) {
  const { slot } = dayBars(days.length)
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

/** Each day's slot across the plot, and its bar: 70% of the slot, centred in it. */
function dayBars(count: number) {
  const slot = PLOT_W / Math.max(1, count)
  const bar = Math.max(1, slot * 0.7)
  return { slot, bar, barX: (i: number) => PAD.left + i * slot + (slot - bar) / 2 }
}

/** One day's place in a chart: its tooltip, and the whole slot answering the pointer, not only the (maybe empty) bar. */
function DaySlot({
  day,
  index,
  slot,
  tip,
  over,
  children,
}: {
  day: string
  index: number
  slot: number
  tip: string
  over?: boolean
  children: ReactNode
}) {
  return (
    <g data-day={day} data-over={over || undefined}>
      <title>{tip}</title>
      <rect x={PAD.left + index * slot} y={PAD.top} width={slot} height={PLOT_H} className="chart-hit" />
      {children}
    </g>
  )
}

interface Column {
  label: string
  numeric?: boolean
  cell: (d: Day, i: number) => ReactNode
}

/**
 * What both charts share: the caption with its legend, the plot (patterns, value and day axes, the
 * summary screen readers hear) and, beside it, the same numbers day by day as a table.
 */
function ChartFrame({
  testId,
  title,
  legend,
  summary,
  ids,
  days,
  top,
  valueLabel,
  columns,
  children,
}: {
  testId: string
  title: string
  legend: ReactNode
  summary: string
  ids: PatternIds
  days: readonly Day[]
  top: number
  valueLabel: (v: number) => string
  columns: readonly Column[]
  children: ReactNode
}) {
  const titleId = `${ids.approved}-title`
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        <h3>{title}</h3>
        <ul className="chart-legend">{legend}</ul>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="chart-svg">
        <title id={titleId}>{summary}</title>
        <Patterns ids={ids} />
        <ValueAxis top={top} label={valueLabel} />
        {children}
        <DayAxis days={days} />
      </svg>
      <details className="chart-table">
        <summary>Day by day</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              {columns.map((c) => (
                <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d, i) => (
              <tr key={d.day}>
                <td>{dayLabel(d.day)}</td>
                {columns.map((c) => (
                  <td key={c.label} className={c.numeric ? 'num' : undefined}>
                    {c.cell(d, i)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}

const decided = (d: Day) => d.approvedNoEdit + d.edited + d.rejected

function trustText(d: Day): string {
  return `${dayLabel(d.day)}: ${d.approvedNoEdit} approved without edit, ${d.edited} edited, ${d.rejected} rejected`
}

const TRUST_COLUMNS: readonly Column[] = [
  { label: 'Approved without edit', numeric: true, cell: (d) => d.approvedNoEdit },
  { label: 'Edited', numeric: true, cell: (d) => d.edited },
  { label: 'Rejected', numeric: true, cell: (d) => d.rejected },
  { label: 'Trust score', numeric: true, cell: (d) => formatTrust(d.score) },
]

export function TrustChart({ days }: { days: readonly Day[] }) {
  const ids = usePatternIds()
  const top = Math.max(1, ...days.map(decided))
  const { slot, bar, barX } = dayBars(days.length)
  const y = (v: number) => (v / top) * PLOT_H
  const sum = (key: 'approvedNoEdit' | 'edited' | 'rejected') => days.reduce((n, d) => n + d[key], 0)
  const totals = { approved: sum('approvedNoEdit'), edited: sum('edited'), rejected: sum('rejected') }
  const summary = `Trust ledger over ${days.length} days: ${totals.approved} approved without edit, ${totals.edited} edited, ${totals.rejected} rejected.`
  const legend = (
    <>
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
    </>
  )
  return (
    <ChartFrame
      testId="trust-chart"
      title="Trust ledger"
      legend={legend}
      summary={summary}
      ids={ids}
      days={days}
      top={top}
      valueLabel={(v) => String(v)}
      columns={TRUST_COLUMNS}
    >
      {days.map((d, i) => {
        const x = barX(i)
        let base = PAD.top + PLOT_H
        const parts: { key: string; value: number; pattern: string }[] = [
          { key: 'approved', value: d.approvedNoEdit, pattern: ids.approved },
          { key: 'edited', value: d.edited, pattern: ids.edited },
          { key: 'rejected', value: d.rejected, pattern: ids.rejected },
        ]
        return (
          <DaySlot key={d.day} day={d.day} index={i} slot={slot} tip={trustText(d)}>
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
          </DaySlot>
        )
      })}
    </ChartFrame>
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
  const limit = budget === null ? null : Number(budget)
  const costs = days.map((d) => Number(d.cost))
  const top = Math.max(limit === null ? 0 : limit * 1.15, ...costs, 0.01)
  const { slot, bar, barX } = dayBars(days.length)
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
  const legend = (
    <>
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
    </>
  )
  const columns: Column[] = [
    { label: 'Spend', numeric: true, cell: (d) => formatMoney(d.cost, currency) },
    {
      label: 'Against budget',
      cell: (_, i) => (limit === null ? '—' : over(costs[i] ?? 0) ? '▲ Over' : 'Within'),
    },
  ]
  return (
    <ChartFrame
      testId="cost-chart"
      title="Spend per day"
      legend={legend}
      summary={summary}
      ids={ids}
      days={days}
      top={top}
      valueLabel={(v) => v.toLocaleString(undefined, { maximumFractionDigits: 2 })}
      columns={columns}
    >
      {days.map((d, i) => {
        const c = costs[i] ?? 0
        const x = barX(i)
        const tip = `${dayLabel(d.day)}: ${money(c)}${over(c) ? ' — over budget' : ''}`
        return (
          <DaySlot key={d.day} day={d.day} index={i} slot={slot} tip={tip} over={over(c)}>
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
          </DaySlot>
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
    </ChartFrame>
  )
}
