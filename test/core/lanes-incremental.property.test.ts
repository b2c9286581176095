// Property: the Others lane kept between pulls, judged again only for the approvals a page names
// (queries/lanes.ts), always equals the lane judged afresh from every pending approval. fast-check
// generates runs of pulled pages on a real (in-memory) replica: new approvals of every shape the
// rules split on (over the limit, too risky, named approvers, one named for whom I hold a
// delegation, my own request, four-eyes, expired, decided, deleted), changed approvals,
// colleagues' and my own decisions, actions whose tool changes, a change to my membership, the
// delegator's or a colleague's, a purge of a table I may no longer read, and time passing (the
// delegation starts and ends, approvals expire, a day ends) with nothing written. The pages go
// through applyPage and the reviewer's caches exactly as the core sends them (keys per statement,
// then the page's data.changed), reads come between some pages and not others. After each read:
// the kept lane equals the fresh one on every live item, each member with the same verdict (the
// pre-flight the inbox's row shows, read from the lane), and after a page that only wrote rows
// with their keys (or a colleague's membership), no more approvals were judged than it named.
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { PGliteInterface } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyPage } from '../../src/core/replica/apply'
import { replicatedTables } from '../../src/core/replica/registry'
import { Replica } from '../../src/core/replica/replica'
import { InboxLanes, LANE_KEYS, type OthersLane } from '../../src/core/queries/lanes'
import { ReviewerCaches } from '../../src/core/queries/reviewer-caches'
import { loadReviewerContext } from '../../src/core/queries/standing'
import { readPage } from '../../src/core/sync/page'

const RUNS = 40
// In the evening: a run's time steps may cross midnight (UTC), when a new day's rates apply.
const NOW = new Date('2026-12-05T20:00:00Z').getTime()
const MINUTE = 60_000
const HOUR = 60 * MINUTE

const tenant = randomUUID()
const me = randomUUID()
const colleague = randomUUID()
/** Delegates to me every risk, from half an hour into a run until an hour and a half. */
const delegator = randomUUID()
const agent = randomUUID()
let replica: Replica

beforeAll(async () => {
  replica = await Replica.open(null, randomUUID(), replicatedTables())
})

afterAll(async () => {
  await replica?.close()
})

type Row = Record<string, unknown>

/** What an approval is made of, as generated: each field one the rules split the lanes on. */
const approvalShape = fc.record({
  status: fc.constantFrom('pending', 'pending', 'pending', 'approved', 'rejected'),
  kind: fc.constantFrom('refund', 'payout', 'tool_call'),
  amount: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
  risk: fc.integer({ min: 0, max: 5 }),
  approvers: fc.constantFrom<string[]>([], [me], [colleague], [delegator]),
  mine: fc.boolean(),
  fourEyes: fc.boolean(),
  hash: fc.constantFrom('h0', 'h1'),
  expires: fc.constantFrom<number | null>(null, null, HOUR, -HOUR),
  deleted: fc.constantFrom(false, false, false, false, true),
  action: fc.option(fc.nat(), { nil: null }),
})
type ApprovalShape = typeof approvalShape extends fc.Arbitrary<infer T> ? T : never

const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('page' as const),
      added: fc.array(approvalShape, { maxLength: 4 }),
      changed: fc.array(fc.tuple(fc.nat(), approvalShape), { maxLength: 3 }),
      decisions: fc.array(fc.record({ approval: fc.nat(), byMe: fc.boolean(), hash: fc.constantFrom('h0', 'h1') }), { maxLength: 3 }),
      tools: fc.array(fc.tuple(fc.nat(), fc.constantFrom('refund', 'payout', 'post')), { maxLength: 2 }),
      read: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('standing' as const),
      // Mine or the delegator's (both are my context's facts), or a colleague's (not one of them).
      whose: fc.constantFrom('me', 'delegator', 'colleague'),
      limit: fc.constantFrom('500.00', '1000.00', '5000.00'),
      maxRisk: fc.integer({ min: 2, max: 5 }),
    }),
  },
  // The purge may come in a page that also wrote the table (the server need not send them apart).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withhold' as const), alsoWritten: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('time' as const), minutes: fc.integer({ min: 5, max: 50 }) }) },
)
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never

/** The replica's writes and the rows judged by the lanes' queries, counted through a wrapped db. */
function counting(db: PGliteInterface): { db: PGliteInterface; judged: () => number } {
  let judged = 0
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (prop !== 'query') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      return async (sql: string, params?: unknown[], opts?: unknown) => {
        const res = await target.query<{ rows?: unknown[] }>(sql, params, opts as never)
        if (sql.includes('select a.id, a.action_id,')) judged += res.rows[0]?.rows?.length ?? 0
        return res
      }
    },
  })
  return { db: wrapped, judged: () => judged }
}

