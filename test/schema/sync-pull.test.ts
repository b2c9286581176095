// sync_pull's promises to the replica: no change is ever skipped or sent twice, even when writers
// commit out of order (sync.md's interleaved case and a randomized run with concurrent writers and
// pullers that must converge to the server exactly); per-tenant cursors; tombstones; the answer
// size limit; and the urgent-first priority section of a fresh replica's first pull.
import type pg from 'pg'
import { describe, expect, it } from 'vitest'
import type { Row } from '../../src/shared/sync-protocol'
import { admin } from '../support/db'
import {
  addMember,
  createAgent,
  createApproval,
  createAuditEntry,
  createEveryRow,
  createMember,
  createTenant,
  createUser,
} from '../support/fixtures'
import { pullOnce, Replica } from './pull'

async function transaction(): Promise<pg.PoolClient & { done: () => Promise<void> }> {
  const c = await admin().connect()
  await c.query('begin')
  return Object.assign(c, {
    done: async () => {
      await c.query('commit')
      c.release()
    },
  })
}

const deliveredTimes = (replica: Replica, table: string, id: string) =>
  replica.deliveries.filter((d) => d.startsWith(`${table}|${id}|`)).length

describe('no skipped change', () => {
  it('T1 writes, T2 writes, T1 writes again and commits, pull, T2 commits, pull: every row exactly once', async () => {
    const tenant = await createTenant()
    const reviewer = await createMember(tenant.id, 'finance')
    const agent = await createAgent(tenant.id)
    const replica = new Replica(reviewer.id)
    await replica.pullAll()

    const t1 = await transaction()
    const t2 = await transaction()
    const a1 = await createApproval(tenant.id, { db: t1, agentId: agent.id, title: 'T1 first' })
    const a2 = await createApproval(tenant.id, { db: t2, agentId: agent.id, title: 'T2 only' })
    const a3 = await createApproval(tenant.id, { db: t1, agentId: agent.id, title: 'T1 second' })
    await t1.done()

    const has = (id: string) => replica.keys('approvals').includes(id)
    expect(await replica.pullUntil(() => has(a1.id) && has(a3.id))).toBe(true)
    expect(has(a2.id)).toBe(false) // its writer is still open

    await t2.done()
    expect(await replica.pullUntil(() => has(a2.id))).toBe(true)
    await replica.pullAll()
    for (const a of [a1, a2, a3]) expect(deliveredTimes(replica, 'approvals', a.id)).toBe(1)
  })

  it('holds back a committed row while an older writer is open, so the older one is not skipped', async () => {
    const tenant = await createTenant()
    const reviewer = await createMember(tenant.id, 'finance')
    const agent = await createAgent(tenant.id)
    const replica = new Replica(reviewer.id)
    await replica.pullAll()

    const older = await transaction()
    const early = await createApproval(tenant.id, { db: older, agentId: agent.id, title: 'older writer' })
    const late = await createApproval(tenant.id, { agentId: agent.id, title: 'committed first' })
    // A cursor on the sequence alone would now deliver `late` and later skip `early`.
    await replica.pullAll()
    expect(replica.keys('approvals')).not.toContain(early.id)
    await older.done()

    const has = (id: string) => replica.keys('approvals').includes(id)
    expect(await replica.pullUntil(() => has(early.id) && has(late.id))).toBe(true)
    await replica.pullAll()
    expect([early, late].map((a) => deliveredTimes(replica, 'approvals', a.id))).toEqual([1, 1])
  })

  it('converges exactly with 4 concurrent writers × 200 transactions and 2 pullers', async () => {
    const group = await createTenant({ kind: 'holding' })
    const subsidiaries = [await createTenant({ parentId: group.id }), await createTenant({ parentId: group.id })]
    const tenants = [group, ...subsidiaries]
    const manager = await createMember(group.id, 'manager')
    const agents = new Map<string, string>()
    for (const t of tenants) agents.set(t.id, (await createAgent(t.id)).id)
    const committed = new Map<string, string[]>(tenants.map((t) => [t.id, []]))

    // Deterministic pseudo-randomness so a failure can be replayed.
    let seed = 20261121
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T

    async function writer(w: number) {
      const c = await admin().connect()
      try {
        for (let i = 0; i < 200; i++) {
          const tenant = pick(tenants)
          const agentId = agents.get(tenant.id) as string
          await c.query('begin')
          const made: string[] = []
          const inserts = 1 + Math.floor(random() * 2)
          for (let k = 0; k < inserts; k++) {
            made.push((await createApproval(tenant.id, { db: c, agentId, title: `w${w} t${i} #${k}`, amount: (i * 7.3).toFixed(2) })).id)
          }
          const existing = committed.get(tenant.id) ?? []
          const roll = random()
          if (existing.length && roll < 0.35) {
            await c.query(`update public.approvals set title = title || ' (edited)', risk_level = (risk_level + 1) % 6 where id = $1`, [
              pick(existing),
            ])
          } else if (existing.length && roll < 0.5) {
            await c.query(`update public.approvals set deleted_at = now(), status = 'cancelled' where id = $1`, [pick(existing)])
          }
          if (roll > 0.6) await createAuditEntry(tenant.id, { db: c, action: `w${w}.t${i}`, metadata: { w, i } })
          if (roll > 0.8) {
            await c.query(`insert into public.messages (tenant_id, from_agent_id, approval_id, body) values ($1, $2, $3, $4)`, [
              tenant.id,
              agentId,
              made[0],
              `note ${w}/${i}`,
            ])
          }
          await c.query('commit')
          existing.push(...made)
        }
      } catch (err) {
        await c.query('rollback').catch(() => {})
        throw err
      } finally {
        c.release()
      }
    }

    const pullers = [new Replica(manager.id), new Replica(manager.id)]
    let writing = true
    const pulling = pullers.map(async (replica, n) => {
      while (writing) await replica.pull(n === 0 ? 13 : 200)
    })
    const started = Date.now()
    await Promise.all([0, 1, 2, 3].map((w) => writer(w))).finally(() => {
      writing = false
    })
    await Promise.all(pulling)

    const tables = ['approvals', 'audit_log', 'messages'] as const
    const server = new Map<string, Map<string, Row>>()
    for (const table of tables) {
      const { rows } = await admin().query<{ key: string; j: Row }>(
        `select id::text as key, to_jsonb(t) as j from public.${table} t where tenant_id = any ($1::uuid[])`,
        [tenants.map((t) => t.id)],
      )
      server.set(table, new Map(rows.map((r) => [r.key, r.j])))
    }
    const same = (replica: Replica) =>
      tables.every((table) => {
        const mine = replica.tables.get(table) ?? new Map<string, Row>()
        const theirs = server.get(table) ?? new Map<string, Row>()
        return mine.size === theirs.size && [...theirs].every(([k, row]) => mine.get(k)?.sync_version === row.sync_version)
      })
    for (const replica of pullers) {
      expect(await replica.pullUntil(() => same(replica), { limit: 500 })).toBe(true)
      for (const table of tables) {
        const mine = Object.fromEntries(replica.tables.get(table) ?? [])
        expect(mine).toEqual(Object.fromEntries(server.get(table) ?? []))
      }
      const tenantDeliveries = replica.deliveries.filter((d) => tables.some((t) => d.startsWith(`${t}|`)))
      expect(new Set(tenantDeliveries).size).toBe(tenantDeliveries.length) // nothing sent twice
    }
    expect(server.get('approvals')?.size).toBeGreaterThanOrEqual(800)
    expect(Date.now() - started).toBeLessThan(60_000)
    for (const t of tenants) {
      const { rows } = await admin().query('select public.verify_audit_chain($1) as v', [t.id])
      expect(rows[0].v).toBeNull()
    }
  }, 120_000)
})

