// The Audit view's reads from the replica: every filter (actor, entity, action, time) returns what
// the server holds for the same condition; the filters offer what the log holds, with names; an
// entry can be located in the filtered log; and the chain — verified page by page over a log longer
// than one page — reports its progress and names the first rewritten or unlinked entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db'
import {
  createAgent,
  createMember,
  createTenant,
  createUser,
  addMember,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { AUDIT_ACTIONS, seedAuditLog, serverAuditCount } from '../e2e/helpers/audit-fixtures'
import { eventsOf, replicaOf, settled, startCore, type TestCore } from './support/harness'

// More than two of the verifier's 5,000-entry pages, so the chain is carried from page to page.
const ENTRIES = 12_000

let tenant: TenantRef
let other: TenantRef
let reviewer: UserRef
let agents: { id: string; name: string }[]
let t: TestCore

beforeAll(async () => {
  tenant = await createTenant({ name: 'Audit log' })
  other = await createTenant({ name: 'Audit other' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'auditor' })
  await addMember(other.id, reviewer.id, 'finance')
  const colleague = await createUser({ label: 'colleague', fullName: 'Cora Colleague' })
  await addMember(tenant.id, colleague.id, 'ops')
  agents = [
    await createAgent(tenant.id, { name: 'Ledger Bot' }),
    await createAgent(tenant.id, { name: 'Refund Desk' }),
  ]
  await seedAuditLog(tenant.id, ENTRIES, {
    agentIds: agents.map((a) => a.id),
    userIds: [reviewer.id, colleague.id],
  })
  await seedAuditLog(other.id, 30, { agentIds: [(await createAgent(other.id)).id], userIds: [reviewer.id] })
  t = await startCore()
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
  await settled(t)
}, 240_000)

afterAll(async () => {
  await t?.close()
})

describe('the audit log', () => {
  it('lists a tenant newest first and pages through it', async () => {
    const first = await t.call('audit.list', { tenantId: tenant.id, limit: 100, offset: 0 })
    expect(first.total).toBe(await serverAuditCount(tenant.id))
    expect(first.items).toHaveLength(100)
    const ids = first.items.map((e) => BigInt(e.id))
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? 1 : -1)))
    expect(first.items.every((e) => e.tenantId === tenant.id)).toBe(true)
    const second = await t.call('audit.list', { tenantId: tenant.id, limit: 100, offset: 100 })
    expect(BigInt(second.items[0]!.id)).toBeLessThan(ids.at(-1)!)
    // Without a tenant: every tenant I can see.
    const all = await t.call('audit.list', { limit: 1, offset: 0 })
    expect(all.total).toBe(first.total + (await serverAuditCount(other.id)))
  })

  it('applies each filter as the server would', async () => {
    const cases: { filter: Record<string, string>; where: string; params: unknown[] }[] = [
      { filter: { actorType: 'agent' }, where: `actor_type = 'agent'`, params: [] },
      {
        filter: { actorType: 'user', actorId: reviewer.id },
        where: `actor_type = 'user' and actor_id = $2`,
        params: [reviewer.id],
      },
      { filter: { actorId: agents[1]!.id }, where: `actor_id = $2`, params: [agents[1]!.id] },
      { filter: { entityType: 'escalation' }, where: `entity_type = 'escalation'`, params: [] },
      { filter: { entityId: 'entity-7' }, where: `entity_id = 'entity-7'`, params: [] },
      {
        filter: { action: 'flag.reviewed', entityId: 'entity-3' },
        where: `action = 'flag.reviewed' and entity_id = 'entity-3'`,
        params: [],
      },
    ]
    for (const c of cases) {
      const page = await t.call('audit.list', { tenantId: tenant.id, ...c.filter, limit: 500, offset: 0 })
      const expected = await serverAuditCount(tenant.id, c.where, c.params)
      expect(expected, JSON.stringify(c.filter)).toBeGreaterThan(0)
      expect(page.total, JSON.stringify(c.filter)).toBe(expected)
      for (const e of page.items) {
        if (c.filter['actorType']) expect(e.actorType).toBe(c.filter['actorType'])
        if (c.filter['actorId']) expect(e.actorId).toBe(c.filter['actorId'])
        if (c.filter['entityType']) expect(e.entityType).toBe(c.filter['entityType'])
        if (c.filter['entityId']) expect(e.entityId).toBe(c.filter['entityId'])
        if (c.filter['action']) expect(e.action).toBe(c.filter['action'])
      }
    }
    // An actor id that is not a uuid matches nothing rather than failing.
    expect(
      (await t.call('audit.list', { tenantId: tenant.id, actorId: 'nobody', limit: 10, offset: 0 })).total,
    ).toBe(0)
  })

  it('filters by time: from inclusive, to exclusive', async () => {
    const newest = (await t.call('audit.list', { tenantId: tenant.id, limit: 30, offset: 0 })).items
    const from = newest[19]!.occurredAt
    const to = newest[4]!.occurredAt
    const window = await t.call('audit.list', { tenantId: tenant.id, from, to, limit: 100, offset: 0 })
    // Entries are a minute apart: [20th newest, 5th newest) holds 15 of them.
    expect(window.items.map((e) => e.id)).toEqual(newest.slice(5, 20).map((e) => e.id))
    expect(window.total).toBe(15)
    await expect(
      t.call('audit.list', { tenantId: tenant.id, from: 'yesterday-ish', limit: 10, offset: 0 }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    })
  })

  it('offers the actions, entity types and named actors the log holds', async () => {
    const facets = await t.call('audit.facets', { tenantId: tenant.id })
    expect(facets.actions).toEqual([...AUDIT_ACTIONS].sort())
    expect(facets.entityTypes).toEqual(['approval', 'changeset', 'escalation', 'hallucination_flag'])
    const names = facets.actors.map((a) => `${a.type}:${a.name}`)
    expect(names).toEqual(
      expect.arrayContaining(['agent:Ledger Bot', 'agent:Refund Desk', 'user:Cora Colleague']),
    )
    expect(facets.actors.every((a) => a.type !== 'system')).toBe(true)
  })

  it('locates an entry in the filtered log, and says when the filter hides it', async () => {
    const filter = { tenantId: tenant.id, action: 'approval.decided' }
    const page = await t.call('audit.list', { ...filter, limit: 50, offset: 200 })
    const target = page.items[17]!
    expect(await t.call('audit.locate', { ...filter, id: target.id })).toEqual({ offset: 217 })
    expect(
      await t.call('audit.locate', { tenantId: tenant.id, action: 'flag.reviewed', id: target.id }),
    ).toEqual({ offset: null })
  })

  it('answers a filtered page and its count without reading entry by entry', async () => {
    const timings: number[] = []
    for (let i = 0; i < 15; i++) {
      const started = performance.now()
      await t.call('audit.list', { tenantId: tenant.id, action: AUDIT_ACTIONS[i % 5], limit: 100, offset: 0 })
      timings.push(performance.now() - started)
    }
    timings.sort((a, b) => a - b)
    // About 5 ms on a quiet machine. The bound leaves room for a busy one (other test files building
    // and driving browsers) and still fails on work per entry, e.g. a lookup for each of 12,000 rows.
    expect(timings[7]).toBeLessThan(250)
  })
})

