// A spare, empty replica prepared while nobody is signed in: creating a PGlite database runs
// initdb in WASM (seconds), so doing it while the reviewer types their password lets sign-in open
// a fresh replica in a fraction of a second (the pending-first bar). Claiming it is a rename.
import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runLocalMigrations } from './migrations'
import { mirrorTables } from './mirror'
import { openReplicaDb, replicaDir } from './open'
import type { TableSpec } from './tables'

const SPARE = '.spare'
const READY = 'SPARE_READY'

function spareDir(userDataDir: string): string {
  return join(userDataDir, 'replicas', SPARE)
}

export function spareReady(userDataDir: string): boolean {
  return existsSync(join(spareDir(userDataDir), READY))
}

/** Builds the spare once; a no-op when one is ready. Half-built spares from a crash are discarded. */
export async function prepareSpare(userDataDir: string, specs: TableSpec[]): Promise<void> {
  if (spareReady(userDataDir)) return
  const root = join(userDataDir, 'replicas')
  await mkdir(root, { recursive: true, mode: 0o700 })
  for (const name of await readdir(root)) {
    if (name === SPARE || name.startsWith(`${SPARE}-building-`)) await rm(join(root, name), { recursive: true, force: true })
  }
  const building = `${spareDir(userDataDir)}-building-${process.pid}`
  const db = await openReplicaDb(building)
  try {
    await runLocalMigrations(db)
    await mirrorTables(db, specs)
  } finally {
    await db.close()
  }
  await writeFile(join(building, READY), '')
  await rename(building, spareDir(userDataDir))
}

/** Turns the spare into `userId`'s replica when that user has none yet; false when there is no spare. */
export async function claimSpare(userDataDir: string, userId: string): Promise<boolean> {
  const target = replicaDir(userDataDir, userId)
  if (existsSync(target) || !spareReady(userDataDir)) return false
  await rm(join(spareDir(userDataDir), READY), { force: true })
  await rename(spareDir(userDataDir), target)
  return true
}

/** Copies a ready spare from one user-data folder to another (tests and the benchmark reuse one). */
export async function copySpare(fromUserDataDir: string, toUserDataDir: string): Promise<boolean> {
  if (!spareReady(fromUserDataDir) || spareReady(toUserDataDir)) return false
  await mkdir(join(toUserDataDir, 'replicas'), { recursive: true, mode: 0o700 })
  await cp(spareDir(fromUserDataDir), spareDir(toUserDataDir), { recursive: true })
  return true
}
