// replay_1000_s: 1,000 decisions made offline, then the network returns: the time until every one
// has been pushed and its result confirmed (applied or refused), as the reviewer sees the queue empty.
import type { BenchCore } from './consoles'
import { round, waitUntil } from './stats'
import type { Results } from './report'

export async function measureReplay(bench: BenchCore, opts: { decisions: number }): Promise<Results> {
  await bench.call('settings.update', { holdSeconds: 0 })
  await bench.call('sync.setWorkOffline', { offline: true })
  // Pending items the reviewer may decide, read from the inbox the way the UI would page it, each
  // with the version and payload hash its detail shows (what a decision is bound to).
  const chosen: { id: string; version: number; hash: string }[] = []
  // The inbox is live: a request that enters the "expiring soon" bucket while the pages are read
  // moves ahead of the offset, and the row at a page's edge comes again on the next page.
  const taken = new Set<string>()
  for (let offset = 0; chosen.length < opts.decisions; offset += 500) {
    const page = await bench.call('inbox.list', { filter: {}, limit: 500, offset })
    if (page.items.length === 0) break
    // Not about to expire: the decisions are queued over a few minutes before the network returns.
    const lasting = (i: { expiresAt: string | null }) => i.expiresAt === null || Date.parse(i.expiresAt) > Date.now() + 30 * 60_000
    for (const item of page.items.filter((i) => i.preflight === null && lasting(i) && !taken.has(i.id))) {
      if (chosen.length >= opts.decisions) break
      taken.add(item.id)
      const d = await bench.call('approvals.detail', { id: item.id })
      chosen.push({ id: item.id, version: d.version, hash: d.payloadHash })
    }
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
  const by: Record<string, number> = {}
  for (let offset = 0; ; offset += 500) {
    const page = await bench.call('history.list', { limit: 500, offset })
    for (const i of page.items) if (i.args['reason'] === 'Benchmark replay') by[i.state] = (by[i.state] ?? 0) + 1
    if (page.items.length < 500) break
  }
  await bench.call('settings.update', { holdSeconds: 5 })
  return {
    replay_1000_s: round(seconds, 3),
    'replay_1000.decisions': depth,
    'replay_1000.applied': by.applied ?? 0,
    'replay_1000.refused': (by.rejected ?? 0) + (by.conflict ?? 0),
  }
}
