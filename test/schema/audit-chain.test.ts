// Tamper evidence: the audit log's per-tenant hash chain as the server builds it, the same chain
// recomputed in TypeScript from the rows a replica pulls, and both naming the first entry an
// attacker rewrote. Also: canonical JSON agrees byte for byte between PostgreSQL and TypeScript.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  auditEntryHash,
  auditRowCanonical,
  canonicalJson,
  GENESIS_HASH,
  payloadHash,
  verifyAuditChain,
  type AuditRowLike,
} from '../../src/shared/audit-chain'
import { admin } from '../support/db'
import {
  createApproval,
  createAuditEntry,
  createEveryRow,
  createMember,
  createTenant,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { Replica } from './pull'

/** Values whose canonical form is easy to get wrong. */
const AWKWARD: unknown[] = [
  { b: 1, a: 2, A: 3, _: 4, '': 5, aa: 6, 'a b': 7 },
  { nested: { z: [3, 2, 1], y: { x: null, w: [{ v: true }, { u: false }] } } },
  [1240.5, 1240.55, 100, 0, -0.5, -12.34, 1e21, 1e-7, 0.000001, 123456789012345.6, 0.1, 1e300, 5e-324],
  { amount: 1240.5, currency: 'EUR', lines: [{ debit: 100.1 }, { credit: -100.1 }] },
  { unicode: 'Zürich – naïve café ✓ 日本語 😀', keys: { é: 1, e: 2, z: 3, 'ｚ': 4, '😀': 5, '\uffff': 6 } },
  { quotes: 'she said "hi"', backslash: 'C:\\temp\\new', controls: '\u0001\u0008\t\n\u000b\f\r\u001f', del: '\u007f' },
  { separators: '\u2028\u2029', slash: 'a/b', html: '<script>&amp;</script>' },
  null,
  'just a string',
  42,
  true,
  [],
  {},
  [[], {}, [null]],
]

async function sqlCanonical(value: unknown): Promise<string> {
  const { rows } = await admin().query<{ s: string }>('select public.canonical_json($1::jsonb) as s', [JSON.stringify(value)])
  return rows[0]?.s ?? ''
}

describe('canonical JSON', () => {
  it('prints every awkward value identically in PostgreSQL and TypeScript', async () => {
    for (const value of AWKWARD) {
      // The TypeScript side sees what a replica sees: the value after a JSON round trip.
      expect({ value, text: await sqlCanonical(value) }).toEqual({ value, text: canonicalJson(JSON.parse(JSON.stringify(value))) })
    }
  })

  it('prints numbers as JavaScript does after JSON.parse, trailing zeros and all', async () => {
    // Literal JSON text, so PostgreSQL sees the zeros that JSON.stringify would already have dropped.
    const { rows } = await admin().query<{ s: string }>(
      `select public.canonical_json('[1240.50, 100.00, -0.10, 1.0e2, 12345678901234567890, 0.00000012]'::jsonb) as s`,
    )
    expect(rows[0]?.s).toBe(canonicalJson(JSON.parse('[1240.50, 100.00, -0.10, 1.0e2, 12345678901234567890, 0.00000012]')))
    expect(rows[0]?.s).toBe('[1240.5,100,-0.1,100,12345678901234567000,1.2e-7]')
  })

  it("keeps an approval's payload_hash equal to the TypeScript payload hash, and bumps the version when the payload changes", async () => {
    const tenant = await createTenant()
    const payload = { order_id: 'ord_9', amount: 1240.5, currency: 'EUR', lines: [{ sku: 'Ä-1', qty: 2 }] }
    const approval = await createApproval(tenant.id, { payload })
    expect(approval.payload_hash).toBe(await payloadHash(payload))
    const edited = { ...payload, amount: 99.9 }
    const { rows } = await admin().query<{ payload_hash: string; version: number }>(
      `update public.approvals set payload = $2, payload_hash = 'forged' where id = $1 returning payload_hash, version`,
      [approval.id, JSON.stringify(edited)],
    )
    expect(rows[0]).toEqual({ payload_hash: await payloadHash(edited), version: approval.version + 1 })
    const forged = await admin().query<{ payload_hash: string }>(
      `update public.approvals set payload_hash = 'forged' where id = $1 returning payload_hash`,
      [approval.id],
    )
    expect(forged.rows[0]?.payload_hash).toBe(await payloadHash(edited))
  })
})

describe('audit chain', () => {
  let tenant: TenantRef
  let reviewer: UserRef

  beforeAll(async () => {
    tenant = await createTenant()
    reviewer = await createMember(tenant.id, 'viewer')
  })

  async function serverRows(tenantId: string): Promise<AuditRowLike[]> {
    const { rows } = await admin().query<{ j: AuditRowLike }>(
      'select to_jsonb(a) as j from public.audit_log a where tenant_id = $1 order by id',
      [tenantId],
    )
    return rows.map((r) => r.j)
  }

  async function verifySql(tenantId: string) {
    const { rows } = await admin().query<{ v: { id: number; expected: string; actual: string; reason: string } | null }>(
      'select public.verify_audit_chain($1) as v',
      [tenantId],
    )
    return rows[0]?.v ?? null
  }

  /** Rewrites an entry the way only a superuser could, with the append-only trigger out of the way. */
  async function tamper(id: string, set: string, params: unknown[] = []) {
    const c = await admin().connect()
    try {
      await c.query('begin')
      await c.query(`set local session_replication_role = replica`)
      await c.query(`update public.audit_log set ${set} where id = $1`, [id, ...params])
      await c.query('commit')
    } finally {
      c.release()
    }
  }

  it('hashes awkward entries the same way in PostgreSQL and TypeScript', async () => {
    const t = await createTenant()
    for (const [i, state] of AWKWARD.entries()) {
      await createAuditEntry(t.id, {
        actorType: i % 2 ? 'user' : 'system',
        actorId: i % 2 ? reviewer.id : null,
        entityId: i % 3 ? `entity-${i}` : null,
        beforeState: i % 4 ? null : { previous: state },
        afterState: state,
        metadata: { i, note: 'canonical "check"' },
      })
    }
    const rows = await serverRows(t.id)
    expect(rows).toHaveLength(AWKWARD.length)
    const { rows: sql } = await admin().query<{ canonical: string }>(
      'select public.audit_row_canonical(a) as canonical from public.audit_log a where tenant_id = $1 order by id',
      [t.id],
    )
    for (const [i, row] of rows.entries()) {
      expect(auditRowCanonical(row)).toBe(sql[i]?.canonical)
      expect(await auditEntryHash(row)).toBe(row.integrity_hash)
    }
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH)
    expect(await verifyAuditChain(rows)).toEqual({ ok: true, verified: AWKWARD.length })
    expect(await verifySql(t.id)).toBeNull()
  })

  it('never forks under concurrent appends: ids follow the chain', async () => {
    const t = await createTenant()
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => createAuditEntry(t.id, { action: `concurrent.${i}`, metadata: { i } })),
    )
    const rows = await serverRows(t.id)
    expect(rows).toHaveLength(40)
    expect(await verifyAuditChain(rows)).toEqual({ ok: true, verified: 40 })
    expect(await verifySql(t.id)).toBeNull()
  })

  it('names the edited entry, on the server and from a pulled replica', async () => {
    for (let i = 0; i < 5; i++) await createAuditEntry(tenant.id, { action: `step.${i}`, afterState: { step: i, amount: 10.5 } })
    const replica = new Replica(reviewer.id)
    const pulled = () => replica.rows('audit_log') as unknown as AuditRowLike[]
    expect(await replica.pullUntil(() => pulled().length === 5)).toBe(true)
    expect(await verifyAuditChain(pulled())).toEqual({ ok: true, verified: 5 })

    const victim = (await serverRows(tenant.id))[2]
    if (!victim) throw new Error('no entry to tamper with')
    await tamper(String(victim.id), `after_state = jsonb_set(after_state, '{amount}', '1000.5')`)

    expect(await verifySql(tenant.id)).toMatchObject({ id: Number(victim.id), reason: 'integrity_hash', actual: victim.integrity_hash })
    const fresh = new Replica(reviewer.id)
    await fresh.pullUntil(() => fresh.rows('audit_log').length === 5)
    expect(await verifyAuditChain(fresh.rows('audit_log') as unknown as AuditRowLike[])).toMatchObject({
      ok: false,
      verified: 2,
      brokenAt: String(victim.id),
      reason: 'integrity_hash',
    })

    // Editing the replica's own copy is caught the same way, with no server involved.
    const local = pulled().map((r) => (String(r.id) === String(victim.id) ? { ...r, action: 'step.rewritten' } : r))
    expect(await verifyAuditChain(local)).toMatchObject({ ok: false, brokenAt: String(victim.id), reason: 'integrity_hash' })
  })

  it('names the next entry when an attacker also recomputes the edited entry’s hash', async () => {
    const t = await createTenant()
    const member = await createMember(t.id, 'finance')
    for (let i = 0; i < 4; i++) await createAuditEntry(t.id, { action: `step.${i}` })
    const [, second, third] = await serverRows(t.id)
    if (!second || !third) throw new Error('chain too short')
    const rewritten = { ...second, action: 'step.covered-up' }
    const rehashed = await auditEntryHash(rewritten)
    await tamper(String(second.id), `action = $2, integrity_hash = $3`, ['step.covered-up', rehashed])

    expect(await verifySql(t.id)).toEqual({ id: Number(third.id), reason: 'prev_hash', expected: rehashed, actual: third.prev_hash })
    const replica = new Replica(member.id)
    await replica.pullUntil(() => replica.rows('audit_log').length === 4)
    const verdict = await verifyAuditChain(replica.rows('audit_log') as unknown as AuditRowLike[])
    expect(verdict).toEqual({ ok: false, verified: 2, brokenAt: String(third.id), reason: 'prev_hash', expected: rehashed, actual: third.prev_hash })
  })

  it('reports progress while verifying a long chain', async () => {
    const t = await createTenant()
    await admin().query(
      `insert into public.audit_log (tenant_id, actor_type, action, entity_type, metadata)
       select $1, 'system', 'bulk', 'approval', jsonb_build_object('n', g) from generate_series(1, 600) g`,
      [t.id],
    )
    const progress: number[] = []
    const verdict = await verifyAuditChain(await serverRows(t.id), { onProgress: (n) => progress.push(n), batchSize: 200 })
    expect(verdict).toEqual({ ok: true, verified: 600 })
    expect(progress).toEqual([200, 400, 600])
  })
})

