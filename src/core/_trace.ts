// scratch tracing (not committed)
import { PerformanceObserver } from 'node:perf_hooks'
const on = !!process.env.OC_TRACE
const abs = (t: number) => (performance.timeOrigin + t).toFixed(2)
export function mark(kind: string, t0: number, info = ''): void {
  if (on) process.stderr.write(`T ${kind} ${abs(t0)} ${abs(performance.now())} ${info}\n`)
}
export async function timed<T>(kind: string, run: () => Promise<T>, info = ''): Promise<T> {
  const t0 = performance.now()
  try { return await run() } finally { mark(kind, t0, info) }
}
export function observeGc(): void {
  if (!on) return
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) process.stderr.write(`T gc ${abs(e.startTime)} ${abs(e.startTime + e.duration)} ${(e as unknown as { detail?: { kind?: number } }).detail?.kind ?? ''}\n`)
  }).observe({ entryTypes: ['gc'] })
}

export function watchLag(): void {
  if (!on) return
  let last = performance.now()
  setInterval(() => {
    const n = performance.now()
    if (n - last > 4) process.stderr.write(`T lag ${abs(last)} ${abs(n)}\n`)
    last = n
  }, 1).unref()
}
