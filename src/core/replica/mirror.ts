// Keeps the replicated tables in step with the server registry: each table is created from its
// spec, and when a spec (or the replica's own indexes on it) changes, that table alone changes.
// An upgrade that adds columns alters the table in place and resets its cursors: the next pulls
// bring every row again and fill the new columns in (apply.ts re-applies an equal version), while
// the rows already held stay readable. A table new to this build starts from no cursor, even if an
// older build skipped its rows while moving its cursors. Any other change rebuilds the table from
// zero. Queued intents live elsewhere and stay.
import { createHash } from 'node:crypto'
import type { Transaction } from '@electric-sql/pglite'
import type { ReplicaDb } from './open'
import { checkSpec, localType, quoteIdent, type TableSpec } from './tables'
import { indexesFor } from './view-indexes'

/** Bump when the way tables are built changes, to rebuild every replicated table once. */
const BUILD_VERSION = 1

export function tableSignature(spec: TableSpec): string {
  const indexes = indexesFor(spec.name, new Set(spec.columns.map((c) => c.name))).map((i) => i.sql)
  const body = JSON.stringify({ v: BUILD_VERSION, spec, indexes })
  return createHash('sha256').update(body).digest('hex')
}

export function createTableSql(spec: TableSpec): string {
  const cols = spec.columns.map((c) => `${quoteIdent(c.name)} ${localType(c.type)}`)
  cols.push(`primary key (${spec.primaryKey.map(quoteIdent).join(', ')})`)
  return `create table ${quoteIdent(spec.name)} (\n  ${cols.join(',\n  ')}\n)`
}

/** What a table was built from, as replica_tables keeps it. */
interface BuiltFrom {
  v: number
  spec: TableSpec
}

/**
 * The columns `next` adds to a table built from `held`, when that is all that changed (same key,
 * same tenancy, every held column kept with its type); null when the table must be rebuilt.
 */
export function addedColumns(held: BuiltFrom | null, next: TableSpec): TableSpec['columns'] | null {
  if (!held || held.v !== BUILD_VERSION) return null
  const old = held.spec
  if (old.name !== next.name || old.tenantScoped !== next.tenantScoped) return null
  if (old.primaryKey.join() !== next.primaryKey.join()) return null
  const types = new Map(next.columns.map((c) => [c.name, localType(c.type)]))
  if (!old.columns.every((c) => types.get(c.name) === localType(c.type))) return null
  const had = new Set(old.columns.map((c) => c.name))
  return next.columns.filter((c) => !had.has(c.name))
}

/** Creates missing tables, alters or rebuilds changed ones; returns the names of tables (re)built or altered. */
export async function mirrorTables(db: ReplicaDb, specs: TableSpec[]): Promise<string[]> {
  specs.forEach(checkSpec)
  await db.exec('create extension if not exists pg_trgm')
  const known = new Map(
    (await db.query<{ table_name: string; signature: string; built_from: BuiltFrom | null }>(
      'select table_name, signature, built_from from replica_tables',
    )).rows.map((r) => [r.table_name, r]),
  )
  const rebuilt: string[] = []
  await db.transaction(async (tx: Transaction) => {
    for (const spec of specs) {
      const signature = tableSignature(spec)
      const held = known.get(spec.name)
      const builtFrom = JSON.stringify({ v: BUILD_VERSION, spec } satisfies BuiltFrom)
      if (held?.signature === signature) {
        // Built before specs were kept: keep it now, so the next upgrade can alter in place.
        if (!held.built_from) await tx.query('update replica_tables set built_from = $2 where table_name = $1', [spec.name, builtFrom])
        continue
      }
      const added = held ? addedColumns(held.built_from, spec) : null
      const t = quoteIdent(spec.name)
      if (added) {
        for (const c of added) await tx.exec(`alter table ${t} add column ${quoteIdent(c.name)} ${localType(c.type)}`)
        // The replica's own indexes follow the new spec (an index may cover a new column).
        const indexes = await tx.query<{ name: string }>(
          `select i.relname as name from pg_index x join pg_class i on i.oid = x.indexrelid
            where x.indrelid = $1::regclass and not x.indisprimary`,
          [spec.name],
        )
        for (const ix of indexes.rows) await tx.exec(`drop index ${quoteIdent(ix.name)}`)
      } else {
        await tx.exec(`drop table if exists ${t} cascade`)
        await tx.exec(createTableSql(spec))
      }
      for (const ix of indexesFor(spec.name, new Set(spec.columns.map((c) => c.name)))) await tx.exec(ix.sql)
      // New rows to bring, or new columns to fill in: this table's streams start again from zero.
      if (!added || added.length > 0) await tx.query('delete from sync_cursors where table_name = $1', [spec.name])
      await tx.query(
        `insert into replica_tables (table_name, signature, built_from) values ($1, $2, $3)
         on conflict (table_name) do update set signature = excluded.signature, built_from = excluded.built_from`,
        [spec.name, signature, builtFrom],
      )
      rebuilt.push(spec.name)
    }
    // A table the registry no longer names is dropped with its cursors.
    const current = new Set(specs.map((s) => s.name))
    for (const name of known.keys()) {
      if (current.has(name)) continue
      await tx.exec(`drop table if exists ${quoteIdent(name)} cascade`)
      await tx.query('delete from sync_cursors where table_name = $1', [name])
      await tx.query('delete from replica_tables where table_name = $1', [name])
    }
  })
  return rebuilt
}
