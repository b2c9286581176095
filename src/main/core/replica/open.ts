// Opens one reviewer's replica: a PGlite database in <userDataDir>/replicas/<user id>/, with the
// trigram extension for search, and a smaller buffer pool than PostgreSQL's default so the core's
// memory stays modest (the OS page cache still holds the hot pages outside the WASM heap).
import { mkdirSync, openSync, fdatasyncSync, closeSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'

export type ReplicaDb = PGlite

export function replicaDir(userDataDir: string, userId: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) throw new Error('replica directory needs a user id')
  return join(userDataDir, 'replicas', userId.toLowerCase())
}

export async function openReplicaDb(dataDir: string | null): Promise<ReplicaDb> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const options = {
    extensions: { pg_trgm },
    // 32 MB of shared buffers instead of 128 MB: PGlite allocates them inside the WASM heap up front.
    // Pages come from the OS cache, never a spinning disk: random reads cost about what sequential ones do.
    startParams: [
      ...PGlite.defaultStartParams,
      ...['-c', 'shared_buffers=32MB', '-c', 'work_mem=8MB', '-c', 'random_page_cost=1.1', '-c', 'effective_cache_size=512MB'],
    ],
  }
  return dataDir ? PGlite.create(dataDir, options) : PGlite.create(options)
}

/**
 * PGlite's filesystem layer turns fsync into a no-op: committed pages reach the OS (so a killed
 * process loses nothing) but not necessarily the disk. For the one write a reviewer is promised is
 * durable — a queued decision — the core flushes the WAL files itself.
 */
export function flushWal(dataDir: string | null): void {
  if (!dataDir) return
  const walDir = join(dataDir, 'pg_wal')
  let segments: string[]
  try {
    // Segments are recycled ahead of use, so the newest name is not always the one written: sync all
    // (a handful of files; clean ones cost nothing).
    segments = readdirSync(walDir).filter((f) => /^[0-9A-F]{24}$/.test(f))
  } catch {
    return
  }
  for (const segment of segments) {
    const fd = openSync(join(walDir, segment), 'r+')
    try {
      fdatasyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
}
