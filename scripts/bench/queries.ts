// inbox_query_p95_ms, search_p95_ms, counts_p95_ms and enqueue_p95_ms: the local reads and the
// durable write a reviewer waits on, through dispatch() as the shells call them, over many samples
// with varied filters and words (so no answer is a repeat of the one before). The console works
// offline meanwhile so that a pull landing in the middle does not time a network apply instead.
// The core runs in its worker: each time includes the hop to its thread and back.
import type { InboxFilter } from '../../src/shared/contract-domain'
import type { BenchCore } from './consoles'
import { median, p95, round, timeEach } from './stats'
import type { Results } from './report'

const KINDS = ['tool_call', 'refund', 'payout', 'journal_posting', 'changeset', 'spend'] as const

export async function measureQueries(bench: BenchCore, opts: { samples: number }): Promise<Results> {
  await bench.call('sync.setWorkOffline', { offline: true })
  const tenants = (await bench.call('tenants.list', {})).map((t) => t.id)
  // Inputs as a reviewer meets them: the agents and the words on the inbox's rows.
  const seen = (await bench.call('inbox.list', { filter: {}, limit: 500, offset: 0 })).items
  const agents = [...new Set(seen.map((i) => i.agentId).filter((id): id is string => id !== null))].slice(0, 20)
  const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!

  // In the Needs me lane, as the inbox always asks (its default lane; the Others lane is kept
  // between reads, so a filter costs its lane condition, not a judgement of every approval).
  const filters = Array.from({ length: opts.samples }, (_, i): InboxFilter => {
    switch (i % 6) {
      case 0:
        return {}
      case 1:
        return { kinds: [pick(KINDS, i)] }
      case 2:
        return { minRisk: i % 6 }
      case 3:
        return { tenantId: pick(tenants, i) }
      case 4:
        return agents.length ? { agentId: pick(agents, i) } : { minRisk: 3 }
      default:
        return { amountMin: 100 * (i % 10), amountMax: 100 * (i % 10) + 5000, kinds: [pick(KINDS, i)] }
    }
  }).map((f): InboxFilter => ({ ...f, lane: 'mine' }))
  const words = searchWords(seen, opts.samples)
  const scopes = Array.from({ length: opts.samples }, (_, i) => (i % 3 === 0 ? {} : { tenantId: pick(tenants, i) }))
  const runInbox = (filter: InboxFilter) => bench.call('inbox.list', { filter, limit: 50, offset: 0 })
  const runSearch = (text: string) => bench.call('inbox.list', { filter: { lane: 'mine', text }, limit: 50, offset: 0 })
  const runCounts = (scope: { tenantId?: string }) => bench.call('inbox.counts', scope)

  // The first runs of a query execute PGlite's WebAssembly before V8 has optimised it (several
  // times slower): measured apart as *_cold, then the steady state of a running console.
  const cold = {
    inbox: await timeEach(filters.slice(0, 30), runInbox),
    search: await timeEach(words.slice(0, 30), runSearch),
    counts: await timeEach(scopes.slice(0, 30), runCounts),
  }
  for (let round = 0; round < 2; round++) {
    await timeEach(filters, runInbox)
    await timeEach(words, runSearch)
    await timeEach(scopes, runCounts)
  }
  const inbox = await timeEach(filters, runInbox)
  const search = await timeEach(words, runSearch)
  const counts = await timeEach(scopes, runCounts)

  // Decisions on distinct pending items the reviewer may approve, each undone afterwards.
  const page = await bench.call('inbox.list', { filter: { minRisk: 0 }, limit: 500, offset: 0 })
  const decidable = page.items.filter((i) => i.preflight === null).slice(0, Math.min(opts.samples, 200))
  const details = new Map<string, { version: number; payloadHash: string }>()
  for (const item of decidable) {
    const d = await bench.call('approvals.detail', { id: item.id })
    details.set(item.id, { version: d.version, payloadHash: d.payloadHash })
  }
  const made: string[] = []
  const enqueue = await timeEach(decidable, async (item) => {
    const d = details.get(item.id)!
    const intent = await bench.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: item.id, decision: 'approve', version_seen: d.version, payload_hash_seen: d.payloadHash },
    })
    made.push(intent.clientMutationId)
  })
  for (const id of made) await bench.call('intents.undo', { clientMutationId: id })

  // The badge counts and the inbox's total are kept until something they read changes: right after
  // a decision (what a reviewer does between reads) both are counted anew. Timed apart, so the
  // steady state above does not hide that cost.
  // Items the decisions above did not touch (one whose hold ran out stays queued until online).
  const afterChange = { inbox: [] as number[], counts: [] as number[] }
  const untouched = page.items.filter((i) => i.preflight === null && !details.has(i.id)).slice(0, 50)
  for (const item of untouched) {
    const d = await bench.call('approvals.detail', { id: item.id })
    const intent = await bench.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: item.id, decision: 'approve', version_seen: d.version, payload_hash_seen: d.payloadHash },
    })
    afterChange.counts.push(...(await timeEach([{}], runCounts)))
    afterChange.inbox.push(...(await timeEach([{}], runInbox)))
    await bench.call('intents.undo', { clientMutationId: intent.clientMutationId })
  }
  await bench.call('sync.setWorkOffline', { offline: false })

  return {
    inbox_query_p95_ms: round(p95(inbox)),
    'inbox_query_p50_ms': round(median(inbox)),
    search_p95_ms: round(p95(search)),
    'search_p50_ms': round(median(search)),
    counts_p95_ms: round(p95(counts)),
    'counts_p50_ms': round(median(counts)),
    enqueue_p95_ms: round(p95(enqueue)),
    'enqueue_p50_ms': round(median(enqueue)),
    'enqueue.samples': enqueue.length,
    'inbox_query.after_change_p95_ms': round(p95(afterChange.inbox)),
    'counts.after_change_p95_ms': round(p95(afterChange.counts)),
    'inbox_query_cold_p95_ms': round(p95(cold.inbox)),
    'search_cold_p95_ms': round(p95(cold.search)),
    'counts_cold_p95_ms': round(p95(cold.counts)),
  }
}

/** Words reviewers would type: fragments of the titles and counterparties on the inbox's rows. */
function searchWords(items: { title: string; counterparty: string | null }[], n: number): string[] {
  const all = new Set<string>()
  for (const i of items) for (const w of `${i.title} ${i.counterparty ?? ''}`.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 4) all.add(w)
  const words = [...all].sort().slice(0, n)
  // Prefixes too: people search as they type.
  return Array.from({ length: n }, (_, i) => {
    const w = words[i % Math.max(1, words.length)] ?? 'refund'
    return i % 3 === 0 ? w.slice(0, Math.max(3, Math.ceil(w.length / 2))) : w
  })
}
