// One reviewer's replica: the PGlite database, the table specs it mirrors and whose it is. Opening
// runs the local migrations and mirrors the registry; a replica never opens for another user.
import { realpath, rm } from 'node:fs/promises'
import type { ReplicaDb } from './open'
import { flushWal, makePrivate, openReplicaDb, replicaDir } from './open'
import { runLocalMigrations } from './migrations'
import { mirrorTables } from './mirror'
import { InboxExclusions } from '../queries/hidden'
import { ReviewerContextCache } from '../queries/standing'
import { claimSpare, type OpenSpare } from './spare'
import type { TableSpec } from './tables'

export class Replica {
  readonly specs: Map<string, TableSpec>
  /** The owner's standing (roles, limits, delegations), kept between queries. */
  readonly reviewer: ReviewerContextCache
  /** The pending approvals the owner's inbox leaves out, kept between queries. */
  readonly exclusions: InboxExclusions

  private constructor(
    readonly db: ReplicaDb,
    readonly dir: string | null,
    readonly userId: string,
    specs: TableSpec[],
  ) {
    this.specs = new Map(specs.map((s) => [s.name, s]))
    this.reviewer = new ReviewerContextCache(db, userId)
    this.exclusions = new InboxExclusions(db, userId)
  }

  /** Rows of these tables changed: drop what was derived from them. */
  changed(tables: string[]): void {
    this.reviewer.invalidate(tables)
    this.exclusions.invalidate(tables)
  }

  /**
   * Opens (creating if needed) the replica of `userId`; `userDataDir` null = in memory. A spare
   * already open is adopted when the user has no replica yet (no second open); otherwise it is
   * left alone for the caller to close.
   */
  static async open(userDataDir: string | null, userId: string, specs: TableSpec[], spare?: OpenSpare | null): Promise<Replica> {
    const dir = userDataDir ? replicaDir(userDataDir, userId) : null
    let db: ReplicaDb
    if (userDataDir && spare && (await claimSpare(userDataDir, userId, spare.dir))) {
      db = spare.db
    } else {
      if (userDataDir) await claimSpare(userDataDir, userId)
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
      if (dir) makePrivate(await realpath(dir))
      return new Replica(db, dir, userId, specs)
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

  /** Makes the last commit survive a power cut, not just a killed process (see flushWal). */
  async flush(): Promise<void> {
    if (!this.dir) return
    const res = await this.db.query<{ segment: string }>('select pg_walfile_name(pg_current_wal_lsn()) as segment')
    flushWal(this.dir, res.rows[0]?.segment ?? '')
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close()
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
