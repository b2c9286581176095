// One reviewer's replica: the PGlite database, the table specs it mirrors and whose it is. Opening
// runs the local migrations and mirrors the registry; a replica never opens for another user.
import { realpath, rm } from 'node:fs/promises'
import type { ReplicaDb } from './open'
import { adoptLegacyReplica, flushWal, makePrivate, makePrivateInBackground, openReplicaDb, replicaDir, type ReplicaPlace } from './open'
import { runLocalMigrations } from './migrations'
import { mirrorTables } from './mirror'
import { PreparedStatements } from './prepared'
import { claimSpare, type OpenSpare } from './spare'
import type { Cursors } from '../../shared/sync-protocol'
import { quoteIdent, type TableSpec } from './tables'

/** Rows a table takes before it is vacuumed (no autovacuum here), and at least before its statistics are refreshed. */
const REFRESH_AFTER_ROWS = 500
/**
 * ...and its statistics are refreshed only once the rows it took since reach this share of it, as
 * PostgreSQL's autovacuum does (autovacuum_analyze_scale_factor): 500 more rows say nothing new
 * about a table of 100,000, and with agents filing 300 requests a second, refreshing approvals,
 * actions and audit_log every 500 rows took 35–200 ms of the core's one thread each, every
 * second and a half (the reviewer's calls waiting behind them).
 */
const ANALYZE_SHARE = 0.1

export class Replica {
  readonly specs: Map<string, TableSpec>
  /** Rows applied per table since its statistics were last refreshed, and since it was last vacuumed (PGlite has no autovacuum). */
  private readonly unanalyzed = new Map<string, number>()
  private readonly unvacuumed = new Map<string, number>()
  /** Files left open to others by a crash are tightened after the replica opens, not before (close waits for it). */
  private privacy: Promise<void> = Promise.resolve()
  /** The reviewer's hot reads (the inbox's pages and searches), parsed once per session. */
  readonly reads: PreparedStatements

  private constructor(
    readonly db: ReplicaDb,
    readonly dir: string | null,
    readonly userId: string,
    specs: TableSpec[],
  ) {
    this.specs = new Map(specs.map((s) => [s.name, s]))
    this.reads = new PreparedStatements(db)
  }

  /**
   * Opens (creating if needed) the replica of `userId` on a backend; `place` null = in memory. A spare
   * already open is adopted when the user has no replica yet (no second open); otherwise it is
   * left alone for the caller to close.
   */
  static async open(place: ReplicaPlace | null, userId: string, specs: TableSpec[], spare?: OpenSpare | null): Promise<Replica> {
    if (place) adoptLegacyReplica(place, userId)
    const dir = place ? replicaDir(place, userId) : null
    let db: ReplicaDb
    if (place && spare && (await claimSpare(place, userId, spare.dir))) {
      db = spare.db
    } else {
      if (place) await claimSpare(place, userId)
      db = await openReplicaDb(dir)
    }
    try {
      await runLocalMigrations(db)
      const owner = await db.query<{ value: string }>(`select value #>> '{}' as value from replica_meta where key = 'user_id'`)
      const existing = owner.rows[0]?.value
      if (existing && existing !== userId) throw new Error('this replica belongs to another user')
      if (!existing) {
        await db.query(`insert into replica_meta (key, value) values ('user_id', $1)`, [JSON.stringify(userId)])
      }
      await mirrorTables(db, specs)
      const replica = new Replica(db, dir, userId, specs)
      // A file PostgreSQL removes meanwhile (a recycled WAL segment) may end the walk early: the
      // walk at close covers everything again, and reports what it cannot fix.
      if (dir) replica.privacy = realpath(dir).then(makePrivateInBackground).catch(() => {})
      return replica
    } catch (err) {
      await db.close().catch(() => {})
      throw err
    }
  }

  async meta<T>(key: string): Promise<T | null> {
    const res = await this.db.query<{ value: T }>('select value from replica_meta where key = $1', [key])
    return res.rows[0]?.value ?? null
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.query(
      `insert into replica_meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value`,
      [key, JSON.stringify(value)],
    )
  }

  /** Where each (tenant, table) stream stands: what the next pull asks from. */
  async cursors(): Promise<Cursors> {
    const res = await this.db.query<{ scope: string; table_name: string; txid: string; version: string }>(
      'select scope, table_name, txid, version::text as version from sync_cursors',
    )
    const cursors: Cursors = {}
    for (const c of res.rows) {
      cursors[c.scope] ??= {}
      cursors[c.scope]![c.table_name] = { txid: c.txid, version: Number(c.version) }
    }
    return cursors
  }

