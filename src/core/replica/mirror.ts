// Keeps the replicated tables in step with the server registry: each table is created from its
// spec, and when a spec (or the replica's own indexes on it) changes, that table alone is rebuilt
// and its cursors reset so the next pulls bring it back. Queued intents live elsewhere and stay.
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

/** Creates missing tables and rebuilds changed ones; returns the names of tables (re)built. */
export async function mirrorTables(db: ReplicaDb, specs: TableSpec[]): Promise<string[]> {
  specs.forEach(checkSpec)
  await db.exec('create extension if not exists pg_trgm')
  const known = new Map(
    (await db.query<{ table_name: string; signature: string }>('select table_name, signature from replica_tables')).rows.map(
      (r) => [r.table_name, r.signature],
    ),
  )
  const rebuilt: string[] = []
  await db.transaction(async (tx: Transaction) => {
    for (const spec of specs) {
      const signature = tableSignature(spec)
      if (known.get(spec.name) === signature) continue
      await tx.exec(`drop table if exists ${quoteIdent(spec.name)} cascade`)
      await tx.exec(createTableSql(spec))
      for (const ix of indexesFor(spec.name, new Set(spec.columns.map((c) => c.name)))) await tx.exec(ix.sql)
      await tx.query('delete from sync_cursors where table_name = $1', [spec.name])
      await tx.query(
        `insert into replica_tables (table_name, signature) values ($1, $2)
         on conflict (table_name) do update set signature = excluded.signature`,
        [spec.name, signature],
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
