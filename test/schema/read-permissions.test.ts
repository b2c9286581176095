// Read permissions reach the data, and the audit chain is checked against its head (issue 11,
// items 4 and 5, server side): a role without audit:read reads no audit entry or chain head, not
// through sync_pull nor a direct select, and sync_pull names what it withholds; verify_audit_chain
// refuses a chain the caller cannot read instead of calling it intact, and names a tail a
// superuser deleted — which the links of what is left cannot show.
import { beforeAll, describe, expect, it } from 'vitest'
import { admin, asUser } from '../support/db'
import { createApproval, createAuditEntry, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { pullOnce, Replica } from './pull'

let tenant: TenantRef
let finance: UserRef
let ops: UserRef
let outsider: UserRef
let entries: { id: string; integrity_hash: string }[]

beforeAll(async () => {
  tenant = await createTenant({ name: 'Read permissions' })
  finance = await createMember(tenant.id, 'finance')
  ops = await createMember(tenant.id, 'ops')
  outsider = await createMember((await createTenant()).id, 'finance')
  await createApproval(tenant.id)
  entries = []
  for (let i = 0; i < 5; i++) entries.push(await createAuditEntry(tenant.id, { action: `step.${i}`, afterState: { i } }))
})

async function verifyAs(userId: string, tenantId: string): Promise<unknown> {
  return asUser(userId, async (c) => (await c.query('select public.verify_audit_chain($1) as v', [tenantId])).rows[0].v)
}

/** Deletes entries the way only a superuser can: the append-only trigger switched off for the session. */
async function deleteEntries(ids: string[]): Promise<void> {
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

describe('audit:read', () => {
  it('keeps the audit log and its head from a role without it (ops), through sync_pull and a direct read', async () => {
    const replica = new Replica(ops.id)
    await replica.pullUntil(() => replica.keys('approvals').length > 0)
    expect(replica.keys('audit_log')).toEqual([])
    expect(replica.keys('audit_chain_heads')).toEqual([])
    const answer = await pullOnce(ops.id, {}, 1000)
    expect(answer.withheld?.[tenant.id]).toEqual(['audit_chain_heads', 'audit_log'])

    const direct = await asUser(ops.id, async (c) => ({
      log: (await c.query('select count(*)::int as n from public.audit_log where tenant_id = $1', [tenant.id])).rows[0].n,
      head: (await c.query('select count(*)::int as n from public.audit_chain_heads where tenant_id = $1', [tenant.id])).rows[0].n,
    }))
    expect(direct).toEqual({ log: 0, head: 0 })
  })

  it('gives a role with it (finance) the whole log and the chain head', async () => {
    const replica = new Replica(finance.id)
    await replica.pullUntil(() => replica.keys('audit_chain_heads').length > 0)
    expect(replica.keys('audit_log')).toEqual(entries.map((e) => e.id).sort())
    const head = replica.tables.get('audit_chain_heads')?.get(tenant.id)
    expect({ id: String(head?.last_id), hash: head?.last_hash }).toEqual({ id: entries.at(-1)?.id, hash: entries.at(-1)?.integrity_hash })
    const answer = await pullOnce(finance.id, {}, 1000)
    expect(answer.withheld?.[tenant.id]).toBeUndefined()
  })

  it('withholds approvals from a role that loses approvals:read, and gives them back with it', async () => {
    const c = await admin().connect()
    try {
      // In a transaction that is rolled back: no other test ever sees the role without it.
      await c.query('begin')
      await c.query(`delete from public.role_permissions where role = 'ops' and permission = 'approvals:read'`)
      await c.query('set local role authenticated')
      await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: ops.id, role: 'authenticated' })])
      const answer = (await c.query('select public.sync_pull($1::jsonb, 1000) as p', ['{}'])).rows[0].p
      expect(answer.withheld[tenant.id]).toEqual(['approval_decisions', 'approvals', 'audit_chain_heads', 'audit_log'])
      expect(answer.changes.approvals ?? []).toEqual([])
      expect(answer.priority?.approvals ?? []).toEqual([])
    } finally {
      await c.query('rollback')
      c.release()
    }
    expect((await pullOnce(ops.id, {}, 1000)).withheld?.[tenant.id]).toEqual(['audit_chain_heads', 'audit_log'])
  })
})

describe('verify_audit_chain', () => {
  it('refuses a tenant the caller cannot see, and one whose log it may not read, instead of calling it intact', async () => {
    await expect(verifyAs(outsider.id, tenant.id)).rejects.toMatchObject({ code: '42501' })
    await expect(verifyAs(ops.id, tenant.id)).rejects.toMatchObject({ code: '42501' })
    expect(await verifyAs(finance.id, tenant.id)).toBeNull()
  })

  it('names a tail a superuser deleted: the chain ends before its head', async () => {
    const t = await createTenant()
    const reader = await createMember(t.id, 'finance')
    const made: { id: string; integrity_hash: string }[] = []
    for (let i = 0; i < 6; i++) made.push(await createAuditEntry(t.id, { action: `tail.${i}` }))
    expect(await verifyAs(reader.id, t.id)).toBeNull()

    await deleteEntries(made.slice(4).map((e) => e.id))
    // What is left still links up: only the head shows that entries were cut off.
    expect(await verifyAs(reader.id, t.id)).toEqual({
      id: Number(made[5]!.id),
      reason: 'tail_deleted',
      expected: made[5]!.integrity_hash,
      actual: made[3]!.integrity_hash,
      last_present: Number(made[3]!.id),
    })

    // Every entry gone: still named, not "intact".
    await deleteEntries(made.slice(0, 4).map((e) => e.id))
    expect(await verifyAs(reader.id, t.id)).toMatchObject({ id: Number(made[5]!.id), reason: 'tail_deleted', last_present: null })
  })
})
