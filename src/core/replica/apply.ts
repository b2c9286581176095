// Applies one pulled page to the replica — its rows, the purge of tenants no longer visible and of
// tables no longer readable in a tenant (withheld), and its cursors — in a single local
// transaction, so a crash leaves the replica at the previous page.
// Each table's rows arrive as the JSON text the server sent (sync/page.ts): PostgreSQL parses it
// once, checks every row (key, version, a visible tenant) and upserts them in bulk in one
// statement, keeping whichever version is newer. A row that fails a check, or text that is not
// rows at all, rolls the whole page back: the replica is left exactly as it was.
import type { Transaction } from '@electric-sql/pglite'
import { GLOBAL_SCOPE } from '../../shared/sync-protocol'
import type { PulledPage } from '../sync/page'
import type { ReplicaDb } from './open'
import { quoteIdent, type TableSpec } from './tables'

export interface ApplyResult {
  /** Rows of the page's changes (the priority section repeats some of them). */
  rows: number
  perTable: Record<string, number>
  purgedTenants: string[]
  tables: string[]
}

/** A page the server sent that the replica refuses (a row without its key, of an invisible tenant …). */
export class RefusedPage extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RefusedPage'
  }
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
  const invalid = [...pk.map((k) => `${k} is null`), `sync_version is null`]
  if (spec.tenantScoped) invalid.push(`tenant_id is null`, `tenant_id <> all($2::uuid[])`)
  // One statement: the rows are parsed once, counted and checked, and upserted only if every one
  // passed. distinct on: one row per key even if a page carries it twice (ON CONFLICT would refuse).
  // A version equal to the held one is applied again: that is how a column added by an upgrade is
  // filled in for rows the replica already holds (mirror.ts resets the table's cursors).
  const sql = `with src as materialized (select * from jsonb_populate_recordset(null::${t}, $1::jsonb)),
    checked as (select count(*)::int as total, count(*) filter (where ${invalid.join(' or ')})::int as bad from src),
    applied as (
      insert into ${t} (${cols.join(', ')})
      select ${cols.join(', ')} from (
        select distinct on (${pk.join(', ')}) * from src where (select bad from checked) = 0
        order by ${pk.join(', ')}, sync_version desc) s
      on conflict (${pk.join(', ')}) do update set ${updates.join(', ')}
      where excluded.sync_version >= ${t}.sync_version
      returning 1)
    select total, bad, (select count(*)::int from applied) as applied from checked`
  upsertSqlCache.set(spec, sql)
  return sql
}

async function upsertRows(tx: Transaction, spec: TableSpec, json: string, tenants: string[]): Promise<number> {
  const res = await tx.query<{ total: number; bad: number }>(upsertSql(spec), spec.tenantScoped ? [json, tenants] : [json])
  const { total, bad } = res.rows[0]!
  if (bad > 0) throw new RefusedPage(`${bad} of ${total} ${spec.name} rows lack their key or version, or belong to a tenant that is not visible`)
  return total
}

/**
 * `meta` gives what the caller records about the page (the first sync's progress) from its row
 * count; it is written to replica_meta in the same transaction (beside last_pull_at), so it can
 * never disagree with the rows it describes.
 */
export async function applyPage(
  db: ReplicaDb,
  specs: Map<string, TableSpec>,
  page: PulledPage,
  at: Date,
  meta: (rows: number) => Record<string, unknown> = () => ({}),
): Promise<ApplyResult> {
  let rows = 0
  const perTable: Record<string, number> = {}
  const touched = new Set<string>()
  let purgedTenants: string[] = []
  await db.transaction(async (tx) => {
    for (const section of page.rows) {
      const spec = specs.get(section.table)
      // A table this build does not know yet: skipped. Its cursors are kept, and the version that
      // learns the table resets them (mirror.ts), so its rows come from the start then.
      if (!spec) continue
      const n = await upsertRows(tx, spec, section.json, page.tenants)
      if (n === 0) continue
      touched.add(section.table)
      if (section.priority) continue
      rows += n
      perTable[section.table] = (perTable[section.table] ?? 0) + n
    }
    if (Object.keys(page.cursors).length > 0) {
      await tx.query(
        `insert into sync_cursors (scope, table_name, txid, version)
         select s.key, t.key, t.value->>'txid', (t.value->>'version')::bigint
           from jsonb_each($1::jsonb) s cross join lateral jsonb_each(s.value) t
         on conflict (scope, table_name) do update set txid = excluded.txid, version = excluded.version`,
        [JSON.stringify(page.cursors)],
      )
    }
    // After the cursors: a purge or a restart of the tenant-less streams must win over them.
    purgedTenants = await purgeInvisibleTenants(tx, specs, page.tenants, touched)
    await purgeWithheld(tx, specs, page.withheld, touched)
    await tx.query(
      `insert into replica_meta (key, value) select key, value from jsonb_each($1::jsonb)
       on conflict (key) do update set value = excluded.value`,
      // withheld is kept too: Verify refuses a tenant whose audit log the reviewer may not read.
      [JSON.stringify({ ...meta(rows), last_pull_at: at.toISOString(), withheld: page.withheld })],
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
