// The last view: the answers a reviewer's first paint asked of their replica, saved beside it so a
// relaunch can show them while the replica opens. Opening PGlite costs about a second in a new
// process (WASM compile, catalog load) and cannot be made cheap, so it is taken off the first page's
// path instead: the core answers the calls saved here at once, everything else waits for the
// replica, and once it is open every view re-reads live rows (core.ts).
//
// The file lives in the replica's own folder (0600, like the replica's files), so it is deleted with
// the replica at sign-out and nobody else's is ever in reach; it names its user and the replica
// state it was read from (the replica's next transaction id, which any write advances), is checked
// against the contract when read, and anything wrong with it means a normal start, never a failure.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { canonicalJson } from '../shared/audit-chain'
import { isMethodName, methods, type MethodName, type SyncStatus } from '../shared/contract'
import type { ReplicaDb } from './replica/open'
import { JsonFile } from './settings'

const FORMAT = 1
const FILE_NAME = 'last-view.json'
/** The reads a first paint makes of the replica (the renderer's stores on sign-in). */
const FIRST_PAINT = new Set<MethodName>(['inbox.list', 'inbox.counts', 'queue.list', 'tenants.list', 'views.list'])
/** Calls kept: the first paint is five of them; a few more cover a filter or tenant scope changed since. */
const MAX_CALLS = 12
/** Rows of the inbox's first page kept at most (the renderer reads a screen and a page around it). */
const FIRST_PAGE_MAX_ROWS = 300

/** What the status bar showed with these answers, so a relaunch does not flash "never synced". */
export type LastViewStatus = Pick<SyncStatus, 'lastPullAt' | 'queueDepth' | 'oldestQueuedAt'>

const LastViewFile = z.object({
  format: z.literal(FORMAT),
  userId: z.string(),
  stamp: z.string(),
  status: z.object({ lastPullAt: z.string().nullable(), queueDepth: z.number().int().nonnegative(), oldestQueuedAt: z.string().nullable() }),
  answers: z.array(z.object({ method: z.string(), args: z.unknown(), value: z.unknown() })).max(MAX_CALLS),
})
type LastViewFile = z.infer<typeof LastViewFile>

/** The file (read with its schema, written then renamed): none when missing or unreadable. */
const lastViewFile = (path: string) => new JsonFile<LastViewFile | null>(path, LastViewFile.nullable(), null)

interface Call {
  method: MethodName
  args: unknown
}

/** A call's key: its method and its arguments in canonical form (key order does not matter). */
function keyOf(method: MethodName, args: unknown): string {
  return `${method} ${canonicalJson(args ?? {})}`
}

/**
 * Only the first page of a list is part of a first paint: scrolling further is not kept, nor a page
 * far longer than a screen (the file stays small, and so does reading it at start).
 */
export function isFirstPaintCall(method: MethodName, args: unknown): boolean {
  if (!FIRST_PAINT.has(method)) return false
  if (method !== 'inbox.list') return true
  const { offset, limit } = args as { offset: number; limit: number }
  return offset === 0 && limit <= FIRST_PAGE_MAX_ROWS
}

/** Which state of the replica answers were read from: its next transaction id, advanced by any write. */
export async function replicaStamp(db: ReplicaDb): Promise<string> {
  const res = await db.query<{ stamp: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as stamp')
  return res.rows[0]!.stamp
}

export class LastView {
  /** The first-paint calls the reviewer made, most recent last. */
  private readonly calls = new Map<string, Call>()
  /** Answers read from the file at start: served until the replica opens, then dropped. */
  private answers = new Map<string, unknown>()

  private readonly store: JsonFile<LastViewFile | null>

  private constructor(
    private readonly file: string,
    readonly userId: string,
    /** The stamp of the file read at start (null when there was none). */
    readonly stamp: string | null,
    readonly status: LastViewStatus | null,
  ) {
    this.store = lastViewFile(file)
  }

  /** An empty last view for a replica folder: it learns the calls, answers come at the next save. */
  static empty(replicaDir: string, userId: string): LastView {
    return new LastView(join(replicaDir, FILE_NAME), userId, null, null)
  }

  /**
   * The last view saved in a replica folder for `userId`; an empty one when there is none or it
   * cannot be trusted (unreadable, another format or user, an argument or answer the contract refuses).
   */
  static async read(replicaDir: string, userId: string): Promise<LastView> {
    const file = join(replicaDir, FILE_NAME)
    const saved = await lastViewFile(file).read()
    if (!saved || saved.userId !== userId) return LastView.empty(replicaDir, userId)
    const view = new LastView(file, userId, saved.stamp, saved.status)
    for (const a of saved.answers) {
      if (!isMethodName(a.method) || !isFirstPaintCall(a.method, a.args)) return LastView.empty(replicaDir, userId)
      const args = methods[a.method].args.safeParse(a.args)
      const value = methods[a.method].result.safeParse(a.value)
      if (!args.success || !value.success) return LastView.empty(replicaDir, userId)
      const key = keyOf(a.method, args.data)
      view.calls.set(key, { method: a.method, args: args.data })
      view.answers.set(key, value.data)
    }
    return view
  }

  /** True while it holds answers to show (from the file, before the replica opened). */
  get hasAnswers(): boolean {
    return this.answers.size > 0
  }

  /** The saved answer to this call, if the file had one. */
  answer(method: MethodName, args: unknown): { value: unknown } | null {
    const key = keyOf(method, args)
    return this.answers.has(key) ? { value: this.answers.get(key) } : null
  }

  /** The replica is open: its answers are the live ones from now on. */
  dropAnswers(): void {
    this.answers = new Map()
  }

  /** Remembers a first-paint call the reviewer made, to be answered again at the next save. */
  noteCall(method: MethodName, args: unknown): void {
    if (!isFirstPaintCall(method, args)) return
    const key = keyOf(method, args)
    this.calls.delete(key)
    this.calls.set(key, { method, args })
    if (this.calls.size > MAX_CALLS) this.calls.delete(this.calls.keys().next().value!)
  }

  /**
   * Answers the remembered calls again from the open replica and saves them (write then rename, so
   * a crash leaves the previous file or this one). False when the replica changed while they were
   * read: those answers would not match one state of it, and the next save tries again.
   */
  async save(db: ReplicaDb, run: (call: Call) => Promise<unknown>, status: LastViewStatus): Promise<boolean> {
    if (this.calls.size === 0) return true
    const stamp = await replicaStamp(db)
    const answers = []
    for (const [key, call] of [...this.calls]) {
      try {
        answers.push({ ...call, value: methods[call.method].result.parse(await run(call)) })
      } catch {
        // A call that no longer answers (a tenant no longer visible): not part of the next first paint.
        this.calls.delete(key)
      }
    }
    if ((await replicaStamp(db)) !== stamp) return false
    await this.store.write({ format: FORMAT, userId: this.userId, stamp, status, answers })
    return true
  }

  /** Deletes the saved file (a stale one, or a user switch). */
  async remove(): Promise<void> {
    this.dropAnswers()
    await rm(this.file, { force: true })
  }
}
