// replay_1000_s: 1,000 decisions made offline, then the network returns: the time until every one
// has been pushed and its result confirmed (applied or refused), as the reviewer sees the queue empty.
import type { BenchCore } from './consoles'
import { round, waitUntil } from './stats'
import type { Results } from './report'

export async function measureReplay(bench: BenchCore, opts: { decisions: number }): Promise<Results> {
  await bench.call('settings.update', { holdSeconds: 0 })
  await bench.call('sync.setWorkOffline', { offline: true })
  const db = bench.core.replica()!.db
  // Pending items the reviewer may decide, read straight from the inbox the way the UI would page it.
  const chosen: { id: string; version: number; hash: string }[] = []
  for (let offset = 0; chosen.length < opts.decisions; offset += 500) {
    const page = await bench.call('inbox.list', { filter: {}, limit: 500, offset })
    if (page.items.length === 0) break
    const ok = page.items.filter((i) => i.preflight === null).map((i) => i.id)
    const rows = await db.query<{ id: string; version: number; payload_hash: string }>(
      'select id, version, payload_hash from approvals where id = any($1::uuid[])',
      [ok],
    )
    for (const r of rows.rows) if (chosen.length < opts.decisions) chosen.push({ id: r.id, version: r.version, hash: r.payload_hash })
  }
  for (const [i, a] of chosen.entries()) {
    await bench.call('intents.create', {
      kind: 'approval.decide',
      args: {
        approval_id: a.id,
        decision: i % 4 === 0 ? 'reject' : 'approve',
        version_seen: a.version,
        payload_hash_seen: a.hash,
        reason: 'Benchmark replay',
      },
    })
  }
  const depth = (await bench.call('sync.status', {})).queueDepth
  const t0 = performance.now()
  await bench.call('sync.setWorkOffline', { offline: false })
  await waitUntil(async () => (await bench.call('sync.status', {})).queueDepth === 0, 300_000, 'the replay', 5)
  const seconds = (performance.now() - t0) / 1000
  const outcome = await db.query<{ state: string; n: number }>(
    `select state, count(*)::int as n from pending_mutations where args->>'reason' = 'Benchmark replay' group by state`,
  )
  const by = Object.fromEntries(outcome.rows.map((r) => [r.state, r.n]))
  await bench.call('settings.update', { holdSeconds: 5 })
  return {
    replay_1000_s: round(seconds, 3),
    'replay_1000.decisions': depth,
    'replay_1000.applied': by.applied ?? 0,
    'replay_1000.refused': (by.rejected ?? 0) + (by.conflict ?? 0),
  }
}
