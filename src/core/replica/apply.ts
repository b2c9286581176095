// Applies one pulled batch to the replica — its rows, the purge of tenants no longer visible and of
// tables no longer readable in a tenant (withheld), and its cursors — in a single local transaction, so a crash leaves the replica at the previous batch.
// Rows are upserted in bulk from one JSON parameter, keeping whichever version is newer.
import type { Transaction } from '@electric-sql/pglite'
import { GLOBAL_SCOPE, type PullResponse, type Row } from '../../shared/sync-protocol'
import type { ReplicaDb } from './open'
import { quoteIdent, type TableSpec } from './tables'

export interface ApplyResult {
  rows: number
  perTable: Record<string, number>
  purgedTenants: string[]
  tables: string[]
}

const upsertSqlCache = new WeakMap<TableSpec, string>()

function upsertSql(spec: TableSpec): string {
  const cached = upsertSqlCache.get(spec)
  if (cached) return cached
  const t = quoteIdent(spec.name)
  const cols = spec.columns.map((c) => quoteIdent(c.name))
  const pk = spec.primaryKey.map(quoteIdent)
  const updates = spec.columns
    .filter((c) => !spec.primaryKey.includes(c.name))
    .map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`)
  // distinct on: one row per key even if a batch carries it twice (else ON CONFLICT would refuse).
  const sql = `insert into ${t} (${cols.join(', ')})
    select ${cols.join(', ')} from (
      select distinct on (${pk.join(', ')}) * from jsonb_populate_recordset(null::${t}, $1::jsonb)
      order by ${pk.join(', ')}, sync_version desc) s
    on conflict (${pk.join(', ')}) do update set ${updates.join(', ')}
    where excluded.sync_version > ${t}.sync_version`
  upsertSqlCache.set(spec, sql)
  return sql
}

async function upsertRows(tx: Transaction, spec: TableSpec, rows: Row[]): Promise<void> {
  if (rows.length === 0) return
  await tx.query(upsertSql(spec), [JSON.stringify(rows)])
}

/**
 * `meta` is written to replica_meta with the batch (beside last_pull_at), so what the caller records
 * about the batch (the first sync's progress) can never disagree with the rows it describes.
 */
export async function applyPull(
  db: ReplicaDb,
  specs: Map<string, TableSpec>,
  pull: PullResponse,
  at: Date,
  meta: Record<string, unknown> = {},
): Promise<ApplyResult> {
  let rows = 0
  const perTable: Record<string, number> = {}
  const touched = new Set<string>()
  let purgedTenants: string[] = []
  await db.transaction(async (tx) => {
    for (const section of [pull.priority ?? {}, pull.changes]) {
      for (const [table, tableRows] of Object.entries(section)) {
        const spec = specs.get(table)
        // A table this build does not know yet: skip it; a later registry brings it from zero.
        if (!spec || tableRows.length === 0) continue
        await upsertRows(tx, spec, tableRows)
        rows += tableRows.length
        perTable[table] = (perTable[table] ?? 0) + tableRows.length
        touched.add(table)
      }
    }
    if (Object.keys(pull.cursors).length > 0) {
      await tx.query(
        `insert into sync_cursors (scope, table_name, txid, version)
         select s.key, t.key, t.value->>'txid', (t.value->>'version')::bigint
           from jsonb_each($1::jsonb) s cross join lateral jsonb_each(s.value) t
         on conflict (scope, table_name) do update set txid = excluded.txid, version = excluded.version`,
        [JSON.stringify(pull.cursors)],
      )
    }
    // After the cursors: a purge or a restart of the tenant-less streams must win over them.
    purgedTenants = await purgeInvisibleTenants(tx, specs, pull.tenants, touched)
    await purgeWithheld(tx, specs, pull.withheld ?? {}, touched)
    await tx.query(
      `insert into replica_meta (key, value) select key, value from jsonb_each($1::jsonb)
       on conflict (key) do update set value = excluded.value`,
      // withheld is kept too: Verify refuses a tenant whose audit log the reviewer may not read.
      [JSON.stringify({ ...meta, last_pull_at: at.toISOString(), withheld: pull.withheld ?? {} })],
    )
  })
  return { rows, perTable, purgedTenants, tables: [...touched] }
}

async function purgeInvisibleTenants(
  tx: Transaction,
  specs: Map<string, TableSpec>,
  visible: string[],
  touched: Set<string>,
): Promise<string[]> {
  const held = (await tx.query<{ tenant_id: string }>('select tenant_id from sync_tenants')).rows.map((r) => r.tenant_id)
  const visibleSet = new Set(visible)
  const gone = held.filter((t) => !visibleSet.has(t))
  const changed = gone.length > 0 || visible.some((t) => !held.includes(t))
  if (gone.length > 0) {
    for (const spec of specs.values()) {
      const res = spec.tenantScoped
        ? await tx.query(`delete from ${quoteIdent(spec.name)} where tenant_id <> all($1::uuid[])`, [visible])
        : // Who is visible (profiles) depends on the tenants: start those tables again from zero.
          await tx.query(`delete from ${quoteIdent(spec.name)}`)
      if ((res.affectedRows ?? 0) > 0) touched.add(spec.name)
    }
    await tx.query('delete from sync_cursors where scope <> all($1::text[]) and scope <> $2', [visible, GLOBAL_SCOPE])
  }
  // A tenant set that changed either way makes rows of tenant-less tables (profiles) newly visible
  // without them changing: the server expects those streams to restart (sync_pull's contract).
  if (changed && held.length > 0) await tx.query('delete from sync_cursors where scope = $1', [GLOBAL_SCOPE])
  if (changed) {
    await tx.query('delete from sync_tenants where tenant_id <> all($1::uuid[])', [visible])
    if (visible.length > 0) {
      await tx.query('insert into sync_tenants (tenant_id) select unnest($1::uuid[]) on conflict do nothing', [visible])
    }
  }
  return gone
}

/**
 * Deletes the rows of tables the reviewer may no longer read in a tenant (a permission taken from
 * their role) and drops those streams' cursors, so the rows come back from the start if the
 * permission does.
 */
async function purgeWithheld(
  tx: Transaction,
  specs: Map<string, TableSpec>,
  withheld: Record<string, string[]>,
  touched: Set<string>,
): Promise<void> {
  for (const [tenantId, tables] of Object.entries(withheld)) {
    for (const table of tables) {
      const spec = specs.get(table)
      if (!spec?.tenantScoped) continue
      const res = await tx.query(`delete from ${quoteIdent(spec.name)} where tenant_id = $1`, [tenantId])
      if ((res.affectedRows ?? 0) > 0) touched.add(spec.name)
    }
    await tx.query('delete from sync_cursors where scope = $1 and table_name = any($2::text[])', [tenantId, tables])
  }
}
