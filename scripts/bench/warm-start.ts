// warm_start_ms and core_rss_mb, each measured in a new process (as a relaunched app is): the
// replica left by the initial sync is opened with its stored session until the first inbox page.
// The process runs compiled code, shell and core alike, as the app does: no TypeScript loader (its
// own thread and caches) counts towards the memory or the time.
import { spawn } from 'node:child_process'
import { median, p95, round } from './stats'
import type { Results } from './report'
import { bundle, compiledCore, CORE_ENTRY_ENV, type Backend } from './consoles'

interface WarmSample {
  warmMs: number
  sinceProcessStartMs: number
  rssMb: number
}

function runChild(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`bench child failed (${code}): ${err.slice(-2000)}`))))
  })
}

export async function measureWarmStart(dir: string, backend: Backend, opts: { samples: number }): Promise<Results> {
  const samples: WarmSample[] = []
  // Each child starts its core from the bundle made here (before its clock starts, as an installed app has it).
  const coreEntry = await compiledCore()
  const warmChild = await bundle('scripts/bench/warm-child.ts', 'warm-child')
  for (let i = 0; i < opts.samples; i++) {
    const out = await runChild(warmChild, {
      BENCH_WARM_CONFIG: JSON.stringify({ dir, apiUrl: backend.apiUrl, anonKey: backend.anonKey }),
      [CORE_ENTRY_ENV]: coreEntry,
    })
    samples.push(JSON.parse(out.trim().split('\n').at(-1)!) as WarmSample)
  }
  // The same runtime with nothing loaded, to show what of the memory is the core's own.
  const baseline = JSON.parse(
    (await runChild(await bundle('scripts/bench/rss-baseline.ts', 'rss-baseline'), {})).trim(),
  ) as { rssMb: number }
  return {
    warm_start_ms: Math.round(median(samples.map((s) => s.warmMs))),
    'warm_start.p95_ms': Math.round(p95(samples.map((s) => s.warmMs))),
    'warm_start.from_process_start_ms': Math.round(median(samples.map((s) => s.sinceProcessStartMs))),
    core_rss_mb: round(median(samples.map((s) => s.rssMb)), 1),
    'core_rss.runtime_baseline_mb': round(baseline.rssMb, 1),
  }
}
