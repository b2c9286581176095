// One reviewer's replica: the PGlite database, the table specs it mirrors and whose it is. Opening
// runs the local migrations and mirrors the registry; a replica never opens for another user.
import { realpath, rm } from 'node:fs/promises'
import type { ReplicaDb } from './open'
import { adoptLegacyReplica, flushWal, openReplicaDb, replicaDir, type ReplicaPlace } from './open'
import { runLocalMigrations } from './migrations'
import { mirrorTables } from './mirror'
import { InboxExclusions } from '../queries/hidden'
import { InboxLanes } from '../queries/lanes'
import { ReviewerContextCache } from '../queries/standing'
import { claimSpare, type OpenSpare } from './spare'
import type { TableSpec } from './tables'

export class Replica {
  readonly specs: Map<string, TableSpec>
  /** The owner's standing (roles, limits, delegations), kept between queries. */
  readonly reviewer: ReviewerContextCache
  /** The pending approvals the owner's inbox leaves out, kept between queries. */
  readonly exclusions: InboxExclusions
  /** Which pending approvals are Others rather than Needs me, kept between queries. */
  readonly lanes: InboxLanes

  private constructor(
    readonly db: ReplicaDb,
    readonly dir: string | null,
    readonly userId: string,
    specs: TableSpec[],
  ) {
    this.specs = new Map(specs.map((s) => [s.name, s]))
    this.reviewer = new ReviewerContextCache(db, userId)
    this.exclusions = new InboxExclusions(db, userId)
    this.lanes = new InboxLanes(db)
  }

  /** Rows of these tables changed: drop what was derived from them. */
  changed(tables: string[]): void {
    this.reviewer.invalidate(tables)
    this.exclusions.invalidate(tables)
    this.lanes.invalidate(tables)
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
