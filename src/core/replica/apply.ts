// Applies one pulled page to the replica: its rows slice by slice, then, in one local transaction,
// its cursors, the purge of tenants no longer visible and of tables no longer readable in a tenant
// (withheld), and what the caller records about the page.
// Each slice is the JSON the server sent for a run of whole rows, held one character per byte and
// already checked row by row (sync/page.ts): PostgreSQL parses it once and upserts it in one statement, keeping whichever
// version is newer; `between` says how much text the next statement may take, so a statement is one
// slice or several consecutive ones joined. A statement commits alone, so the reviewer's queries
// and decisions go between them instead of waiting for a whole page (`between` lets them). Rows written without their
// cursors are safe: the cursors move only in the page's last transaction, after every row it
// covers; a crash or a refused slice before then leaves them where they were, and the next pull
// brings those rows again (an equal version is simply written again). A slice PostgreSQL refuses
// (a value its column cannot take, a key twice) rolls back alone and stops the page there.
// A statement of a keyed table also hands back a column of each row it wrote (`keyed`, `written`):
// what is derived from those rows (the inbox's Others lane) is judged again for them alone.
import { GLOBAL_SCOPE } from '../../shared/sync-protocol'
import type { Transaction } from '@electric-sql/pglite'
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

/** A table's two statements for a slice of its rows: a plain insert, and the upsert. */
interface RowStatements {
  insert: string
  upsert: string
}

/**
 * What a statement of a keyed table reports of each row it wrote: `column`, of the rows for which
 * the condition `when` (SQL over the written row's columns) holds, when there is one.
 */
export interface RowKey {
  column: string
  when?: string
}

/** Each table's statements, and the same statements reporting the rows they wrote. */
const statementsCache = new WeakMap<TableSpec, RowStatements>()
const keyedCache = new WeakMap<TableSpec, Map<RowKey, RowStatements>>()

/** SQLSTATE unique_violation: a key the table holds already. */
const UNIQUE_VIOLATION = '23505'

/** PostgreSQL's type id of json. */
const JSON_OID = 114

/**
 * The rows go to PGlite as the server's UTF-8 bytes (a slice's characters are those bytes, so
 * Latin-1 turns it back into them with a plain copy), which its protocol writer sends in the binary
 * format (a json value's binary form is its text, checked by PostgreSQL as text is: bytes that are
 * not UTF-8 are refused with SQLSTATE 22021). Handed a string, the
 * writer walks it in JavaScript twice, char by char, to size it: ~15% of a first sync's CPU. The
 * serializer that keeps the bytes as they are is typed for strings, hence the cast; the slice
 * tests fail if PGlite ever sends them otherwise.
 */
const AS_BYTES = { serializers: { [JSON_OID]: ((bytes: Uint8Array) => bytes) as unknown as (x: unknown) => string } }

