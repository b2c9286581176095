// Small statistics for the benchmark: medians and percentiles over many samples (absolute times
// vary on shared machines, so no bar is judged on a single run), and a stopwatch.

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  // Nearest-rank: the smallest sample with at least p% of samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

export const median = (samples: number[]) => percentile(samples, 50)
export const p95 = (samples: number[]) => percentile(samples, 95)

export function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Runs fn once per sample and returns each duration in milliseconds. */
export async function timeEach<T>(inputs: T[], fn: (input: T) => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (const input of inputs) {
    const t0 = performance.now()
    await fn(input)
    out.push(performance.now() - t0)
  }
  return out
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
