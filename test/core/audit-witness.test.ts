// What the console's replica may hold of the audit log, and what its Verify can still prove (issue
// 11, items 4 and 5, console side): the audit rows follow the audit:read permission of the
// reviewer's role — purged on the pull after it is taken away, streamed again from the start when
// it comes back; Verify refuses a tenant whose log the reviewer may not read; a tail a superuser
// deleted is named from the server's chain head; and a chain a superuser rewrote and recomputed
// end to end — which links up perfectly, and which the server's own check calls intact — is
// reported as rewritten history by a console that verified it before, with the witnessed heads in
// the auditor's CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvObjects } from '../support/csv'
import { admin, DEMO } from '../support/db'
import { createAuditEntry, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { replicaOf, settled, startCore, type TestCore } from './support/harness'

async function replicaAuditCount(t: TestCore, tenantId: string): Promise<{ log: number; heads: number }> {
  const db = replicaOf(t)
  const log = await db.query<{ n: number }>('select count(*)::int as n from audit_log where tenant_id = $1', [tenantId])
  const heads = await db.query<{ n: number }>('select count(*)::int as n from audit_chain_heads where tenant_id = $1', [tenantId])
  return { log: log.rows[0]?.n ?? -1, heads: heads.rows[0]?.n ?? -1 }
}

async function setOperatorAuditRead(granted: boolean): Promise<void> {
  if (granted) {
    await admin().query(`insert into public.role_permissions (role, permission) values ('operator', 'audit:read') on conflict do nothing`)
  } else {
    await admin().query(`delete from public.role_permissions where role = 'operator' and permission = 'audit:read'`)
  }
}

/** As a superuser would: entries deleted with the append-only trigger out of the way. */
async function superuserDelete(ids: string[]): Promise<void> {
  const c = await admin().connect()
  try {
    await c.query('begin')
    await c.query('set local session_replication_role = replica')
    await c.query('delete from public.audit_log where id = any ($1::bigint[])', [ids])
    await c.query('commit')
  } finally {
    c.release()
  }
}

/**
 * As a superuser covering their tracks would: entry `id` rewritten, every hash from it on
 * recomputed so the chain links up again, and the chain head moved to the new last hash.
 */
async function superuserRewrite(tenantId: string, id: string): Promise<void> {
  const c = await admin().connect()
  try {
    await c.query('begin')
    await c.query('set local session_replication_role = replica')
    await c.query(`update public.audit_log set after_state = '{"amount": 1}'::jsonb where id = $1`, [id])
    const { rows } = await c.query<{ id: string }>(
      'select id::text as id from public.audit_log where tenant_id = $1 and id >= $2 order by id',
      [tenantId, id],
    )
    for (const r of rows) {
      await c.query(
        `update public.audit_log a set prev_hash = coalesce(
           (select p.integrity_hash from public.audit_log p where p.tenant_id = a.tenant_id and p.id < a.id order by p.id desc limit 1),
           public.audit_genesis_hash())
         where a.id = $1`,
        [r.id],
      )
      await c.query('update public.audit_log a set integrity_hash = public.audit_entry_hash(a.prev_hash, a) where a.id = $1', [r.id])
    }
    await c.query('set local session_replication_role = origin')
    await c.query(
      `update public.audit_chain_heads h set last_hash = a.integrity_hash
         from public.audit_log a where a.id = h.last_id and h.tenant_id = $1`,
      [tenantId],
    )
    await c.query('commit')
  } finally {
    c.release()
  }
}

async function serverVerdict(tenantId: string): Promise<unknown> {
  return (await admin().query('select public.verify_audit_chain($1) as v', [tenantId])).rows[0].v
}

describe('audit rows follow the audit:read permission', () => {
  let tenant: TenantRef
  let operator: UserRef
  let t: TestCore

  beforeAll(async () => {
    tenant = await createTenant({ name: 'Audit permission' })
    operator = await createMember(tenant.id, 'operator')
    for (let i = 0; i < 8; i++) await createAuditEntry(tenant.id, { action: `perm.${i}` })
    t = await startCore()
    await t.call('session.signIn', { email: operator.email, password: DEMO.password })
    await settled(t)
  }, 120_000)

  afterAll(async () => {
    await setOperatorAuditRead(false)
    await t?.close()
  })

  it('purges the replica when the role loses it, and brings every row back when it is granted again', async () => {
    // operator has no audit:read: nothing of the log reaches the console, and Verify refuses.
    expect(await replicaAuditCount(t, tenant.id)).toEqual({ log: 0, heads: 0 })
    await expect(t.call('audit.verify', { tenantId: tenant.id })).rejects.toMatchObject({ code: 'forbidden' })

    await setOperatorAuditRead(true)
    await settled(t)
    expect(await replicaAuditCount(t, tenant.id)).toEqual({ log: 8, heads: 1 })
    expect(await t.call('audit.verify', { tenantId: tenant.id })).toMatchObject({ ok: true, entries: 8 })

    await setOperatorAuditRead(false)
    await settled(t)
    expect(await replicaAuditCount(t, tenant.id)).toEqual({ log: 0, heads: 0 })
    await expect(t.call('audit.verify', { tenantId: tenant.id })).rejects.toMatchObject({ code: 'forbidden' })

    // Back again: the stream restarts from zero, so entries older than the old cursor return too.
    await createAuditEntry(tenant.id, { action: 'perm.while-hidden' })
    await setOperatorAuditRead(true)
    await settled(t)
    expect(await replicaAuditCount(t, tenant.id)).toEqual({ log: 9, heads: 1 })
    expect(await t.call('audit.verify', { tenantId: tenant.id })).toMatchObject({ ok: true, entries: 9 })
  })
})

describe('Verify against deletion and rewriting', () => {
  let reviewer: UserRef
  const cores: TestCore[] = []

  beforeAll(async () => {
    const home = await createTenant({ name: 'Audit witness home' })
    reviewer = await createMember(home.id, 'finance')
  })

  afterAll(async () => {
    for (const c of cores) await c.close()
  })

  async function consoleOf(tenant: TenantRef): Promise<TestCore> {
    await admin().query(
      `insert into public.tenant_members (tenant_id, user_id, role) values ($1, $2, 'finance') on conflict do nothing`,
      [tenant.id, reviewer.id],
    )
    const t = await startCore()
    cores.push(t)
    await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    await settled(t)
    return t
  }

  it('names a tail a superuser deleted, which the links of what is left cannot show', async () => {
    const tenant = await createTenant({ name: 'Audit tail' })
    const made: { id: string }[] = []
    for (let i = 0; i < 6; i++) made.push(await createAuditEntry(tenant.id, { action: `tail.${i}` }))
    await superuserDelete([made[4]!.id, made[5]!.id])

    const t = await consoleOf(tenant)
    expect(await t.call('audit.verify', { tenantId: tenant.id })).toEqual({
      tenantId: tenant.id,
      entries: 4,
      ok: false,
      brokenAt: { id: made[5]!.id, reason: 'tail_deleted', after: made[3]!.id },
    })
  })

  it('reports a chain rewritten and recomputed after this console verified it, between the heads it witnessed', async () => {
    const tenant = await createTenant({ name: 'Audit rewrite' })
    const made: { id: string; integrity_hash: string }[] = []
    for (let i = 0; i < 5; i++) made.push(await createAuditEntry(tenant.id, { action: `early.${i}`, afterState: { amount: 100 + i } }))
    const t = await consoleOf(tenant)
    expect(await t.call('audit.verify', { tenantId: tenant.id })).toMatchObject({ ok: true, entries: 5 })
    for (let i = 0; i < 5; i++) made.push(await createAuditEntry(tenant.id, { action: `late.${i}`, afterState: { amount: 200 + i } }))
    await settled(t)
    expect(await t.call('audit.verify', { tenantId: tenant.id })).toMatchObject({ ok: true, entries: 10 })

    // The auditor's file carries both witnessed heads, with the hash each had when verified.
    const file = await t.call('exports.csv', { kind: 'audit', filter: { tenantId: tenant.id } })
    const witnessed = csvObjects(file.csv)
      .rows.filter((r) => r.witnessed_hash)
      .map((r) => [r.id, r.witnessed_hash, r.integrity_hash])
    expect(witnessed).toEqual([
      [made[9]!.id, made[9]!.integrity_hash, made[9]!.integrity_hash],
      [made[4]!.id, made[4]!.integrity_hash, made[4]!.integrity_hash],
    ])

    await superuserRewrite(tenant.id, made[7]!.id)
    // The chain alone is fooled: every link and hash on the server checks out.
    expect(await serverVerdict(tenant.id)).toBeNull()

    await settled(t)
    const verdict = await t.call('audit.verify', { tenantId: tenant.id })
    expect(verdict).toMatchObject({
      ok: false,
      brokenAt: { id: made[9]!.id, reason: 'rewritten', after: made[4]!.id },
    })
    expect(verdict.brokenAt?.witnessedAt).toEqual(expect.any(String))
  })
})
