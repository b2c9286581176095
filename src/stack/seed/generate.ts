// The demo data generator behind `npm run seed`: fills every table for the demo tenants with
// consistent, deterministic (per seed) data, writing as the superuser in large batches with every
// trigger on. Approvals are generated in time order and written chunk by chunk while the next
// chunk is generated; the audit log goes through its own connection so its hash chain (one trigger
// call per entry) runs beside the other inserts.
import pg from 'pg'
import { loadContext } from './context'
import { buildDiffPool } from './diffs'
import { agentAudit, delegationRows, snoozeRows, standaloneRows, trustRows } from './extras'
import { AuditLane, WriteLane, inTransaction, writeSink } from './lanes'
import { buildApproval, type LifecycleEnv } from './lifecycle'
import { DAY } from './model'
import { planApprovals, type PlanItem } from './plan'
import { Rng } from './prng'
import { AuditBuffer, ChunkSink } from './sink'
import { TableWriter } from './writer'

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
const CHUNK = 1000
/** How far back the audit log reaches (see AuditBuffer). */
const AUDIT_DAYS = 7

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve))

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

/** A seed's rows are already in the database (its ids are derived from the seed). */
export class SeedAlreadyGenerated extends Error {
  constructor(
    readonly seed: number,
    options?: ErrorOptions,
  ) {
    super(`seed: seed ${seed} was already generated into this database; use another --seed or a fresh stack`, options)
  }
}

/** Colleagues, agents, tools and delegations, in one transaction; refuses a seed already written. */
async function setUp(
  client: pg.Client,
  writer: TableWriter,
  rng: Rng,
  seed: number,
  now: number,
  audit: AuditBuffer,
) {
  try {
    const { ctx, delegations } = await inTransaction(client, async () => {
      const ctx = await loadContext(client, writer, rng.fork('context'), now)
      const d = delegationRows(ctx, rng.fork('delegations'), now, audit)
      await writer.insert('approval_delegations', d.rows)
      return { ctx, delegations: d.delegations }
    })
    agentAudit(ctx, audit)
    return { ctx, delegations }
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === '23505') {
      throw new SeedAlreadyGenerated(seed, { cause: err })
    }
    throw err
  }
}

interface Run {
  env: LifecycleEnv
  builds: Map<string, LifecycleEnv['build']>
  audit: AuditBuffer
  auditLane: AuditLane
  demoIds: Set<string>
  log: (line: string) => void
}

/**
 * Approvals in time order per lane, chunk by chunk: while one lane's chunk is written the other's is
 * generated. Returns the first pending approvals per tenant (for snoozes).
 */
async function writeApprovals(
  run: Run,
  lanes: { lane: WriteLane; items: PlanItem[] }[],
  total: number,
): Promise<Map<string, string[]>> {
  const pendingByTenant = new Map<string, string[]>()
  const chunks = Math.max(...lanes.map((l) => Math.ceil(l.items.length / CHUNK)))
  let generated = 0
  for (let k = 0; k < chunks; k++) {
    for (const { lane, items } of lanes) {
      const start = k * CHUNK
      const end = Math.min(items.length, start + CHUNK)
      if (start >= end) continue
      const sink = new ChunkSink()
      const env: LifecycleEnv = { ...run.env, sink }
      for (let j = start; j < end; j++) {
        const item = items[j]!
        env.build = run.builds.get(item.tenant.id)!
        const id = buildApproval(item, env, run.demoIds)
        if (item.status === 'pending') {
          const list = pendingByTenant.get(item.tenant.id) ?? []
          if (list.length < 3) list.push(id)
          pendingByTenant.set(item.tenant.id, list)
        }
        if ((j & 63) === 63) {
          sink.flush()
          // Let the other lane's and the audit's queries go out while this chunk is generated.
          await yieldToIo()
        }
      }
      generated += end - start
      // No later approval of this lane can produce an entry older than its own creation.
      run.auditLane.queue(
        run.audit.release(end < items.length ? items[end]!.createdAt : Infinity, lane.tenantIds),
      )
      await lane.submit(sink)
    }
    run.log(`  ${generated}/${total} approvals generated`)
  }
  await Promise.all(lanes.map((l) => l.lane.drain()))
  return pendingByTenant
}

