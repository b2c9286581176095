// The RLS matrix: every replicated table × every kind of reviewer returns through sync_pull exactly
// the rows of the tenants that reviewer may see (computed here from the memberships, not from the
// server's helper); a removed member loses the tenant at once; nobody can write a table directly.
import { beforeAll, describe, expect, it } from 'vitest'
import { TABLES, TABLE_NAMES } from '../../src/shared/db'
import { admin, asAnon, asClaims, asUser } from '../support/db'
import {
  addMember,
  createEveryRow,
  createTenant,
  createUser,
  deactivateMember,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { pullOnce, Replica, rowKey } from './pull'

type Who = 'finance' | 'ops' | 'viewer' | 'manager' | 'outsider' | 'removed'

let group: TenantRef, retail: TenantRef, payments: TenantRef, acme: TenantRef
const users = {} as Record<Who, UserRef>
/** Which tenants each reviewer should see, from the memberships made below (holding → its subsidiaries). */
let expectedTenants: Record<Who, string[]>

beforeAll(async () => {
  group = await createTenant({ kind: 'holding', name: 'Matrix Group' })
  retail = await createTenant({ parentId: group.id, name: 'Matrix Retail' })
  payments = await createTenant({ parentId: group.id, name: 'Matrix Payments' })
  acme = await createTenant({ name: 'Matrix Acme' })
  for (const who of ['finance', 'ops', 'viewer', 'manager', 'outsider', 'removed'] as const) {
    users[who] = await createUser({ label: who })
  }
  await addMember(retail.id, users.finance.id, 'finance', { approvalLimit: 50_000 })
  await addMember(payments.id, users.ops.id, 'ops', { approvalLimit: 1000, maxRisk: 3 })
  await addMember(retail.id, users.viewer.id, 'viewer', { maxRisk: 0 })
  await addMember(group.id, users.manager.id, 'manager')
  await addMember(acme.id, users.outsider.id, 'finance', { approvalLimit: 50_000 })
  await addMember(retail.id, users.removed.id, 'finance')
  expectedTenants = {
    finance: [retail.id],
    ops: [payments.id],
    viewer: [retail.id],
    manager: [group.id, retail.id, payments.id],
    outsider: [acme.id],
    removed: [retail.id],
  }
  await createEveryRow(group.id, { reviewers: [users.manager] })
  await createEveryRow(retail.id, { reviewers: [users.finance, users.viewer, users.manager, users.removed] })
  await createEveryRow(payments.id, { reviewers: [users.ops, users.manager] })
  await createEveryRow(acme.id, { reviewers: [users.outsider] })
}, 60_000)

/** What `user` must hold of `table` when it sees `tenants`, read by the superuser. */
async function expectedKeys(table: string, userId: string, tenants: string[]): Promise<string[]> {
  const key = TABLES[table as keyof typeof TABLES].primaryKey.map((k) => `${k}::text`).join(` || '|' || `)
  let where: string
  if (table === 'profiles')
    where = `id = $2 or id in (select user_id from public.tenant_members where tenant_id = any ($1::uuid[]))`
  else if (table === 'review_snoozes') where = 'tenant_id = any ($1::uuid[]) and user_id = $2'
  // Reference tables without a tenant (role_permissions, fx_rates) are everyone's.
  else if (TABLES[table as keyof typeof TABLES].scope === 'global') where = 'true'
  // Tables a read permission gates (audit_log under audit:read, …): only where the reviewer's role has it.
  else
    where = `tenant_id = any ($1::uuid[]) and not exists (select 1 from public.read_gates() g where g.table_name = '${table}'
               and not public.has_permission(tenant_id, $2, g.permission))`
  const { rows } = await admin().query<{ key: string }>(
    `select ${key} as key from public.${table} where (${where}) and $1::uuid[] is not null and $2::uuid is not null`,
    [tenants, userId],
  )
  return rows.map((r) => r.key).sort()
}

async function expectReplicaMatches(replica: Replica, who: Who, tenants: string[]) {
  const want = new Map<string, string[]>()
  for (const table of TABLE_NAMES) want.set(table, await expectedKeys(table, users[who].id, tenants))
  const matches = () => TABLE_NAMES.every((t) => replica.keys(t).join() === want.get(t)?.join())
  await replica.pullUntil(matches, { limit: 37 })
  for (const table of TABLE_NAMES) expect({ who, table, keys: replica.keys(table) }).toEqual({ who, table, keys: want.get(table) })
  expect([...replica.tenants].sort()).toEqual([...tenants].sort())
}

describe('RLS through sync_pull', () => {
  it('has rows in every replicated table for the reviewers to see', async () => {
    for (const table of TABLE_NAMES) {
      expect({ table, n: (await expectedKeys(table, users.manager.id, expectedTenants.manager)).length }).not.toEqual({
        table,
        n: 0,
      })
    }
  })

  for (const who of ['finance', 'ops', 'viewer', 'manager', 'outsider'] as const) {
    it(`gives ${who} exactly the rows of the tenants they may see, table by table`, async () => {
      await expectReplicaMatches(new Replica(users[who].id), who, expectedTenants[who])
    })
  }

  it('gives anon nothing at all', async () => {
    const answer = await asAnon((c) => c.query('select public.sync_pull($1::jsonb, 1000) as p', ['{}']))
    expect(answer.rows[0].p).toEqual({ tenants: [], changes: {}, cursors: {}, has_more: false })
  })

  it('drops a tenant from a member removed mid-sync: gone from tenants, no rows of it come back', async () => {
    const replica = new Replica(users.removed.id)
    await expectReplicaMatches(replica, 'removed', [retail.id])
    expect(replica.rows('approvals').length).toBeGreaterThan(0)

    await deactivateMember(retail.id, users.removed.id)
    // New rows in the tenant after the removal must not reach the removed member either.
    await createEveryRow(retail.id, { reviewers: [users.removed] })

    const stale = await pullOnce(users.removed.id, replica.cursors, 1000)
    expect(stale.tenants).toEqual([])
    const leaked = Object.entries(stale.changes)
      .filter(([table]) => TABLES[table as keyof typeof TABLES].scope === 'tenant')
      .flatMap(([table, rows]) => rows.map((r) => `${table}:${rowKey(table, r)}`))
    expect(leaked).toEqual([])
    replica.apply(stale)
    await expectReplicaMatches(replica, 'removed', [])
    // Only what every signed-in reviewer sees remains: their own profile and the permission table.
    expect(replica.keys('profiles')).toEqual([users.removed.id])
    expect(replica.keys('approvals')).toEqual([])

    const fresh = new Replica(users.removed.id)
    await expectReplicaMatches(fresh, 'removed', [])
  })
})

describe('direct writes', () => {
  /** Every table in public (replicated or not: sync_mutations, the audit chain heads …) and a plain column of it. */
  let tables: { table: string; column: string }[] = []
  beforeAll(async () => {
    const { rows } = await admin().query<{ table: string; column: string }>(
      `select c.table_name as table, min(c.column_name) as column
         from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and c.is_generated = 'NEVER' and c.is_identity = 'NO'
        group by c.table_name order by c.table_name`,
    )
    tables = rows
  })

  const attempts = ({ table, column }: { table: string; column: string }) => ({
    insert: `insert into public.${table} default values`,
    update: `update public.${table} set ${column} = ${column}`,
    delete: `delete from public.${table}`,
  })

  it('covers at least every replicated table', () => {
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining([...TABLE_NAMES]))
  })

  it('refuses every INSERT, UPDATE and DELETE by an authenticated reviewer, on every table', async () => {
    const outcomes: string[] = []
    for (const target of tables) {
      for (const [op, sql] of Object.entries(attempts(target))) {
        const error = await asUser(users.manager.id, (c) => c.query(sql)).then(
          () => 'allowed',
          (e: Error) => e.message,
        )
        outcomes.push(`${target.table} ${op}: ${/permission denied/.test(error) ? 'refused' : error}`)
      }
    }
    expect(outcomes).toEqual(tables.flatMap((t) => ['insert', 'update', 'delete'].map((op) => `${t.table} ${op}: refused`)))
  })

  it('refuses anon even a read, on every table', async () => {
    const outcomes: string[] = []
    for (const target of tables) {
      for (const sql of [`select 1 from public.${target.table} limit 1`, ...Object.values(attempts(target))]) {
        const error = await asAnon((c) => c.query(sql)).then(
          () => 'allowed',
          (e: Error) => e.message,
        )
        outcomes.push(/permission denied/.test(error) ? 'refused' : `${sql}: ${error}`)
      }
    }
    expect(outcomes.filter((o) => o !== 'refused')).toEqual([])
    expect(outcomes).toHaveLength(tables.length * 4)
  })

  it('lets service_role write business rows (agents and seeds need it) but still respects RLS for reviewers', async () => {
    const name = `svc-${Date.now()}`
    await asClaims(
      { role: 'service_role' },
      (c) => c.query(`insert into public.agents (tenant_id, name) values ($1, $2)`, [acme.id, name]),
      { commit: true },
    )
    const seen = await asUser(users.finance.id, (c) => c.query('select 1 from public.agents where name = $1', [name]))
    expect(seen.rowCount).toBe(0)
    const own = await asUser(users.outsider.id, (c) => c.query('select 1 from public.agents where name = $1', [name]))
    expect(own.rowCount).toBe(1)
  })
})
