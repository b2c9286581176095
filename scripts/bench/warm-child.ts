// Runs in a fresh process for warm_start_ms and core_rss_mb: opens the existing replica with the
// stored session (createCore) until the first inbox page is read, works the usual views a little,
// then reports its timings and resident memory as one JSON line on stdout. The core runs in a worker
// of this process, so the resident memory is the shell's and the core's together. The first page
// may come from the last view saved by the previous run (src/core/last-view.ts): the status says
// so (`replica: 'opening'`), and the time until the replica itself answers is reported beside it.
import { startBenchCore } from './consoles'

const config = JSON.parse(process.env.BENCH_WARM_CONFIG ?? '{}') as { dir: string; apiUrl: string; anonKey: string }

async function main() {
  const t0 = performance.now()
  let opening = false
  let openedAt: number | null = null
  const bench = await startBenchCore(config.dir, { apiUrl: config.apiUrl, anonKey: config.anonKey }, undefined, (event, payload) => {
    if (event !== 'sync.status') return
    const replica = (payload as { replica: 'opening' | 'open' }).replica
    if (replica === 'opening') opening = true
    else if (opening && openedAt === null) openedAt = performance.now()
  })
  // The inbox's first page as the window asks for it: the Needs me lane.
  const page = await bench.call('inbox.list', { filter: { lane: 'mine' }, limit: 50, offset: 0 })
  const warmMs = performance.now() - t0
  if (page.items.length === 0) throw new Error('warm start: the inbox is empty')
  const fromLastView = opening && openedAt === null
  // A call the last view does not hold waits for the replica: it answers once the replica is open.
  await bench.call('history.list', { limit: 1, offset: 0 })
  const replicaOpenMs = opening ? (openedAt ?? performance.now()) - t0 : warmMs
  // What a reviewer does in the first minute: counts, a few pages, a search, some details.
  await bench.call('inbox.counts', {})
  for (let offset = 50; offset <= 500; offset += 50) await bench.call('inbox.list', { filter: { lane: 'mine' }, limit: 50, offset })
  await bench.call('inbox.list', { filter: { lane: 'mine', text: 'refund' }, limit: 50, offset: 0 })
  for (const item of page.items.slice(0, 20)) await bench.call('approvals.detail', { id: item.id })
  await bench.call('queue.list', {})
  await bench.call('history.list', { limit: 100, offset: 0 })
  await new Promise((r) => setTimeout(r, 2000))
  const rssMb = process.memoryUsage().rss / 1024 / 1024
  await bench.close()
  process.stdout.write(`${JSON.stringify({ warmMs, replicaOpenMs, fromLastView, sinceProcessStartMs: t0 + warmMs, rssMb })}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
