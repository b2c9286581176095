// The demo data generator behind `npm run seed`: fills every table for the demo tenants with
// consistent, deterministic (per seed) data, writing as the superuser in large batches with every
// trigger on. Approvals are generated in time order and written chunk by chunk while the next
// chunk is generated; the audit log goes through its own connection so its hash chain (one trigger
// call per entry) runs beside the other inserts.
import pg from 'pg'
import { loadContext, type SeedContext } from './context'
import { buildDiffPool } from './diffs'
import type { Delegation } from './eligibility'
import { agentAudit, delegationRows, snoozeRows, standaloneRows, trustRows } from './extras'
import { buildApproval, type LifecycleEnv, type TrustTally } from './lifecycle'
import { DAY } from './model'
import { planApprovals, type PlanItem } from './plan'
import { Rng } from './prng'
import { AuditBuffer, ChunkSink, TABLE_ORDER } from './sink'
import { TableWriter, type Row } from './writer'

export interface SeedOptions {
  /** Approvals to add (at least the rule-exercising pending items, about forty, are always written). */
  approvals: number
  seed?: number
  /** Anchor for every timestamp (ms); defaults to now. */
  now?: number
  log?: (line: string) => void
}

export interface SeedSummary {
  seed: number
  approvals: number
  pending: number
  /** Rows written per table. */
  tables: Record<string, number>
  rows: number
  elapsedMs: number
  rowsPerSecond: number
}

/** Approvals generated (and written) per chunk: one transaction each. */
const CHUNK = 2500
/** How far back the audit log reaches (see AuditBuffer). */
const AUDIT_DAYS = 10

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve))

async function inTransaction(client: pg.Client, fn: () => Promise<void>): Promise<void> {
  await client.query('begin')
  try {
    await fn()
    await client.query('commit')
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  }
}

async function writeSink(writer: TableWriter, sink: ChunkSink): Promise<void> {
  for (const table of sink.rows.keys()) {
    if (!(TABLE_ORDER as readonly string[]).includes(table)) throw new Error(`seed: no write order for table ${table}`)
  }
  for (const table of TABLE_ORDER) await writer.insert(table, sink.rows.get(table) ?? [])
}

function numberSeries(rng: Rng): (series: string) => number {
  const next = new Map<string, number>()
  // Random starting points keep ids from two runs (different seeds) apart in unique keys.
  const start: Record<string, () => number> = {
    'shopify-order-id': () => rng.int(1, 900_000_000),
    'ns-internal-id': () => rng.int(1_000_000, 900_000_000),
    order: () => rng.int(100_000, 400_000),
    je: () => rng.int(1, 500_000),
  }
  return (series) => {
    const n = next.get(series) ?? (start[series] ?? (() => rng.int(100, 5000)))()
    next.set(series, n + 1)
    return n
  }
}

/**
 * One writer connection and the tenants it owns. Two lanes write in parallel (both cores busy);
 * splitting by tenant keeps every foreign key inside one lane and every audit chain in order.
 */
interface Lane {
  client: pg.Client
  writer: TableWriter
  tenantIds: Set<string>
  items: PlanItem[]
  writing: Promise<void>
}

/** Audit entries per statement: small autocommitted batches keep each chain head's row short-lived. */
const AUDIT_BATCH = 1000