function rowStatements(spec: TableSpec): RowStatements {
  const cached = statementsCache.get(spec)
  if (cached) return cached
  const t = quoteIdent(spec.name)
  const cols = spec.columns.map((c) => quoteIdent(c.name)).join(', ')
  const pk = spec.primaryKey.map(quoteIdent).join(', ')
  const updates = spec.columns
    .filter((c) => !spec.primaryKey.includes(c.name))
    .map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`)
  // json, not jsonb: the text is parsed as it is read, with no whole-slice jsonb built first.
  const insert = `insert into ${t} (${cols}) select ${cols} from json_populate_recordset(null::${t}, $1::json)`
  // A version equal to the held one is applied again: that is how a column added by an upgrade is
  // filled in for rows the replica already holds (mirror.ts resets the table's cursors).
  const upsert = `${insert}
    on conflict (${pk}) do update set ${updates.join(', ')}
    where excluded.sync_version >= ${t}.sync_version`
  const statements = { insert, upsert }
  statementsCache.set(spec, statements)
  return statements
}

/**
 * The statements that also hand back the key of every row they inserted or updated (a row the
 * upsert left as it was is not one), as one JSON array: one value to read, not a row per row.
 */
function keyedStatements(spec: TableSpec, key: RowKey): RowStatements {
  let byKey = keyedCache.get(spec)
  if (!byKey) keyedCache.set(spec, (byKey = new Map()))
  let statements = byKey.get(key)
  if (!statements) {
    const { insert, upsert } = rowStatements(spec)
    const c = quoteIdent(key.column)
    const wanted = key.when ? ` filter (where wanted)` : ''
    const returning = key.when ? `${c}, (${key.when}) as wanted` : c
    const reporting = (write: string) =>
      `with written as (${write} returning ${returning}) select coalesce(json_agg(${c})${wanted}, '[]') as keys from written`
    statements = { insert: reporting(insert), upsert: reporting(upsert) }
    byKey.set(key, statements)
  }
  return statements
}

export interface ApplyOptions {
  at: Date
  /**
   * What the caller records about the page (the first sync's progress) from its row count; written
   * to replica_meta in the page's last transaction (beside last_pull_at), so it can never disagree
   * with the rows it describes.
   */
  meta?: (rows: number) => Record<string, unknown>
  /**
   * Awaited before each statement: the reviewer's calls go first. Resolves to the most text the
   * next statement may take (at least one slice is always written; without it, one per statement).
   */
  between?: () => Promise<number>
  /**
   * Rows of this table were written (and can be read now, before the page ends): by a slice, with
   * the `keyed` key of each row it inserted or updated when the table is keyed; by a purge, with
   * no keys (any row may be gone).
   */
  written?: (table: string, keys?: string[]) => void
  /**
   * Tables whose writes report which rows they touched, and how (a cache derived from them
   * recomputes only those rows; without keys it must recompute everything).
   */
  keyed?: ReadonlyMap<string, RowKey>
  /**
   * Tables whose rows are taken to be new (a first sync: nearly every row arrives once): written
   * with a plain insert, which costs PGlite ~12% less than the upsert's speculative insertion. A
   * statement that meets a key the table holds already (a row changed on the server during the
   * sync) fails whole, is written again as the upsert, and its table leaves the set for the rest
   * of the sync. The priority section's rows, which the changes bring again, never get that far:
   * they come as `again` (sync/page.ts) and are upserted apart.
   */
  newRows?: Set<string>
}

export async function applyPage(db: ReplicaDb, specs: Map<string, TableSpec>, page: PulledPage, opts: ApplyOptions): Promise<ApplyResult> {
  let rows = 0
  const perTable: Record<string, number> = {}
  const touched = new Set<string>()
  // Parents before children (the registry's order), whichever section they came in: a row the
  // reviewer sees between two slices never lacks what this page brings for it to refer to.
  const order = new Map([...specs.keys()].map((name, i) => [name, i]))
  const sections = [...page.rows].sort((a, b) => order.get(a.table)! - order.get(b.table)!)
  for (const section of sections) {
    // page.ts keeps only the tables this build knows. One it does not know yet is skipped: its
    // cursors are kept, and the version that learns the table resets them (mirror.ts).
    const spec = specs.get(section.table)!
    await writeSlices(db, spec, section.slices, opts, opts.newRows)
    // Keys the replica holds from this sync's priority section: upserted, the table's other rows
    // still inserted.
    await writeSlices(db, spec, section.again, opts, undefined)
    if (section.rows === 0) continue
    touched.add(section.table)
    if (section.priority) continue
    rows += section.rows
    perTable[section.table] = (perTable[section.table] ?? 0) + section.rows
  }
  await opts.between?.()
  let purgedTenants: string[] = []
  const purged = new Set<string>()
  await db.transaction(async (tx) => {
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
    purgedTenants = await purgeInvisibleTenants(tx, specs, page.tenants, purged)
    await purgeWithheld(tx, specs, page.withheld, purged)
    await tx.query(
      `insert into replica_meta (key, value) select key, value from jsonb_each($1::jsonb)
       on conflict (key) do update set value = excluded.value`,
      // withheld is kept too: Verify refuses a tenant whose audit log the reviewer may not read.
      [JSON.stringify({ ...opts.meta?.(rows), last_pull_at: opts.at.toISOString(), withheld: page.withheld })],
    )
  })
  for (const table of purged) {
    touched.add(table)
    opts.written?.(table)
  }
  return { rows, perTable, purgedTenants, tables: [...touched] }
}

/** A table's slices, one statement or several joined at a time, as far as each turn allows. */
async function writeSlices(db: ReplicaDb, spec: TableSpec, slices: string[], opts: ApplyOptions, newRows: Set<string> | undefined): Promise<void> {
  for (let next = 0; next < slices.length; ) {
    const most = (await opts.between?.()) ?? 0
    let end = next + 1
    let chars = slices[next]!.length
    while (end < slices.length && chars + slices[end]!.length <= most) chars += slices[end++]!.length
    const key = opts.keyed?.get(spec.name)
    const keys = await writeRows(db, spec, Buffer.from(joinSlices(slices, next, end), 'latin1'), newRows, key)
    opts.written?.(spec.name, keys)
    next = end
  }
}

/**
 * One statement of a table's rows: inserted when taken to be new, else (or once that fails on a held
 * key) upserted. With a `key`, the key of each row written comes back.
 */
async function writeRows(
  db: ReplicaDb,
  spec: TableSpec,
  rows: Buffer,
  newRows: Set<string> | undefined,
  key: RowKey | undefined,
): Promise<string[] | undefined> {
  const { insert, upsert } = key ? keyedStatements(spec, key) : rowStatements(spec)
  const run = async (sql: string) => (await db.query<{ keys: string[] }>(sql, [rows], AS_BYTES)).rows[0]?.keys
  if (newRows?.has(spec.name)) {
    try {
      return await run(insert)
    } catch (err) {
      // A statement runs alone: failed, it wrote nothing, and the upsert writes it all.
      if ((err as { code?: unknown })?.code !== UNIQUE_VIOLATION) throw err
      newRows.delete(spec.name)
    }
  }
  return run(upsert)
}

/** Slices [from, to) as one JSON array: the rows between their brackets, joined by commas. */
function joinSlices(slices: string[], from: number, to: number): string {
  if (to - from === 1) return slices[from]!
  return `[${slices.slice(from, to).map((s) => s.slice(1, -1)).join(',')}]`
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