class Run {
  now = NOW
  version = 10
  approvals: Row[] = []
  actions: Row[] = []
  /** Approvals a page named (by its own row, a decision on it, or its action) since the last read. */
  named = new Set<string>()
  /** A change since the last read that no keys describe (standing, a purge): the next read judges all. */
  full = true

  next(): { sync_version: number; sync_txid: string } {
    this.version += 1
    return { sync_version: this.version, sync_txid: String(this.version) }
  }

  approval(shape: ApprovalShape, id: string = randomUUID()): Row {
    const action = shape.action === null || this.actions.length === 0 ? null : this.actions[shape.action % this.actions.length]!
    return {
      id,
      tenant_id: tenant,
      kind: shape.kind,
      title: `Approval ${id.slice(0, 8)}`,
      status: shape.status,
      amount: shape.amount === null ? null : `${shape.amount}.00`,
      currency: shape.amount === null ? null : 'EUR',
      risk_level: shape.risk,
      approver_ids: shape.approvers,
      requested_by_user_id: shape.mine ? me : null,
      requested_by_agent_id: shape.mine ? null : agent,
      required_approvals: shape.fourEyes ? 2 : 1,
      payload: { amount: shape.amount ?? 0, currency: 'eur' },
      payload_hash: shape.hash,
      version: 1,
      expires_at: shape.expires === null ? null : new Date(this.now + shape.expires).toISOString(),
      deleted_at: shape.deleted ? new Date(this.now).toISOString() : null,
      action_id: action?.id ?? null,
      ...this.next(),
    }
  }
}

function decision(run: Run, approval: Row, byMe: boolean, hash: string): Row {
  return {
    id: randomUUID(),
    tenant_id: tenant,
    approval_id: approval.id,
    decision: 'approve',
    actor_id: byMe ? me : colleague,
    payload_hash_seen: hash,
    payload_hash_approved: hash,
    version_seen: 1,
    ...run.next(),
  }
}

function pageText(changes: Record<string, Row[]>, withheld: Record<string, string[]> = {}): string {
  const answer = { tenants: [tenant], changes, cursors: {}, has_more: false, withheld }
  return Buffer.from(JSON.stringify(answer)).toString('latin1')
}

/** Writes a page as the core does: keys per statement to the caches, then the page's data.changed. */
async function pull(caches: ReviewerCaches, changes: Record<string, Row[]>, withheld?: Record<string, string[]>): Promise<void> {
  const page = await readPage(pageText(changes, withheld), (table) => replica.specs.get(table), { sliceChars: 400 })
  const applied = await applyPage(replica.db, replica.specs, page, {
    at: new Date(),
    keyed: LANE_KEYS,
    written: (table, keys) => caches.written(table, keys),
  })
  caches.changed(applied.tables)
}

async function live(now: Date): Promise<Set<string>> {
  const res = await replica.db.query<{ id: string }>(
    `select id from approvals where status = 'pending' and deleted_at is null and (expires_at is null or expires_at > $1)`,
    [now],
  )
  return new Set(res.rows.map((r) => r.id))
}

