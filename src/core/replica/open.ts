// Opens one reviewer's replica: a PGlite database in <userDataDir>/replicas/<user id>.<backend>/, with the
// trigram extension for search, and a smaller buffer pool than PostgreSQL's default so the core's
// memory stays modest (the OS page cache still holds the hot pages outside the WASM heap).
import { createHash } from 'node:crypto'
import { chmodSync, closeSync, existsSync, fdatasyncSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync } from 'node:fs'
import { chmod, lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'

export type ReplicaDb = PGlite

/** Where a replica lives on disk: whose it is and which backend it mirrors. */
export interface ReplicaPlace {
  userDataDir: string
  backendUrl: string
}

/**
 * A short, stable name for a backend: the same user id on another backend (a staging stack, a
 * restored project) is another person's data, so it gets another replica.
 */
export function backendKey(backendUrl: string): string {
  let canonical = backendUrl.trim()
  try {
    const u = new URL(canonical)
    canonical = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase()
  } catch {
    canonical = canonical.toLowerCase()
  }
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12)
}

export function replicaDir(place: ReplicaPlace, userId: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) throw new Error('replica directory needs a user id')
  return join(place.userDataDir, 'replicas', `${userId.toLowerCase()}.${backendKey(place.backendUrl)}`)
}

/**
 * Replicas from before the folder named the backend (`replicas/<user id>`) mirror the backend the
 * console was using then, which is the one it starts with now (a change of backend forgets the
 * session first): it becomes that backend's replica, queued decisions included, instead of being
 * left behind.
 */
export function adoptLegacyReplica(place: ReplicaPlace, userId: string): void {
  const legacy = join(place.userDataDir, 'replicas', userId.toLowerCase())
  const current = replicaDir(place, userId)
  if (existsSync(legacy) && !existsSync(current)) renameSync(legacy, current)
}

export async function openReplicaDb(dataDir: string | null): Promise<ReplicaDb> {
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    // A replica made from the spare is a link to it; PGlite's filesystem needs the real folder.
    dataDir = realpathSync(dataDir)
  }
  const options = {
    extensions: { pg_trgm },
    // 24 MB of shared buffers instead of 128 MB: PGlite allocates them inside the WASM heap up front.
    // Pages come from the OS cache, never a spinning disk: random reads cost about what sequential ones do.
    // Statistics from a tenth of PostgreSQL's usual sample (3,000 rows a table): PGlite runs one
    // statement at a time, and a full ANALYZE of 80k approvals held every reviewer's call for
    // ~1,040 ms (69 ms now; every table of the 100k bench replica 631 ms). The inbox plans the same
    // either way (its filters have few distinct values): p50/p95 2.96/3.87 ms vs 3.03/3.93 ms.
    startParams: [
      ...PGlite.defaultStartParams,
      ...['-c', 'shared_buffers=24MB', '-c', 'work_mem=8MB', '-c', 'random_page_cost=1.1', '-c', 'effective_cache_size=512MB'],
      ...['-c', 'default_statistics_target=10'],
      // A new 16 MB WAL segment is created as a sparse file instead of being written full of zeros
      // first: that write went through PGlite's filesystem layer 8 KB at a time, inside whichever
      // statement crossed into the segment (a first sync crosses ~70: 10–60 ms each, against
      // ~2 ms for a slice, with the reviewer's next call waiting behind it). Zeroing reserves the
      // space ahead; recovery never relies on it (each WAL record carries its own checksum).
      ...['-c', 'wal_init_zero=off'],
    ],
  }
  if (!dataDir) return PGlite.create(options)
  const db = await PGlite.create(dataDir, options)
  // PGlite lays a new database out from its bundled template with world-readable modes (0666
  // files, 0755 folders); the replica holds every row its reviewer may see, so it is made the
  // owner's alone. Files PostgreSQL creates afterwards are 0600 already (its own creation mode).
  makePrivate(dataDir)
  return db
}

/** chmod 0600 every file and 0700 every folder under `dir` (links are left alone). */
export function makePrivate(dir: string): void {
  chmodSync(dir, 0o700)
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) makePrivate(path)
    else if (entry.isFile() && (lstatSync(path).mode & 0o777) !== 0o600) chmodSync(path, 0o600)
  }
}

/**
 * makePrivate without holding the thread: a replica of a million rows is thousands of files, and
 * walking them before the first inbox page cost 60–250 ms of every start (they are the owner's
 * already unless a crash kept the last close from tightening them).
 */
export async function makePrivateInBackground(dir: string): Promise<void> {
  await chmod(dir, 0o700)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await makePrivateInBackground(path)
    else if (entry.isFile() && ((await lstat(path)).mode & 0o777) !== 0o600) await chmod(path, 0o600)
  }
}

/**
 * PGlite's filesystem layer turns fsync into a no-op: committed pages reach the OS (so a killed
 * process loses nothing) but not necessarily the disk. For the one write a reviewer is promised is
 * durable — a queued decision — the core flushes the WAL segment the commit went to (and the next
 * one, in case the commit record crossed into it).
 */
export function flushWal(dataDir: string | null, segment: string): void {
  if (!dataDir || !/^[0-9A-F]{24}$/.test(segment)) return
  const next = nextSegment(segment)
  for (const name of [segment, next]) {
    let fd: number
    try {
      fd = openSync(join(dataDir, 'pg_wal', name), 'r+')
    } catch {
      continue // the next segment may not exist yet
    }
    try {
      fdatasyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
}

/** The WAL file name after `segment` (timeline, then a 64-bit position split in two 32-bit halves). */
function nextSegment(segment: string): string {
  const timeline = segment.slice(0, 8)
  let high = parseInt(segment.slice(8, 16), 16)
  let low = parseInt(segment.slice(16, 24), 16) + 1
  if (low > 0xff) {
    low = 0
    high += 1
  }
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0')
  return `${timeline}${hex(high)}${hex(low)}`
}
