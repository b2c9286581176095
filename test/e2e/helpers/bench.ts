// The renderer's numbers in the bench JSON: read-modify-write, so the core's benchmark keys survive.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const BENCH_FILE = process.env.BENCH_JSON ?? join(process.cwd(), 'bench-results.json')

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] ?? Number.NaN
}

export const round2 = (n: number) => Math.round(n * 100) / 100

export function mergeBench(values: Record<string, number>): void {
  let doc: Record<string, unknown> = {}
  if (existsSync(BENCH_FILE)) {
    try {
      doc = JSON.parse(readFileSync(BENCH_FILE, 'utf8')) as Record<string, unknown>
    } catch {
      doc = {}
    }
  }
  const tmp = `${BENCH_FILE}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify({ ...doc, ...values }, null, 2)}\n`)
  renameSync(tmp, BENCH_FILE)
}