describe('streams', () => {
  it('starts a tenant that becomes visible later from its beginning, not behind other cursors', async () => {
    const first = await createTenant()
    const later = await createTenant()
    const reviewer = await createMember(first.id, 'finance')
    const old = await createEveryRow(later.id, { reviewers: [reviewer] })
    await createEveryRow(first.id, { reviewers: [reviewer] })
    const replica = new Replica(reviewer.id)
    await replica.pullAll()
    expect(replica.tenants).toEqual([first.id])

    await addMember(later.id, reviewer.id, 'viewer')
    const has = () => replica.keys('approvals').includes(old.approval.id) && replica.keys('audit_log').length === 2
    expect(await replica.pullUntil(has)).toBe(true)
    expect([...replica.tenants].sort()).toEqual([first.id, later.id].sort())
  })

  it('sends a soft delete as a tombstone row', async () => {
    const tenant = await createTenant()
    const reviewer = await createMember(tenant.id, 'finance')
    const approval = await createApproval(tenant.id)
    const replica = new Replica(reviewer.id)
    await replica.pullUntil(() => replica.keys('approvals').includes(approval.id))
    await admin().query(`update public.approvals set deleted_at = now(), status = 'cancelled' where id = $1`, [approval.id])
    const gone = () => replica.tables.get('approvals')?.get(approval.id)?.deleted_at != null
    expect(await replica.pullUntil(gone)).toBe(true)
    expect(replica.tables.get('approvals')?.get(approval.id)).toMatchObject({ status: 'cancelled' })
  })

  it('never answers with more rows than asked, and says has_more until the streams are drained', async () => {
    const tenant = await createTenant()
    const reviewer = await createMember(tenant.id, 'finance')
    const agent = await createAgent(tenant.id)
    for (let i = 0; i < 30; i++) await createApproval(tenant.id, { agentId: agent.id })
    const replica = new Replica(reviewer.id)
    const sizes: number[] = []
    const more: boolean[] = []
    for (let i = 0; i < 100; i++) {
      const answer = await replica.pull(7)
      sizes.push(Object.values(answer.changes).reduce((n, rows) => n + rows.length, 0))
      more.push(answer.has_more)
      if (!answer.has_more && replica.keys('approvals').length === 30) break
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7)
    // has_more only ever comes with a full answer, and the last answer says the streams are drained.
    expect(sizes.filter((n, i) => more[i] && n !== 7)).toEqual([])
    expect(more.at(-1)).toBe(false)
    expect(sizes.length).toBeGreaterThanOrEqual(5)
    expect(replica.keys('approvals')).toHaveLength(30)
  })
})