describe('verifying the chain', () => {
  it('verifies every entry page by page and reports progress up to the total', async () => {
    const before = t.events.length
    const verdict = await t.call('audit.verify', { tenantId: tenant.id })
    const total = await serverAuditCount(tenant.id)
    expect(verdict).toEqual({ tenantId: tenant.id, entries: total, ok: true, brokenAt: null })
    const progress = eventsOf(t.events.slice(before), 'audit.verifyProgress')
    expect(progress[0]).toEqual({ tenantId: tenant.id, checked: 0, total })
    expect(progress.at(-1)).toEqual({ tenantId: tenant.id, checked: total, total })
    const checked = progress.map((p) => p.checked)
    expect(checked).toEqual([...checked].sort((a, b) => a - b))
    // Throttled: a report per 50 ms at most, not one per hashing batch.
    expect(progress.length).toBeLessThan(total / 256)
  })

  it('names an entry rewritten in the replica, past the first page', async () => {
    const victim = (await t.call('audit.list', { tenantId: tenant.id, limit: 1, offset: 1_000 })).items[0]!
    const db = replicaOf(t)
    const original = await db.query<{ after_state: unknown }>(
      'select after_state from audit_log where id = $1::bigint',
      [victim.id],
    )
    await db.query(
      `update audit_log set after_state = '{"status":"approved","amount":1}'::jsonb where id = $1::bigint`,
      [victim.id],
    )
    try {
      const broken = await t.call('audit.verify', { tenantId: tenant.id })
      const before = await serverAuditCount(tenant.id, 'id < $2::bigint', [victim.id])
      expect(broken).toEqual({
        tenantId: tenant.id,
        entries: before,
        ok: false,
        brokenAt: { id: victim.id, reason: 'integrity_hash' },
      })
    } finally {
      await db.query('update audit_log set after_state = $2::jsonb where id = $1::bigint', [
        victim.id,
        JSON.stringify(original.rows[0]!.after_state),
      ])
    }
  })

  it('names an entry whose link to the one before is broken, across a page boundary', async () => {
    // The first entry of the verifier's second page: its prev_hash is checked against the head carried over.
    const { rows } = await replicaOf(t).query<{ id: string; prev_hash: string }>(
      'select id::text as id, prev_hash from audit_log where tenant_id = $1 order by audit_log.id offset 5000 limit 1',
      [tenant.id],
    )
    const victim = rows[0]!
    const db = replicaOf(t)
    await db.query(`update audit_log set prev_hash = $2 where id = $1::bigint`, [victim.id, 'f'.repeat(64)])
    try {
      const broken = await t.call('audit.verify', { tenantId: tenant.id })
      expect(broken).toMatchObject({
        ok: false,
        entries: 5000,
        brokenAt: { id: victim.id, reason: 'prev_hash' },
      })
    } finally {
      await db.query('update audit_log set prev_hash = $2 where id = $1::bigint', [
        victim.id,
        victim.prev_hash,
      ])
    }
    expect(await t.call('audit.verify', { tenantId: tenant.id })).toMatchObject({ ok: true })
  })
})
