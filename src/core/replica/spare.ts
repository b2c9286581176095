// A spare, empty replica prepared — and opened — while nobody is signed in: creating a PGlite
// database runs initdb in WASM (seconds) and opening one takes a while too, so doing both while the
// reviewer types their password lets sign-in hand over a ready database at once (the pending-first
// bar). The spare lives in `replicas/.spare-<id>`; claiming it links `replicas/<user id>.<backend>` to it.
// The core builds the spare in a worker of its own (initdb would hold the core's thread for
// seconds) and keeps one built in reserve while someone works, so a sign-in after a sign-out only
// has to open it.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { cp, mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startCoreWorker } from '../thread/worker'
import { runLocalMigrations } from './migrations'
import { mirrorTables } from './mirror'
import { makePrivate, openReplicaDb, replicaDir, type ReplicaDb, type ReplicaPlace } from './open'
import type { TableSpec } from './tables'

const PREFIX = '.spare-'
const READY = 'SPARE_READY'

function replicasDir(userDataDir: string): string {
  return join(userDataDir, 'replicas')
}

/** The folder of a built, unclaimed spare, if there is one. */
export function readySpare(userDataDir: string): string | null {
  const root = replicasDir(userDataDir)
  if (!existsSync(root)) return null
  return findReady(root)
}

function findReady(root: string): string | null {
  try {
    // Synchronous on purpose: nothing can claim the same spare between the look and the answer.
    const names = readdirSync(root)
    for (const name of names) {
      if (/^\.spare-[0-9a-f]{16}$/.test(name) && existsSync(join(root, name, READY))) return join(root, name)
    }
  } catch {
    return null
  }
  return null
}

export function spareReady(userDataDir: string): boolean {
  return readySpare(userDataDir) !== null
}

/** Builds a spare once (a no-op when one is ready); half-built ones from a crash are discarded. */
export async function prepareSpare(userDataDir: string, specs: TableSpec[]): Promise<string> {
  const existing = readySpare(userDataDir)
  if (existing) return existing
  const root = replicasDir(userDataDir)
  await mkdir(root, { recursive: true, mode: 0o700 })
  // Only half-built spares are litter: a claimed spare is somebody's replica behind their link.
  for (const name of await readdir(root)) {
    if (name.startsWith(`${PREFIX}building-`)) await rm(join(root, name), { recursive: true, force: true })
  }
  const building = join(root, `${PREFIX}building-${process.pid}`)
  const db = await openReplicaDb(building)
  try {
    await runLocalMigrations(db)
    await mirrorTables(db, specs)
  } finally {
    await db.close()
  }
  // Closing writes files with the process's umask (see Replica.close): the spare at rest is private too.
  makePrivate(building)
  await writeFile(join(building, READY), '', { mode: 0o600 })
  const ready = join(root, `${PREFIX}${randomBytes(8).toString('hex')}`)
  await rename(building, ready)
  return ready
}

/** A spare opened ahead of sign-in, ready to be handed to whoever signs in. */
export interface OpenSpare {
  dir: string
  db: ReplicaDb
}

/** prepareSpare in a worker thread: the caller's thread stays free while initdb runs. */
export function prepareSpareOffThread(userDataDir: string, specs: TableSpec[]): Promise<string> {
  const existing = readySpare(userDataDir)
  if (existing) return Promise.resolve(existing)
  return new Promise((resolve, reject) => {
    const worker = startCoreWorker({ role: 'spare', userDataDir, specs })
    worker.once('message', (m: { ok: true; dir: string } | { ok: false; message: string }) => (m.ok ? resolve(m.dir) : reject(new Error(m.message))))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the spare builder stopped (exit code ${code})`)))
  })
}

export async function openSpare(userDataDir: string, specs: TableSpec[]): Promise<OpenSpare> {
  const dir = await prepareSpareOffThread(userDataDir, specs)
  return { dir, db: await openReplicaDb(dir) }
}

/** Closes an open spare nobody claimed; it stays built, its files the owner's alone (as Replica.close). */
export async function closeSpare(spare: OpenSpare): Promise<void> {
  await spare.db.close()
  if (existsSync(spare.dir)) makePrivate(spare.dir)
}

/**
 * Makes the spare `userId`'s replica when that user has none yet: `replicas/<user id>.<backend>` becomes a
 * link to it (a junction on Windows). False when the user already has a replica or there is no spare.
 */
export async function claimSpare(place: ReplicaPlace, userId: string, spareDir?: string): Promise<boolean> {
  const target = replicaDir(place, userId)
  const spare = spareDir ?? readySpare(place.userDataDir)
  if (existsSync(target) || !spare || !existsSync(join(spare, READY))) return false
  await rm(join(spare, READY), { force: true })
  await symlink(spare, target, process.platform === 'win32' ? 'junction' : 'dir')
  return true
}

/** Copies a ready spare from one user-data folder to another (tests and the benchmark reuse one). */
export async function copySpare(fromUserDataDir: string, toUserDataDir: string): Promise<boolean> {
  const from = readySpare(fromUserDataDir)
  if (!from || spareReady(toUserDataDir)) return false
  await mkdir(replicasDir(toUserDataDir), { recursive: true, mode: 0o700 })
  // A fresh name: the source's may be a claimed spare (somebody's replica) in the destination.
  const to = join(replicasDir(toUserDataDir), `${PREFIX}${randomBytes(8).toString('hex')}`)
  await cp(from, to, { recursive: true, errorOnExist: true, force: false })
  // The source may have been built by an older build that left its files world-readable.
  makePrivate(to)
  return true
}