describe('append-only history', () => {
  const tables = ['approval_decisions', 'audit_log', 'memory_entries', 'messages'] as const

  it('refuses UPDATE, DELETE and TRUNCATE of decisions, audit, memory and messages even as service_role', async () => {
    const tenant = await createTenant()
    const member = await createMember(tenant.id, 'finance')
    const made = await createEveryRow(tenant.id, { reviewers: [member] })
    const outcomes: string[] = []
    for (const table of tables) {
      const id = made.keys[table]?.[0]
      expect(id).toBeTruthy()
      for (const sql of [
        `update public.${table} set sync_version = sync_version where id = $1`,
        `delete from public.${table} where id = $1`,
        `truncate public.${table}`,
      ]) {
        const params = sql.includes('$1') ? [id] : []
        for (const as of ['service_role', 'superuser'] as const) {
          const c = await admin().connect()
          try {
            await c.query('begin')
            if (as === 'service_role') await c.query('set local role service_role')
            const error = await c.query(sql, params).then(
              () => 'allowed',
              (e: Error) => e.message,
            )
            outcomes.push(`${as} ${sql.split(' ')[0]} ${table}: ${/append-only/.test(error) ? 'refused' : error}`)
          } finally {
            await c.query('rollback')
            c.release()
          }
        }
      }
    }
    expect(outcomes.filter((o) => !o.endsWith('refused'))).toEqual([])
    expect(outcomes).toHaveLength(tables.length * 3 * 2)
    const { rows } = await admin().query<{ n: string }>('select count(*) as n from public.audit_log where tenant_id = $1', [tenant.id])
    expect(Number(rows[0]?.n)).toBe(1)
  })
})
