// Bulk writes for the generator: thousands of rows per statement through
// `jsonb_populate_recordset`, with the column list checked against the live schema so a renamed
// column fails loudly instead of being dropped. Triggers (sync stamping, audit chain) stay on.
import type pg from 'pg'

export type Row = Record<string, unknown>

/** Rows per statement; large enough to amortise the round trip, small enough to keep JSON texts modest. */
const BATCH_ROWS = 4000

export class TableWriter {
  private columns = new Map<string, Set<string>>()
  readonly counts = new Map<string, number>()
  /** Milliseconds spent in each table's inserts, to see where a run's time goes. */
  readonly millis = new Map<string, number>()

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

  hasTable(table: string): boolean {
    return this.columns.has(table)
  }

  hasColumn(table: string, column: string): boolean {
    return this.columns.get(table)?.has(column) ?? false
  }

  /** Inserts rows in their given order (the audit chain depends on it). */
  async insert(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return
    const known = this.columns.get(table)
    if (!known) throw new Error(`seed: table public.${table} does not exist`)
    const cols = new Set<string>()
    for (const row of rows) for (const k of Object.keys(row)) cols.add(k)
    const unknown = [...cols].filter((c) => !known.has(c))
    if (unknown.length) throw new Error(`seed: public.${table} has no column ${unknown.join(', ')}`)
    const list = [...cols].map((c) => `"${c}"`).join(', ')
    const sql =
      `insert into public."${table}" (${list}) select ${list} ` +
      `from jsonb_populate_recordset(null::public."${table}", $1::jsonb) with ordinality as r order by r.ordinality`
    const started = performance.now()
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      const batch = rows.slice(i, i + BATCH_ROWS)
      try {
        await this.client.query(sql, [JSON.stringify(batch)])
      } catch (err) {
        throw new Error(`seed: inserting into public.${table} failed: ${(err as Error).message}`, { cause: err })
      }
    }
    this.counts.set(table, (this.counts.get(table) ?? 0) + rows.length)
    this.millis.set(table, (this.millis.get(table) ?? 0) + performance.now() - started)
  }
}