  /** The tenants the last applied pull said were visible. */
  async tenants(): Promise<string[]> {
    return (await this.db.query<{ tenant_id: string }>('select tenant_id from sync_tenants')).rows.map((r) => r.tenant_id)
  }

  /** Counts rows a pull applied (or a push resolved), towards each table's next vacuum and refresh of its statistics. */
  noteApplied(perTable: Record<string, number>): void {
    for (const [table, n] of Object.entries(perTable)) {
      this.unanalyzed.set(table, (this.unanalyzed.get(table) ?? 0) + n)
      this.unvacuumed.set(table, (this.unvacuumed.get(table) ?? 0) + n)
    }
  }

  /**
   * PGlite runs no autovacuum: refreshes statistics (so the planner picks the inbox's indexes) for
   * tables that grew by a tenth since (and by 500 rows at least) — or every table that took any,
   * with 'all'. One table per statement, the reviewer's calls going between (`between`): PGlite
   * runs one statement at a time. The replica samples a tenth of PostgreSQL's usual rows (open.ts),
   * so no refresh holds the reviewer up for long.
   */
  async analyze(which: 'grown' | 'all', between?: () => Promise<unknown>): Promise<void> {
    for (const [table, n] of this.unanalyzed) {
      if (which === 'grown' && (n < REFRESH_AFTER_ROWS || n < ANALYZE_SHARE * (await this.plannedRows(table)))) continue
      await between?.()
      await this.db.exec(`analyze ${quoteIdent(table)}`)
      this.unanalyzed.delete(table)
    }
  }

  /** The planner's idea of a table's size (pg_class.reltuples, which ANALYZE and VACUUM set), as autovacuum reads it. */
  private async plannedRows(table: string): Promise<number> {
    const res = await this.db.query<{ rows: number }>(
      'select greatest(reltuples, 0)::float8 as rows from pg_class where oid = to_regclass($1)',
      [quoteIdent(table)],
    )
    return res.rows[0]?.rows ?? 0
  }

  /**
   * Sets the visibility map (so the inbox's covering indexes answer without heap reads) and clears
   * dead rows, for tables that took 500 rows since — or every table that took any, with 'all'.
   */
  async vacuum(which: 'grown' | 'all', between?: () => Promise<unknown>): Promise<void> {
    for (const [table, n] of this.unvacuumed) {
      if (which === 'grown' && n < REFRESH_AFTER_ROWS) continue
      await between?.()
      await this.db.exec(`vacuum ${quoteIdent(table)}`)
      this.unvacuumed.delete(table)
    }
  }

  /**
   * Marks the pages `table` gained since its last vacuum all-visible, and does no more: a vacuum
   * visits only pages not marked yet, and the index pass, the TOAST table, truncation and the
   * database-wide bookkeeping are skipped (a first sync leaves next to no dead rows). ~2–3 ms
   * after a 5,000-row page of approvals, against 4–32 ms for a plain vacuum.
   */
  async markVisible(table: string, between?: () => Promise<unknown>): Promise<void> {
    await between?.()
    await this.db.exec(`vacuum (index_cleanup off, process_toast false, truncate false, skip_database_stats true) ${quoteIdent(table)}`)
  }

  /** Makes the last commit survive a power cut, not just a killed process (see flushWal). */
  async flush(): Promise<void> {
    if (!this.dir) return
    const res = await this.db.query<{ segment: string }>('select pg_walfile_name(pg_current_wal_lsn()) as segment')
    flushWal(this.dir, res.rows[0]?.segment ?? '')
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close()
    await this.privacy
    // PostgreSQL writes a few files of its own (the relation cache's init files) with the process's
    // umask rather than 0600: tighten whatever it left behind, so the folder at rest is private.
    if (this.dir) {
      const real = await realpath(this.dir).catch(() => null)
      if (real) makePrivate(real)
    }
  }

  /** Closes and deletes the replica's files (sign-out): the folder, and the link to it if it was a spare. */
  async destroy(): Promise<void> {
    await this.close()
    if (!this.dir) return
    const real = await realpath(this.dir).catch(() => this.dir!)
    await rm(real, { recursive: true, force: true })
    await rm(this.dir, { recursive: true, force: true })
  }
}