export async function generateDemoData(dbUrl: string, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now()
  const seed = opts.seed ?? 1
  const now = opts.now ?? Date.now()
  const log = opts.log ?? (() => {})
  const rng = new Rng(seed)
  const clients = [0, 1, 2].map(
    () => new pg.Client({ connectionString: dbUrl, application_name: 'demo-seed' }),
  )
  // A connection lost mid-seed fails the statement using it; its 'error' event must not crash the process.
  for (const c of clients) c.on('error', (err) => log(`seed connection lost: ${err.message}`))
  try {
    await Promise.all(clients.map((c) => c.connect()))
    const writers = clients.map((c) => new TableWriter(c))
    await Promise.all(writers.map((w) => w.load()))
    const [main, other] = clients as [pg.Client, pg.Client, pg.Client]
    const [mainWriter, otherWriter, auditWriter] = writers as [TableWriter, TableWriter, TableWriter]

    const audit = new AuditBuffer(now - AUDIT_DAYS * DAY)
    const { ctx, delegations } = await setUp(main, mainWriter, rng, seed, now, audit)
    const setupSink = new ChunkSink()
    const build = {
      diffPool: buildDiffPool(rng.fork('diffs'), 160),
      knownCounterparties: new Set<string>(),
      nextNumber: numberSeries(rng.fork('numbers')),
    }
    const env: LifecycleEnv = {
      rng: rng.fork('approvals'),
      now,
      delegations,
      sink: setupSink,
      audit,
      trust: new Map(),
      names: ctx.names,
      build,
    }
    standaloneRows(ctx, { ...env, rng: rng.fork('standalone') }, opts.approvals)
    await inTransaction(main, () => writeSink(mainWriter, setupSink))

    const plan = planApprovals(rng.fork('plan'), ctx.tenants, opts.approvals, now, {
      ...ctx.demo,
      rahul: ctx.colleague('rahul.mehta@demo.test'),
      lena: ctx.colleague('lena.fischer@demo.test'),
      dana: ctx.colleague('dana.whitfield@demo.test'),
      helen: ctx.colleague('helen.park@demo.test'),
    })
    const pending = plan.filter((p) => p.status === 'pending').length
    log(`seed ${seed}: ${plan.length} approvals planned (${pending} pending)`)

    // Northwind Retail and the holding in one lane, Northwind Payments and Acme in the other.
    const lanes = [
      { lane: new WriteLane(main, mainWriter), items: [] as PlanItem[] },
      { lane: new WriteLane(other, otherWriter), items: [] as PlanItem[] },
    ]
    const laneOf = (slug: string) => lanes[slug === 'northwind-retail' || slug === 'northwind-group' ? 0 : 1]!
    for (const t of ctx.tenants) laneOf(t.slug).lane.tenantIds.add(t.id)
    for (const item of plan) laneOf(item.tenant.slug).items.push(item)
    const auditLane = new AuditLane(auditWriter)
    // Counterparties already paid are tracked per tenant (the new_counterparty flag).
    const builds = new Map(
      ctx.tenants.map((t) => [t.id, { ...build, knownCounterparties: new Set<string>() }]),
    )
    const demoIds = new Set(Object.values(ctx.demo))
    const pendingByTenant = await writeApprovals(
      { env, builds, audit, auditLane, demoIds, log },
      lanes,
      plan.length,
    )

    const tail = new ChunkSink()
    for (const row of trustRows(env.trust, rng.fork('trust'))) tail.add('trust_ledger', row)
    for (const row of snoozeRows(ctx, pendingByTenant, now)) tail.add('review_snoozes', row)
    await inTransaction(main, () => writeSink(mainWriter, tail))
    auditLane.queue(audit.release(Infinity))
    await auditLane.drain()

    const tables: Record<string, number> = {}
    for (const w of writers) for (const [table, n] of w.counts) tables[table] = (tables[table] ?? 0) + n
    const rows = Object.values(tables).reduce((a, b) => a + b, 0)
    const elapsedMs = performance.now() - started
    // A bulk load leaves the tables without statistics or visibility map until autovacuum gets to
    // them, and for the next minute it does, competing with whoever uses the stack. Settle it now,
    // as a database in service would be (not counted in the seed's own speed).
    const settleStarted = performance.now()
    await main.query(`vacuum (analyze) ${Object.keys(tables).map((t) => `public.${t}`).join(', ')}`)
    log(`vacuumed and analyzed ${Object.keys(tables).length} tables in ${((performance.now() - settleStarted) / 1000).toFixed(1)} s`)
    return {
      seed,
      approvals: tables.approvals ?? 0,
      pending,
      tables,
      rows,
      elapsedMs,
      rowsPerSecond: rows / (elapsedMs / 1000),
    }
  } finally {
    await Promise.allSettled(clients.map((c) => c.end()))
  }
}

const MAX_SEED_TRIES = 100

/** Generates the first seed (1, 2, …) whose rows are not in the database yet. */
export async function generateNextSeed(dbUrl: string, opts: Omit<SeedOptions, 'seed'>): Promise<SeedSummary> {
  for (let seed = 1; ; seed++) {
    try {
      return await generateDemoData(dbUrl, { ...opts, seed })
    } catch (err) {
      if (!(err instanceof SeedAlreadyGenerated) || seed >= MAX_SEED_TRIES) throw err
      opts.log?.(`seed ${seed} is already in the database; trying ${seed + 1}`)
    }
  }
}

/** What the dev stack writes once into a fresh database, so the console opens on a useful inbox. */
export function generateDemoContent(dbUrl: string, log?: (line: string) => void): Promise<SeedSummary> {
  return generateDemoData(dbUrl, { approvals: 300, seed: 1, log })
}
