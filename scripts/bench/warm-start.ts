// warm_start_ms and core_rss_mb, each measured in a new process (as a relaunched app is): the
// replica left by the initial sync is opened with its stored session until the first inbox page.
// Each run leaves the last view it saved at close for the next one (src/core/last-view.ts), as a
// reviewer's previous session does; every other run starts without it, so the same run also says
// what the first page costs when the replica must open first (warm_start.without_last_view_ms).
// The process runs compiled code, shell and core alike, as the app does: no TypeScript loader (its
// own thread and caches) counts towards the memory or the time.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { median, p95, round } from './stats'
import type { Results } from './report'
import { bundle, compiledCore, CORE_ENTRY_ENV, type Backend } from './consoles'

interface WarmSample {
  warmMs: number
  replicaOpenMs: number
  fromLastView: boolean
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

/** Deletes the last view of every replica in a user-data folder: the next start opens the replica first. */
function forgetLastViews(dir: string): void {
  const replicas = join(dir, 'replicas')
  if (!existsSync(replicas)) return
  for (const name of readdirSync(replicas)) if (!name.startsWith('.')) rmSync(join(replicas, name, 'last-view.json'), { force: true })
}

export async function measureWarmStart(dir: string, backend: Backend, opts: { samples: number }): Promise<Results> {
  const withView: WarmSample[] = []
  const without: WarmSample[] = []
  // Each child starts its core from the bundle made here (before its clock starts, as an installed app has it).
  const coreEntry = await compiledCore()
  const warmChild = await bundle('scripts/bench/warm-child.ts', 'warm-child')
  const run = async () => {
    const out = await runChild(warmChild, {
      BENCH_WARM_CONFIG: JSON.stringify({ dir, apiUrl: backend.apiUrl, anonKey: backend.anonKey }),
      [CORE_ENTRY_ENV]: coreEntry,
    })
    return JSON.parse(out.trim().split('\n').at(-1)!) as WarmSample
  }
  // The reviewer's previous session: it leaves the last view the first measured run starts from.
  await run()
  for (let i = 0; i < opts.samples; i++) {
    withView.push(await run())
    forgetLastViews(dir)
    without.push(await run())
  }
  // The same runtime with nothing loaded, to show what of the memory is the core's own.
  const baseline = JSON.parse(
    (await runChild(await bundle('scripts/bench/rss-baseline.ts', 'rss-baseline'), {})).trim(),
  ) as { rssMb: number }
  const ms = (samples: WarmSample[], pick: (s: WarmSample) => number) => Math.round(median(samples.map(pick)))
  return {
    warm_start_ms: ms(withView, (s) => s.warmMs),
    'warm_start.p95_ms': Math.round(p95(withView.map((s) => s.warmMs))),
    // 1 when every measured first page came from the last view.
    'warm_start.from_snapshot': withView.every((s) => s.fromLastView) ? 1 : 0,
    'warm_start.replica_open_ms': ms(withView, (s) => s.replicaOpenMs),
    'warm_start.without_last_view_ms': ms(without, (s) => s.warmMs),
    'warm_start.from_process_start_ms': ms(withView, (s) => s.sinceProcessStartMs),
    core_rss_mb: round(median([...withView, ...without].map((s) => s.rssMb)), 1),
    'core_rss.runtime_baseline_mb': round(baseline.rssMb, 1),
  }
}
