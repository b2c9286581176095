// Password checks for the password grant, off the gateway's thread. bcrypt at GoTrue's cost (10)
// is ~0.1 s of CPU; run on the event loop (even through bcryptjs's async API, which works in
// 100 ms slices) a burst of bad sign-ins stalled every other call of every console for seconds.
// A worker thread does the hashing, one check at a time, so RPCs and token checks never wait for it.
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * What an unknown e-mail (or a user without a password) is checked against, so that the answer
 * takes the same work and time whether or not the account exists: a cost-10 hash, as GoTrue and
 * the seed store them, of a random string nobody kept.
 */
const DUMMY_HASH = '$2b$10$nutpyl2t35LiqnElQnbbyeEc3xwFR/0AaYIHPgWDXDn/eHHy3Ic.i'

/** Plain CommonJS run by `new Worker(..., { eval: true })`, so it needs no build or loader step. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const bcrypt = require(workerData.bcryptjs)
parentPort.on('message', ({ id, password, hash }) => {
  let matches = false
  try {
    matches = bcrypt.compareSync(password, hash)
  } catch {
    matches = false // a stored value that is no bcrypt hash matches nothing
  }
  parentPort.postMessage({ id, matches })
})
`

/** Checks waiting for the worker beyond which a sign-in is turned away at once (429). */
export const MAX_WAITING_CHECKS = 64

/**
 * A successful check is remembered for a while, keyed by the stored hash and the password (a
 * changed password changes the hash): the benchmark's hundreds of consoles signing in as the same
 * demo reviewers cost one bcrypt each, not hundreds. Failures are never remembered: guessing
 * stays slow.
 */
const VERIFIED_FOR_MS = 10 * 60_000
const MAX_REMEMBERED = 10_000

export class PasswordChecker {
  private worker: Worker | undefined
  private nextId = 0
  private readonly waiting = new Map<
    number,
    { resolve: (matches: boolean) => void; reject: (err: Error) => void }
  >()
  private readonly recentlyVerified = new Map<string, number>()

  /** Whether the worker's queue is full, so a new check would only add to the backlog. */
  get saturated(): boolean {
    return this.waiting.size >= MAX_WAITING_CHECKS
  }

  /** Compares against the stored hash, or the dummy hash when there is none (same work either way). */
  async matches(password: string, storedHash: string | null | undefined): Promise<boolean> {
    const hash = storedHash ?? DUMMY_HASH
    const key = createHash('sha256').update(hash).update('\0').update(password).digest('base64')
    if ((this.recentlyVerified.get(key) ?? 0) > Date.now()) return true
    // Against the dummy hash nothing matches, whatever the worker says.
    const matches = (await this.compare(password, hash)) && storedHash != null
    if (matches) {
      if (this.recentlyVerified.size >= MAX_REMEMBERED) this.recentlyVerified.clear()
      this.recentlyVerified.set(key, Date.now() + VERIFIED_FOR_MS)
    }
    return matches
  }

  private compare(password: string, hash: string): Promise<boolean> {
    const worker = this.worker ?? this.start()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      worker.postMessage({ id, password, hash })
    })
  }

  private start(): Worker {
    const bcryptjs = createRequire(import.meta.url).resolve('bcryptjs')
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptjs } })
    worker.on('message', ({ id, matches }: { id: number; matches: boolean }) => {
      this.waiting.get(id)?.resolve(matches)
      this.waiting.delete(id)
    })
    // A dead worker fails the checks it held (those sign-ins get a 500); the next check starts anew.
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the password worker exited (${code})`)))
    // Idle, it must not keep a process alive that has nothing else to do.
    worker.unref()
    this.worker = worker
    return worker
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    await worker?.terminate()
  }
}
