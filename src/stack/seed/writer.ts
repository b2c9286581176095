// Bulk writes for the generator: thousands of rows per statement through
// `jsonb_populate_recordset`, with the column list checked against the live schema so a renamed
// column fails loudly instead of being dropped. Triggers (sync stamping, audit chain) stay on.
import type pg from 'pg'
import type { TableBatch } from './sink'

export type Row = Record<string, unknown>

/** Rows per statement for single-table inserts; large enough to amortise the round trip. */
const BATCH_ROWS = 4000

export class TableWriter {
  private columns = new Map<string, Set<string>>()
  readonly counts = new Map<string, number>()

  constructor(private readonly client: pg.ClientBase) {}

  /** Reads the insertable columns of every public table (generated and identity columns excluded). */
  async load(): Promise<void> {
    const { rows } = await this.client.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
       where table_schema = 'public' and is_generated = 'NEVER' and is_identity = 'NO'`,
    )
    this.columns.clear()
    for (const r of rows) {
      let set = this.columns.get(r.table_name)
      if (!set) this.columns.set(r.table_name, (set = new Set()))
      set.add(r.column_name)
    }
  }

  /** `insert … select … from jsonb_populate_recordset($n)` for one table, keeping the rows' order. */
  private insertSql(table: string, columns: readonly string[], param: number): string {
    const known = this.columns.get(table)
    if (!known) throw new Error(`seed: table public.${table} does not exist`)
    const unknown = columns.filter((c) => !known.has(c))
    if (unknown.length) throw new Error(`seed: public.${table} has no column ${unknown.join(', ')}`)
    const list = columns.map((c) => `"${c}"`).join(', ')
    return (
      `insert into public."${table}" (${list}) select ${list} ` +
      `from jsonb_populate_recordset(null::public."${table}", $${param}::jsonb) with ordinality as r order by r.ordinality`
    )
  }

  private count(table: string, n: number): void {
    this.counts.set(table, (this.counts.get(table) ?? 0) + n)
  }

  /** Inserts rows in their given order (the audit chain depends on it), a few thousand per statement. */
  async insert(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return
    const columns = new Set<string>()
    for (const row of rows) for (const k in row) columns.add(k)
    const sql = this.insertSql(table, [...columns], 1)
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      try {
        await this.client.query(sql, [JSON.stringify(rows.slice(i, i + BATCH_ROWS))])
      } catch (err) {
        throw new Error(`seed: inserting into public.${table} failed: ${(err as Error).message}`, {
          cause: err,
        })
      }
    }
    this.count(table, rows.length)
  }

  /**
   * Inserts into several tables in one statement (one data-modifying CTE per table), so the server
   * works through a whole chunk without waiting for the client between tables. Foreign keys are
   * checked at the end of the statement, when every CTE's rows are in.
   */
  async insertAll(batches: readonly TableBatch[]): Promise<void> {
    if (batches.length === 0) return
    const ctes = batches.map((b, i) => `w${i} as (${this.insertSql(b.table, b.columns, i + 1)})`)
    try {
      await this.client.query(
        `with ${ctes.join(',\n')} select 1`,
        batches.map((b) => b.json),
      )
    } catch (err) {
      const tables = batches.map((b) => b.table).join(', ')
      throw new Error(`seed: inserting into ${tables} failed: ${(err as Error).message}`, { cause: err })
    }
    for (const b of batches) this.count(b.table, b.count)
  }
}
