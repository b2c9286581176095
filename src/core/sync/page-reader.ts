// Reads pulled pages (sync/page.ts) off the core's thread. The core's one thread runs PGlite and
// answers the reviewer; a first sync's page is megabytes of text, and walking it there took 30–140 ms
// at a time on this machine: every inbox query or decision issued meanwhile waited for it. So a large
// page's bytes are handed (transferred, not copied) to a worker that reads them and hands them back
// with the page's slices; the core thread only writes slices. A small page (every pull of a synced
// console) is read in place: the hand-over would cost more than it saves.
// The worker runs while a pull brings page after page (a first sync, a long catch-up): the puller
// starts it once the first page is written (warmUp), so it never competes with the first inbox page
// (started by that page, it delayed it by 0.2–0.3 s), and it stops when no page has come for
// IDLE_MS, so a synced console holds no second thread. Until it is running, pages are read in place.
import type { Worker } from 'node:worker_threads'
import { startPageWorker } from '../thread/worker'
import { readPage, type PulledPage, type RowRule } from './page'
import { BadAnswer } from './validate'

/** Pages smaller than this are read on the core's thread (a few milliseconds at most). */
export const OFF_THREAD_MIN_BYTES = 256 * 1024

/** The worker stops after this long without a page. */
const IDLE_MS = 10_000

/** Each replicated table's row rule, as plain data a worker can receive. */
export type RuleTable = Record<string, RowRule>

/** What the worker (sync/page-worker.ts) answers: that it is listening, or a page read. */
export type PageReply = { ready: true } | { id: number; ok: true; page: PulledPage } | { id: number; ok: false; bad: boolean; message: string }

export class PageReader {
  private worker: Worker | null = null
  private running = false
  private online: Promise<void> = Promise.resolve()
  /** A worker that could not start is not started again: every page is read in place. */
  private unavailable = false
  private nextId = 0
  private readonly waiting = new Map<number, { resolve: (p: PulledPage) => void; reject: (e: Error) => void }>()
  private idle: NodeJS.Timeout | null = null

  private readonly byTable: Map<string, RowRule>

  constructor(private readonly rules: RuleTable) {
    this.byTable = new Map(Object.entries(rules))
  }

  /** The page in these bytes; a BadAnswer when they are not one the replica may take. */
  read(bytes: Uint8Array): Promise<PulledPage> {
    const worker = this.worker
    if (bytes.length < OFF_THREAD_MIN_BYTES || !worker || !this.running) return this.inPlace(bytes)
    this.keepAlive()
    // Only a buffer the bytes fill alone can be handed over without taking others' bytes along.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
    const id = ++this.nextId
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      // A page being read keeps the process alive; an idle reader does not (see ensureWorker).
      worker.ref()
      worker.postMessage({ id, bytes: own }, [own.buffer as ArrayBuffer])
    })
  }

  /** Starts the worker ahead of the large pages to come; resolves once it is running. */
  warmUp(): Promise<void> {
    if (this.unavailable) return Promise.resolve()
    this.ensureWorker()
    this.keepAlive()
    return this.online
  }

  /** Stops the worker; a read still waiting fails (its pull is retried). */
  close(): void {
    this.stop('the page reader was closed')
  }

  private inPlace(bytes: Uint8Array): Promise<PulledPage> {
    try {
      return Promise.resolve(readPage(bytes, (t) => this.byTable.get(t)))
    } catch (err) {
      return Promise.reject(err as Error)
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = startPageWorker(this.rules)
    this.worker = worker
    let up = () => {}
    this.online = new Promise((resolve) => {
      up = resolve
      // A worker that never came up: nothing waits for it (its pages were read in place).
      worker.once('exit', () => resolve())
    })
    worker.on('message', (m: PageReply) => {
      if ('ready' in m) {
        // Loaded and listening (from sources, loading takes a while after the thread is online).
        if (this.worker === worker) this.running = true
        up()
        return
      }
      const waiter = this.waiting.get(m.id)
      if (!waiter) return
      this.waiting.delete(m.id)
      if (this.waiting.size === 0) worker.unref()
      if (m.ok) waiter.resolve(m.page)
      else waiter.reject(m.bad ? new BadAnswer(m.message) : new Error(m.message))
    })
    worker.once('error', (err) => {
      if (!this.running && this.worker === worker) this.unavailable = true
      this.stop(`the page reader failed: ${err.message}`, worker)
    })
    worker.once('exit', (code) => this.stop(`the page reader stopped (exit code ${code})`, worker))
    // A worker waiting for pages must not keep a closing process alive.
    worker.unref()
    this.keepAlive()
    return worker
  }

  private keepAlive(): void {
    if (this.idle) clearTimeout(this.idle)
    this.idle = setTimeout(() => {
      if (this.waiting.size === 0) this.stop('idle')
      else this.keepAlive()
    }, IDLE_MS)
    this.idle.unref()
  }

  private stop(reason: string, which: Worker | null = this.worker): void {
    if (!which || which !== this.worker) return
    this.worker = null
    this.running = false
    if (this.idle) clearTimeout(this.idle)
    this.idle = null
    void which.terminate()
    const waiting = [...this.waiting.values()]
    this.waiting.clear()
    for (const w of waiting) w.reject(new Error(reason))
  }
}