async function play(steps: Step[]): Promise<{ reads: number; partial: number }> {
  await replica.db.exec(`delete from approvals; delete from approval_decisions; delete from actions; delete from tenant_members;
    delete from approval_delegations; delete from tenants; delete from role_permissions; delete from sync_tenants; delete from sync_cursors`)
  const run = new Run()
  const { db, judged } = counting(replica.db)
  const caches = new ReviewerCaches(db, me)
  run.actions = Array.from({ length: 4 }, () => ({ id: randomUUID(), tenant_id: tenant, tool: { app: 'stripe', key: 'refund' }, ...run.next() }))
  await pull(caches, {
    tenants: [{ id: tenant, tenant_id: tenant, name: 'Lanes', slug: 'lanes', kind: 'company', base_currency: 'EUR', is_active: true, ...run.next() }],
    role_permissions: [{ role: 'finance', permission: 'approvals:decide', ...run.next() }],
    tenant_members: [
      { tenant_id: tenant, user_id: me, role: 'finance', approval_limit: '1000.00', max_risk: 4, is_active: true, ...run.next() },
      { tenant_id: tenant, user_id: delegator, role: 'finance', approval_limit: '100000.00', max_risk: 5, is_active: true, ...run.next() },
    ],
    approval_delegations: [
      {
        id: randomUUID(),
        tenant_id: tenant,
        delegator_id: delegator,
        delegate_id: me,
        risk_levels: [0, 1, 2, 3, 4, 5],
        starts_at: new Date(NOW + 30 * MINUTE).toISOString(),
        ends_at: new Date(NOW + 90 * MINUTE).toISOString(),
        is_active: true,
        ...run.next(),
      },
    ],
    actions: run.actions,
  })
  let reads = 0
  let partial = 0
  const read = async () => {
    const now = new Date(run.now)
    const ctx = await caches.reviewer.get(now)
    const before = judged()
    const kept = await caches.lanes.others(ctx)
    const spent = judged() - before
    // Judged afresh from a context read afresh: a kept context gone stale fails this too.
    const fresh = await new InboxLanes(replica.db).others(await loadReviewerContext(replica.db, me, now))
    const isLive = await live(now)
    // The same members, each with the same verdict (the pre-flight the inbox's row shows).
    const verdicts = (lane: OthersLane) =>
      Object.fromEntries(lane.ids.filter((id) => isLive.has(id)).sort().map((id) => [id, lane.refusals.get(id)]))
    expect(verdicts(kept)).toEqual(verdicts(fresh))
    // Judged again: what the pages named, no more (only the first read, a change to my context, a
    // purge, and time passing a delegation's start or end or midnight judge every pending approval).
    if (!run.full) {
      expect(spent).toBeLessThanOrEqual(run.named.size)
      partial += 1
    }
    run.named.clear()
    run.full = false
    reads += 1
  }
  await read()
  for (const s of steps) {
    if (s.kind === 'time') {
      const before = run.now
      run.now += s.minutes * MINUTE
      const crossed = [NOW + 30 * MINUTE, NOW + 90 * MINUTE, (Math.floor(before / (24 * HOUR)) + 1) * 24 * HOUR]
      if (crossed.some((t) => before < t && t <= run.now)) run.full = true
    } else if (s.kind === 'standing') {
      const user = { me, delegator, colleague }[s.whose]
      await pull(caches, {
        tenant_members: [{ tenant_id: tenant, user_id: user, role: 'finance', approval_limit: s.limit, max_risk: s.maxRisk, is_active: true, ...run.next() }],
      })
      // A colleague's membership is no fact of my context: nothing is judged again for it.
      if (s.whose !== 'colleague') run.full = true
    } else if (s.kind === 'withhold') {
      // My role no longer reads the decisions here: they are purged, with no keys to say which.
      const target = run.approvals[0]
      const written = s.alsoWritten && target ? [decision(run, target, true, target.payload_hash as string)] : []
      await pull(caches, { approval_decisions: written }, { [tenant]: ['approval_decisions'] })
      run.full = true
    } else {
      const added = s.added.map((shape) => run.approval(shape))
      // One change per approval in a page (the server sends a row's latest version once).
      const byId = new Map<string, Row>()
      for (const [i, shape] of run.approvals.length === 0 ? [] : s.changed) {
        const id = run.approvals[i % run.approvals.length]!.id as string
        byId.set(id, run.approval(shape, id))
      }
      const changed = [...byId.values()]
      const all = [...run.approvals.filter((a) => !changed.some((c) => c.id === a.id)), ...changed, ...added]
      const decisions = all.length === 0 ? [] : s.decisions.map((d) => decision(run, all[d.approval % all.length]!, d.byMe, d.hash))
      const retooled = new Map<string, Row>()
      for (const [i, key] of s.tools) {
        const action = run.actions[i % run.actions.length]!
        retooled.set(action.id as string, { ...action, tool: { app: 'stripe', key }, ...run.next() })
      }
      const tools = [...retooled.values()]
      for (const t of tools) run.actions = run.actions.map((a) => (a.id === t.id ? t : a))
      run.approvals = all
      for (const a of [...added, ...changed]) run.named.add(a.id as string)
      for (const d of decisions) run.named.add(d.approval_id as string)
      for (const t of tools) for (const a of all) if (a.action_id === t.id) run.named.add(a.id as string)
      await pull(caches, { actions: tools, approvals: [...changed, ...added], approval_decisions: decisions })
      if (!s.read) continue
    }
    await read()
  }
  await read()
  return { reads, partial }
}

describe('the Others lane kept between pulls', () => {
  it('equals the lane judged afresh after every page, judging again only what the pages named', async () => {
    let partial = 0
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 14 }), async (steps) => {
        partial += (await play(steps)).partial
      }),
      { numRuns: RUNS },
    )
    // The incremental reads are what the property is about: the runs must have had many.
    expect(partial).toBeGreaterThan(RUNS)
  })
})
