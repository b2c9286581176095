// `npm run bench [-- --json FILE] [--approvals N] [--quick]`: measures what the core owns in
// quality-bars.md against its own local stack seeded with generated data, prints a table with
// each bar and ✓/✗, and merges the numbers into a JSON file (default bench-results.json).
import { rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { copySpare, prepareSpare } from '../src/core/replica/spare'
import { replicatedTables } from '../src/core/replica/registry'
import { measureAgents } from './bench/agents'
import { startBenchCore, type Backend, type BenchCore } from './bench/consoles'
import { measureExecutor } from './bench/executor'
import { measureInitialSync, untilFirstSyncDone } from './bench/initial-sync'
import { measureIntake } from './bench/intake'
import { measureQueries } from './bench/queries'
import { measurePropagation } from './bench/propagation'
import { measureReplay } from './bench/replay'
import { measureServerLoad } from './bench/server-load'
import { measureLiveServerLoad } from './bench/server-load-live'
import { measureWarmStart } from './bench/warm-start'
import { BARS, passes, table, writeResults, type Results } from './bench/report'
import { startSeededStack } from './bench/stack'
import { round } from './bench/stats'

const USAGE = `usage: npm run bench -- [--json FILE] [--approvals N] [--quick] [--intake-only] [--replay-only] [--warm-only] [--first-sync-only] [--keep]
  --json FILE        where to merge the results (default bench-results.json)
  --approvals N      approvals to generate (default 100000; --quick and --intake-only: 5000)
  --quick            a smaller, faster run: fewer rows, samples and simulated consoles
  --intake-only      only the agents' intake throughput (agent.intake_*), with no console running
  --replay-only      only replay_1000_s, on a console signed in and synced (no other part measured)
  --warm-only        only warm_start_ms (and core_rss_mb), relaunching a console signed in and synced
  --first-sync-only  stop after the initial sync (rows/s, raw-load ratio, pending_first_ms, during_sync.*)
  --keep             keep the bench's stack and replica folders afterwards`

const DEMO_PASSWORD = 'demo-password'
/** The holding manager sees every Northwind tenant: the largest replica among the demo reviewers. */
const BENCH_USER = { email: 'manager@demo.test', password: DEMO_PASSWORD }

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'string', default: 'bench-results.json' },
      approvals: { type: 'string' },
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'intake-only': { type: 'boolean', default: false },
      'replay-only': { type: 'boolean', default: false },
      'warm-only': { type: 'boolean', default: false },
      'first-sync-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const quick = values.quick ?? false
  const intakeOnly = values['intake-only'] ?? false
  const approvals = Number(values.approvals ?? (quick || intakeOnly ? 5000 : 100_000))
  if (!Number.isInteger(approvals) || approvals < 1) throw new Error('--approvals must be a positive whole number')
  const log = (line: string) => console.error(line)
  const results: Results = { 'bench.approvals': approvals, 'bench.quick': quick ? 1 : 0 }

  const { stack, root, seed } = await startSeededStack(approvals, log)
  results['seed.rows'] = seed.rows
  try {
    const backend = { apiUrl: stack.apiUrl, anonKey: stack.anonKey }
    // Requests made one at a time, 16 in flight (the bar): as the SDK files them, then one call
    // each; then 20 per call (requestApprovals).
    const intake = async (note: string) => {
      for (const [batch, fileTogether, how] of [[1, true, 'filed together while a call is out'], [1, false, 'one call each'], [20, true, '20 per call']] as const) {
        log(`agents' intake throughput, ${how} (4 agent processes, 16 requests in flight${note})`)
        Object.assign(results, await measureIntake(backend, stack.pid, { proposals: quick ? 1000 : 3000, agents: 4, concurrency: 16, batch, fileTogether }))
      }
    }
    if (intakeOnly) {
      await intake('')
      return finish(values.json!, results)
    }
    const spareFrom = join(root, 'spare')
    await prepareSpare(spareFrom, replicatedTables())
    if (values['replay-only']) {
      log('replay of 1,000 decisions made offline (alone: a console signed in, synced, nothing else running)')
      const bench = await syncedConsole(join(root, 'console'), spareFrom, backend)
      Object.assign(results, await measureReplay(bench, { decisions: 1000 }))
      results['replay_1000.load_average'] = round(loadavg()[0] ?? 0, 2)
      await bench.close()
      return finish(values.json!, results)
    }
    if (values['warm-only']) {
      log('warm start and memory (alone: a new process relaunching a console signed in and synced)')
      const dir = join(root, 'console')
      await (await syncedConsole(dir, spareFrom, backend)).close()
      Object.assign(results, await measureWarmStart(dir, backend, { samples: quick ? 3 : 7 }))
      results['warm_start.load_average'] = round(loadavg()[0] ?? 0, 2)
      return finish(values.json!, results)
    }

    log('initial sync (fresh replica, sign-in to complete)')
    const dir = join(root, 'console')
    const sync = await measureInitialSync(dir, spareFrom, { ...backend, stackPid: stack.pid }, BENCH_USER, log)
    results['initial_sync.rows'] = sync.rows
    results['initial_sync.seconds'] = round(sync.seconds)
    results['initial_sync.rows_per_s'] = Math.round(sync.rowsPerSecond)
    results['initial_sync.raw_load_rows_per_s'] = Math.round(sync.rawRowsPerSecond)
    results['initial_sync.ratio_to_raw_load'] = round(sync.rowsPerSecond / sync.rawRowsPerSecond, 3)
    results['pending_first_ms'] = Math.round(sync.pendingFirstMs)
    Object.assign(results, sync.duringSync, sync.cpu)
    // Written after each part: a later part that fails keeps what was measured before it.
    writeResults(values.json!, results)
    if (values['first-sync-only']) {
      await sync.bench.close()
      return finish(values.json!, results)
    }

    log('local queries (inbox, search, counts, enqueue)')
    Object.assign(results, await measureQueries(sync.bench, { samples: quick ? 60 : 200 }))
    writeResults(values.json!, results)

    log('propagation (server change until visible in the running console)')
    Object.assign(results, await measurePropagation(sync.bench, stack.dbUrl, { samples: quick ? 15 : 40 }))
    writeResults(values.json!, results)

    log('agents (request → inbox, decision → agent, intake throughput)')
    Object.assign(results, await measureAgents(sync.bench, backend, { samples: quick ? 15 : 40 }))
    await intake('; the console pulls what they file')
    writeResults(values.json!, results)

    log('executor (4 workers against the demo webhook: throughput, decision → sent)')
    Object.assign(results, await measureExecutor(stack.dbUrl, { actions: quick ? 1000 : 3000, samples: quick ? 15 : 40 }))

    log('replay of 1,000 decisions made offline')
    Object.assign(results, await measureReplay(sync.bench, { decisions: 1000 }))
    writeResults(values.json!, results)
    await sync.bench.close()

    log('warm start and memory (a new process opening the replica)')
    Object.assign(results, await measureWarmStart(dir, backend, { samples: quick ? 3 : 5 }))
    results['warm_start.load_average'] = round(loadavg()[0] ?? 0, 2)
    writeResults(values.json!, results)

    log('server load, polling (simulated consoles polling plus decisions)')
    Object.assign(
      results,
      await measureServerLoad(backend, stack.dbUrl, { clients: 200, seconds: quick ? 10 : 30, decisionsPerSecond: 20 }, log),
    )

    log('server load, live (consoles on Realtime pulling when poked, plus decisions)')
    Object.assign(
      results,
      await measureLiveServerLoad(
        backend,
        stack.dbUrl,
        { clients: 1000, tenants: 100, busyTenants: 10, seconds: quick ? 10 : 30, decisionsPerSecond: 20, processes: 4 },
        log,
      ),
    )
  } finally {
    await stack.stop()
    if (!values.keep) rmSync(root, { recursive: true, force: true })
  }

  finish(values.json!, results)
}

/** A console signed in as the bench user on a fresh replica, once its first sync is complete. */
async function syncedConsole(dir: string, spareFrom: string, backend: Backend): Promise<BenchCore> {
  await copySpare(spareFrom, dir)
  const bench = await startBenchCore(dir, backend)
  await bench.call('session.signIn', BENCH_USER)
  await untilFirstSyncDone(bench)
  return bench
}

function finish(json: string, results: Results): void {
  console.log(table(results))
  writeResults(json, results)
  const missed = BARS.filter((b) => results[b.key] !== undefined && !passes(b, results[b.key])).map((b) => b.key)
  console.log(missed.length ? `\n${missed.length} bar(s) missed: ${missed.join(', ')}` : '\nevery bar measured was met')
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  process.exit(1)
})
