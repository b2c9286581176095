// propagation_p50_ms / propagation_p95_ms: a row changed on the server until the running console's
// replica holds the change: the server's Realtime poke, then the console's pull (its poll has
// slowed to the 30 s fallback while live); the change is seen through the contract, as the window
// would read it. Changes are spread at random over a second so the samples do not fall in step
// with anything.
import type { BenchCore } from './consoles'
import { withDatabase } from './db'
import { median, p95, round } from './stats'
import type { Results } from './report'

export async function measurePropagation(bench: BenchCore, dbUrl: string, opts: { samples: number }): Promise<Results> {
  const target = (await bench.call('inbox.list', { filter: {}, limit: 1, offset: 0 })).items[0]
  if (!target) throw new Error('bench: no approval to change')
  const samples: number[] = []
  await withDatabase(dbUrl, async (server) => {
    for (let i = 0; i < opts.samples; i++) {
      await new Promise((r) => setTimeout(r, Math.random() * 1000))
      const marker = `Propagation probe ${i} ${Math.random().toString(36).slice(2, 8)}`
      await server.query('update public.approvals set summary = $1 where id = $2', [marker, target.id])
      const t0 = performance.now()
      for (;;) {
        const detail = await bench.call('approvals.detail', { id: target.id })
        if (detail.summary === marker) break
        if (performance.now() - t0 > 30_000) throw new Error('bench: a server change never reached the replica')
        await new Promise((r) => setTimeout(r, 5))
      }
      samples.push(performance.now() - t0)
    }
  })
  return {
    propagation_p50_ms: Math.round(median(samples)),
    propagation_p95_ms: Math.round(p95(samples)),
    'propagation.samples': samples.length,
    'propagation.max_ms': round(Math.max(...samples), 0),
  }
}