describe('first pull of a fresh replica', () => {
  it('brings the most urgent pending approvals and the rows they show first, without moving cursors', async () => {
    const tenant = await createTenant()
    const reviewer = await createMember(tenant.id, 'finance')
    const hour = 3600
    const base = Date.now()
    const plan: { expires: number | null; risk: number; status?: string }[] = [
      { expires: 5 * hour, risk: 1 },
      { expires: 1 * hour, risk: 2 },
      { expires: 1 * hour, risk: 5 },
      { expires: null, risk: 5 },
      { expires: 2 * hour, risk: 0 },
      { expires: -hour, risk: 5 }, // expired but not yet swept: not actionable
      { expires: 1800, risk: 3, status: 'approved' },
      { expires: 3 * hour, risk: 4 },
    ]
    const made: { id: string; expires: number | null; risk: number; status?: string }[] = []
    for (const p of plan) {
      const chain = await createEveryRow(tenant.id, {
        reviewers: [reviewer],
        approval: {
          expiresAt: p.expires === null ? null : new Date(base + p.expires * 1000),
          riskLevel: p.risk,
          status: p.status,
        },
      })
      made.push({ ...p, id: chain.approval.id })
    }
    const urgent = made
      .filter((m) => !m.status && (m.expires === null || m.expires > 0))
      .sort((a, b) => (a.expires ?? Infinity) - (b.expires ?? Infinity) || b.risk - a.risk)
      .map((m) => m.id)

    const first = await pullOnce(reviewer.id, {}, 4)
    expect(first.priority?.approvals?.map((a) => a.id)).toEqual(urgent.slice(0, 4))
    const shown = first.priority?.approvals ?? []
    const ids = (table: string) => new Set((first.priority?.[table] ?? []).map((r) => String(r.id)))
    for (const a of shown) {
      expect(ids('agents').has(String(a.requested_by_agent_id))).toBe(true)
      expect(ids('tasks').has(String(a.task_id))).toBe(true)
      expect(ids('actions').has(String(a.action_id))).toBe(true)
    }
    expect(first.priority?.tools?.length).toBe(4)
    expect(first.priority?.review_snoozes?.length).toBe(4)
    // Cursors only describe the streamed rows (tenants first), never the priority rows.
    expect(Object.keys(first.cursors[tenant.id] ?? {})).not.toContain('approvals')

    let remaining = 0
    let cursors = first.cursors
    for (let i = 0; i < 1000; i++) {
      const next = await pullOnce(reviewer.id, cursors, 50)
      expect(next.priority).toBeUndefined()
      expect(next.remaining_estimate).toBeUndefined()
      remaining += Object.values(next.changes).reduce((n, rows) => n + rows.length, 0)
      const merged = { ...cursors }
      for (const [scope, streams] of Object.entries(next.cursors)) merged[scope] = { ...merged[scope], ...streams }
      cursors = merged
      if (!next.has_more) break
    }
    expect(first.remaining_estimate).toBe(remaining)
  })

  it('lets a reviewer who sees nothing start with an empty answer', async () => {
    const loner = await createUser({ label: 'loner' })
    const answer = await pullOnce(loner.id, {}, 100)
    expect(answer.tenants).toEqual([])
    expect(answer.priority).toEqual({})
    expect(Object.keys(answer.changes).sort()).toEqual(['fx_rates', 'profiles', 'role_permissions'])
  })
})
