// An app version that replicates more than the one before — a column of a table the replica already
// holds, a whole table it skipped — brings those values and rows for everything it already held:
// an older build that skipped a table still moved that table's cursors, and an upgrade that trusted
// them would never download those rows. The rows held stay readable while the new ones arrive.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mirrorTables } from '../../src/core/replica/mirror'
import { replicatedTables } from '../../src/core/replica/registry'
import { Replica } from '../../src/core/replica/replica'
import type { TableSpec } from '../../src/core/replica/tables'
import { APPROVAL_SEARCH_EXPR, SEARCH_PENDING_LIST_KB } from '../../src/core/replica/view-indexes'
import { DEMO } from '../support/db'
import {
  createApproval,
  createAuditEntry,
  createMember,
  createTenant,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { faultyFetch } from './support/faulty-fetch'
import { replicaDigest, replicaOf, serverDigest, settled, startCore, type TestCore } from './support/harness'

/** The previous app version: approvals without `counterparty`, and no audit_log at all. */
function previousVersion(): TableSpec[] {
  return replicatedTables()
    .filter((t) => t.name !== 'audit_log')
    .map((t) =>
      t.name === 'approvals' ? { ...t, columns: t.columns.filter((c) => c.name !== 'counterparty') } : t,
    )
}

let tenant: TenantRef
let reviewer: UserRef
let before: TestCore | undefined
let after: TestCore | undefined

beforeAll(async () => {
  tenant = await createTenant({ name: 'Upgrade' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'upgrade' })
  for (let i = 0; i < 3; i++)
    await createApproval(tenant.id, { title: `Upgrade ${i}`, counterparty: `Counterparty ${i}` })
  for (let i = 0; i < 3; i++) await createAuditEntry(tenant.id, { action: `upgrade.${i}` })
})

afterAll(async () => {
  await before?.close()
  await after?.close()
})

describe('an upgrade that replicates a new column and a new table', () => {
  it('backfills the column for rows already held and the table from its start, keeping the held rows readable', { timeout: 120_000 }, async () => {
    before = await startCore({ tables: previousVersion() })
    await before.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    await settled(before)
    const old = replicaOf(before)
    const columns = await old.query(
      `select 1 from information_schema.columns where table_name = 'approvals' and column_name = 'counterparty'`,
    )
    expect(columns.rows).toHaveLength(0)
    // The trap: the old version skipped audit_log's rows but holds a cursor past them.
    const skipped = await old.query(
      `select 1 from sync_cursors where table_name = 'audit_log' and scope = $1`,
      [tenant.id],
    )
    expect(skipped.rows).toHaveLength(1)
    const { dir, store } = before
    await before.close({ keepDir: true })
    before = undefined

    // The new version starts without a network: the inbox it held is still there.
    const net = faultyFetch()
    net.online(false)
    after = await startCore({ dir, store, fetch: net.fetch })
    const offline = await after.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 50, offset: 0 })
    expect(offline.items.map((i) => i.title).sort()).toEqual(['Upgrade 0', 'Upgrade 1', 'Upgrade 2'])
    expect(offline.items.every((i) => i.counterparty === null)).toBe(true)

    net.online(true)
    await settled(after)
    const online = await after.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 50, offset: 0 })
    expect(Object.fromEntries(online.items.map((i) => [i.title, i.counterparty]))).toEqual({
      'Upgrade 0': 'Counterparty 0',
      'Upgrade 1': 'Counterparty 1',
      'Upgrade 2': 'Counterparty 2',
    })
    const audit = await replicaOf(after).query<{ action: string }>(
      `select action from audit_log where tenant_id = $1 and action like 'upgrade.%' order by action`,
      [tenant.id],
    )
    expect(audit.rows.map((r) => r.action)).toEqual(['upgrade.0', 'upgrade.1', 'upgrade.2'])
    expect(await replicaDigest(replicaOf(after))).toEqual(await serverDigest(reviewer.id))
  })
})

describe('an upgrade that changes only the replica’s own indexes', () => {
  it('rebuilds them where they are: the rows and the cursors stay, so nothing is downloaded again', async () => {
    const replica = await Replica.open(null, randomUUID(), replicatedTables())
    try {
      const db = replica.db
      const id = randomUUID()
      const scope = randomUUID()
      await db.query(`insert into approvals (id, tenant_id, kind, title, status, risk_level) values ($1, $2, 'refund', 'Kept', 'pending', 1)`, [id, scope])
      await db.query(`insert into sync_cursors (scope, table_name, txid, version) values ($1, 'approvals', '7', 42)`, [scope])
      // As the previous build made it: its search index without a pending-list limit.
      await db.exec(`drop index approvals_search_idx;
        create index approvals_search_idx on approvals using gin ((${APPROVAL_SEARCH_EXPR}) gin_trgm_ops) where status = 'pending' and deleted_at is null;
        update replica_tables set signature = 'the previous build' where table_name = 'approvals'`)

      expect(await mirrorTables(db, replicatedTables())).toEqual(['approvals'])

      const held = await db.query<{ title: string }>('select title from approvals where id = $1', [id])
      expect(held.rows).toEqual([{ title: 'Kept' }])
      const cursor = await db.query<{ version: number }>(`select version::int from sync_cursors where scope = $1 and table_name = 'approvals'`, [scope])
      expect(cursor.rows).toEqual([{ version: 42 }])
      const options = await db.query<{ reloptions: string[] }>(`select reloptions from pg_class where relname = 'approvals_search_idx'`)
      expect(options.rows).toEqual([{ reloptions: [`gin_pending_list_limit=${SEARCH_PENDING_LIST_KB}`] }])
      const found = await db.query(`select 1 from approvals where ${APPROVAL_SEARCH_EXPR} like '%kept%' and status = 'pending' and deleted_at is null`)
      expect(found.rows).toHaveLength(1)
    } finally {
      await replica.close()
    }
  })
})