export async function generateDemoData(dbUrl: string, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now()
  const seed = opts.seed ?? 1
  const now = opts.now ?? Date.now()
  const log = opts.log ?? (() => {})
  const rng = new Rng(seed)
  const clients = [0, 1, 2].map(() => new pg.Client({ connectionString: dbUrl }))
  await Promise.all(clients.map((c) => c.connect()))
  const [mainClient, otherClient] = clients as [pg.Client, pg.Client, pg.Client]
  try {
    const writers = clients.map((c) => new TableWriter(c))
    await Promise.all(writers.map((w) => w.load()))
    const [writer, otherWriter, auditWriter] = writers as [TableWriter, TableWriter, TableWriter]
    const trust: TrustTally = new Map()

    // Setup: colleagues, agents, tools, delegations, and what is not tied to an approval.
    const audit = new AuditBuffer(now - AUDIT_DAYS * DAY)
    let delegations: Delegation[] = []
    let ctx: SeedContext
    try {
      await inTransaction(mainClient, async () => {
        ctx = await loadContext(mainClient, writer, rng.fork('context'), now)
        const d = delegationRows(ctx, rng.fork('delegations'), now, audit)
        delegations = d.delegations
        await writer.insert('approval_delegations', d.rows)
      })
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code === '23505') {
        throw new Error(`seed: seed ${seed} was already generated into this database; use another --seed or a fresh stack`, { cause: err })
      }
      throw err
    }
    const context = ctx!
    agentAudit(context, audit)

    const lrng = rng.fork('approvals')
    const diffPool = buildDiffPool(rng.fork('diffs'), 160)
    const known = new Map(context.tenants.map((t) => [t.id, new Set<string>()]))
    const nextNumber = numberSeries(rng.fork('numbers'))
    const demoIds = new Set(Object.values(context.demo))
    const setupSink = new ChunkSink()
    const env: LifecycleEnv = {
      rng: lrng,
      now,
      delegations,
      sink: setupSink,
      audit: audit,
      trust,
      names: context.names,
      build: { diffPool, knownCounterparties: new Set(), nextNumber },
    }
    standaloneRows(context, { ...env, rng: rng.fork('standalone') }, opts.approvals)
    await inTransaction(mainClient, () => writeSink(writer, setupSink))

    const plan = planApprovals(rng.fork('plan'), context.tenants, opts.approvals, now, {
      finance: context.demo.finance,
      ops: context.demo.ops,
      manager: context.demo.manager,
      outsider: context.demo.outsider,
      rahul: context.colleague('rahul.mehta@demo.test'),
      lena: context.colleague('lena.fischer@demo.test'),
      dana: context.colleague('dana.whitfield@demo.test'),
      helen: context.colleague('helen.park@demo.test'),
    })
    const pendingCount = plan.filter((p) => p.status === 'pending').length
    log(`seed ${seed}: ${plan.length} approvals planned (${pendingCount} pending)`)

    // Northwind Retail and the holding in one lane, Northwind Payments and Acme in the other.
    const laneOf = (slug: string) => (slug === 'northwind-retail' || slug === 'northwind-group' ? 0 : 1)
    const lanes: Lane[] = [
      { client: mainClient, writer, tenantIds: new Set(), items: [], writing: Promise.resolve() },
      { client: otherClient, writer: otherWriter, tenantIds: new Set(), items: [], writing: Promise.resolve() },
    ]
    for (const t of context.tenants) lanes[laneOf(t.slug)]!.tenantIds.add(t.id)
    for (const item of plan) lanes[laneOf(item.tenant.slug)]!.items.push(item)

    let auditing: Promise<void> = Promise.resolve()
    const queueAudit = (rows: Row[]) => {
      for (let i = 0; i < rows.length; i += AUDIT_BATCH) {
        const batch = rows.slice(i, i + AUDIT_BATCH)
        auditing = auditing.then(() => auditWriter.insert('audit_log', batch))
      }
      auditing.catch(() => {})
    }

    // Approvals in time order per lane, chunk by chunk: chunk k+1 is generated while k is written.
    const pendingByTenant = new Map<string, string[]>()
    const chunks = Math.max(...lanes.map((l) => Math.ceil(l.items.length / CHUNK)))
    let generated = 0
    for (let k = 0; k < chunks; k++) {
      for (const lane of lanes) {
        const start = k * CHUNK
        const end = Math.min(lane.items.length, start + CHUNK)
        if (start >= end) continue
        const sink = new ChunkSink()
        for (let j = start; j < end; j++) {
          const item = lane.items[j]!
          const t = item.tenant
          buildApproval(item, { ...env, sink, build: { ...env.build, knownCounterparties: known.get(t.id)! } }, demoIds)
          if (item.status === 'pending') {
            const list = pendingByTenant.get(t.id) ?? []
            if (list.length < 3) list.push(sink.rows.get('approvals')!.at(-1)!.id as string)
            pendingByTenant.set(t.id, list)
          }
          // Let the other lane's and the audit's queries go out while this chunk is generated.
          if ((j & 127) === 127) await yieldToIo()
        }
        generated += end - start
        // No later approval of this lane can produce an entry older than its own creation.
        queueAudit(audit.release(end < lane.items.length ? lane.items[end]!.createdAt : Infinity, lane.tenantIds))
        await lane.writing
        lane.writing = inTransaction(lane.client, () => writeSink(lane.writer, sink))
        // Awaited later; marked handled now so a failure is not reported as unhandled meanwhile.
        lane.writing.catch(() => {})
      }
      log(`  ${generated}/${plan.length} approvals generated`)
    }
    await Promise.all(lanes.map((l) => l.writing))
    const tail = new ChunkSink()
    for (const row of trustRows(trust, rng.fork('trust'))) tail.add('trust_ledger', row)
    for (const row of snoozeRows(context, pendingByTenant, now)) tail.add('review_snoozes', row)
    await inTransaction(mainClient, () => writeSink(writer, tail))
    queueAudit(audit.release(Infinity))
    await auditing

    for (const w of writers) {
      for (const [table, ms] of w.millis) log(`  ${table}: ${Math.round(ms)} ms for ${w.counts.get(table)} rows`)
    }
    const tables: Record<string, number> = {}
    for (const w of writers) for (const [table, n] of w.counts) tables[table] = (tables[table] ?? 0) + n
    const rows = Object.values(tables).reduce((a, b) => a + b, 0)
    const elapsedMs = performance.now() - started
    return {
      seed,
      approvals: tables.approvals ?? 0,
      pending: pendingCount,
      tables,
      rows,
      elapsedMs,
      rowsPerSecond: rows / (elapsedMs / 1000),
    }
  } finally {
    await Promise.allSettled(clients.map((c) => c.end()))
  }
}

/** What the dev stack writes once into a fresh database, so the console opens on a useful inbox. */
export function generateDemoContent(dbUrl: string, log?: (line: string) => void): Promise<SeedSummary> {
  return generateDemoData(dbUrl, { approvals: 300, seed: 1, log })
}
