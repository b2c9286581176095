// The benchmark's output: a readable table with each bar beside its number and ✓/✗, and the JSON
// document (flat keys as named in quality-bars.md, all numbers), merged into an existing file so
// keys other suites write (the renderer's decision_to_next_item_p95_ms) survive.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

export type Results = Record<string, number>

export interface Bar {
  key: string
  /** At most (≤) or at least (≥). */
  kind: 'max' | 'min'
  limit: number
  unit?: string
}

export const BARS: Bar[] = [
  { key: 'initial_sync.rows', kind: 'min', limit: 200_000 },
  { key: 'initial_sync.rows_per_s', kind: 'min', limit: 40_000 },
  { key: 'initial_sync.ratio_to_raw_load', kind: 'min', limit: 0.75 },
  { key: 'during_sync.inbox_query_p95_ms', kind: 'max', limit: 10 },
  { key: 'during_sync.enqueue_p95_ms', kind: 'max', limit: 20 },
  { key: 'pending_first_ms', kind: 'max', limit: 1_000 },
  { key: 'warm_start_ms', kind: 'max', limit: 400 },
  { key: 'inbox_query_p95_ms', kind: 'max', limit: 5 },
  { key: 'search_p95_ms', kind: 'max', limit: 30 },
  { key: 'counts_p95_ms', kind: 'max', limit: 5 },
  { key: 'enqueue_p95_ms', kind: 'max', limit: 20 },
  { key: 'replay_1000_s', kind: 'max', limit: 1.5 },
  // With Realtime (issue 14): a poke, then one pull.
  { key: 'propagation_p50_ms', kind: 'max', limit: 100 },
  { key: 'propagation_p95_ms', kind: 'max', limit: 300 },
  { key: 'core_rss_mb', kind: 'max', limit: 350 },
  { key: 'server_load.pull_p95_ms', kind: 'max', limit: 50 },
  { key: 'server_load.errors', kind: 'max', limit: 0 },
  { key: 'server_load.idle_pulls_per_s', kind: 'max', limit: 1 },
  { key: 'agent.request_to_inbox_p95_ms', kind: 'max', limit: 1_500 },
  // Woken by Realtime (issue 12: ≤ 300 with Realtime); polling every 500 ms, ≤ 1,000.
  { key: 'agent.decision_to_agent_p95_ms', kind: 'max', limit: 300 },
  { key: 'agent_polling.decision_to_agent_p95_ms', kind: 'max', limit: 1_000 },
  { key: 'agent.intake_per_s', kind: 'min', limit: 500 },
  { key: 'executor.actions_per_s', kind: 'min', limit: 300 },
  { key: 'executor.approve_to_sent_p95_ms', kind: 'max', limit: 1_000 },
]

export function passes(bar: Bar, value: number | undefined): boolean {
  if (value === undefined || Number.isNaN(value)) return false
  return bar.kind === 'max' ? value <= bar.limit : value >= bar.limit
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 }))

export function table(results: Results): string {
  const barKeys = new Set(BARS.map((b) => b.key))
  const rows: [string, string, string, string][] = [['key', 'value', 'bar', '']]
  for (const bar of BARS) {
    const v = results[bar.key]
    rows.push([bar.key, v === undefined ? '—' : fmt(v), `${bar.kind === 'max' ? '≤' : '≥'} ${fmt(bar.limit)}`, passes(bar, v) ? '✓' : '✗'])
  }
  for (const [k, v] of Object.entries(results).sort(([a], [b]) => a.localeCompare(b))) {
    if (!barKeys.has(k)) rows.push([k, fmt(v), '', ''])
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows
    .map((r) => `${r[0].padEnd(widths[0]!)}  ${r[1].padStart(widths[1]!)}  ${r[2].padEnd(widths[2]!)}  ${r[3]}`.trimEnd())
    .join('\n')
}

export function writeResults(file: string, results: Results): void {
  let existing: Record<string, unknown> = {}
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) existing = parsed as Record<string, unknown>
    } catch {
      // An unreadable file is replaced.
    }
  }
  writeFileSync(file, `${JSON.stringify({ ...existing, ...results }, null, 2)}\n`)
}
