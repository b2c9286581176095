// Runs the core against the test stack the way a shell would, and compares its replica with the
// server: per-table row counts and checksums of the rows the user may see (RLS), computed the same
// way on both sides (order-independent md5 over each row's JSON, in UTC).
import { createHash } from 'node:crypto'
import { mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PGliteInterface } from '@electric-sql/pglite'
import { inject } from 'vitest'
import type { EventName, EventPayload, MethodArgs, MethodName, MethodResult } from '../../../src/shared/contract'
import { TABLES } from '../../../src/shared/db'
import { createCore, dispatch, MemorySessionStore, type Core, type CreateCoreOptions, type SessionStore, type SyncTuning } from '../../../src/core/index'
import { asUser } from '../../support/db'
import type { ApprovalRow } from '../../support/fixtures'
import { copySpare, prepareSpare, spareReady } from '../../../src/core/replica/spare'
import { tableSignature } from '../../../src/core/replica/mirror'
import { replicatedTables } from '../../../src/core/replica/registry'
import type { TableSpec } from '../../../src/core/replica/tables'

export interface RecordedEvent {
  event: EventName
  payload: unknown
}

export interface TestCore {
  core: Core
  dir: string
  events: RecordedEvent[]
  store: SessionStore
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>
  close(opts?: { keepDir?: boolean }): Promise<void>
}

export function tempDir(label = 'core'): string {
  return mkdtempSync(join(tmpdir(), `oc-${label}-`))
}

// One spare replica shared by every test file (and kept between runs under the system temp folder,
// keyed by the table specs), copied into each new user-data folder: initdb in WASM takes seconds,
// and the app builds its spare before sign-in anyway.
let template: Promise<string> | undefined
function spareTemplate(): Promise<string> {
  template ??= (async () => {
    const specs = replicatedTables()
    const key = createHash('sha256').update(`spare-v2 ${specs.map(tableSignature).join()}`).digest('hex').slice(0, 16)
    const shared = join(tmpdir(), `oc-core-spare-${key}`)
    if (spareReady(shared)) return shared
    const dir = tempDir('spare')
    await prepareSpare(dir, specs)
    try {
      renameSync(dir, shared)
    } catch {
      // Another test file got there first: theirs is as good.
      rmSync(dir, { recursive: true, force: true })
    }
    return spareReady(shared) ? shared : dir
  })()
  return template
}

/** Puts a copy of the shared spare into a user-data folder: its first sign-in only opens it. */
export async function provideSpare(userDataDir: string): Promise<void> {
  await copySpare(await spareTemplate(), userDataDir)
}

export async function startCore(
  opts: {
    dir?: string
    store?: SessionStore
    fetch?: typeof fetch
    now?: () => number
    sync?: SyncTuning
    webSocket?: CreateCoreOptions['webSocket']
    tables?: TableSpec[]
    /** Build a spare in reserve for the next sign-in (off by default: most tests never sign out). */
    reserveSpare?: boolean
    /** Holds every replica open until it resolves (a relaunch whose replica is slow to open). */
    replicaGate?: () => Promise<void>
  } = {},
): Promise<TestCore> {
  const stack = inject('stack')
  const dir = opts.dir ?? tempDir()
  const events: RecordedEvent[] = []
  const store = opts.store ?? new MemorySessionStore()
  await provideSpare(dir)
  const core = await createCore({
    userDataDir: dir,
    backend: { url: stack.apiUrl, anonKey: stack.anonKey, isLocalStack: true },
    sessionStore: store,
    emit: (event, payload) => events.push({ event, payload }),
    fetch: opts.fetch,
    webSocket: opts.webSocket,
    now: opts.now,
    sync: { focusedIntervalMs: 200, backoff: { baseMs: 50, maxMs: 400 }, ...opts.sync },
    tables: opts.tables,
    reserveSpare: opts.reserveSpare ?? false,
    replicaGate: opts.replicaGate,
  })
  return {
    core,
    dir,
    events,
    store,
    async call(method, args) {
      const out = await dispatch(core.handlers, method, args)
      if (!out.ok) throw Object.assign(new Error(`${method}: ${out.error.code} ${out.error.message}`), { code: out.error.code })
      return out.value as MethodResult<typeof method>
    },
    async close(o = {}) {
      await core.close()
      if (!o.keepDir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value as NonNullable<T>
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export function eventsOf<E extends EventName>(events: RecordedEvent[], name: E): EventPayload<E>[] {
  return events.filter((e) => e.event === name).map((e) => e.payload as EventPayload<E>)
}

/**
 * Waits until the core has finished a pull that started after this call: one that may already have
 * been under way does not count, so the next completed one after it is awaited as well.
 */
export async function settled(t: TestCore, timeoutMs = 30_000): Promise<void> {
  let since = new Date(0).toISOString()
  for (let round = 0; round < 2; round++) {
    const floor = round === 0 ? new Date().toISOString() : since
    await t.call('sync.now', {})
    const s = await waitFor(
      async () => {
        const s = await t.call('sync.status', {})
        return s.lastPullAt !== null && s.lastPullAt > floor && s.state === 'online' && s.initialSync === null ? s : null
      },
      timeoutMs,
      'a completed pull',
    )
    since = s.lastPullAt!
  }
}

export type TableDigest = Record<string, { rows: number; checksum: string }>

const tableNames = Object.keys(TABLES)

function digestSql(table: string): string {
  return `select count(*)::int as rows, coalesce(md5(string_agg(h, '' order by h)), '') as checksum
            from (select md5(to_jsonb(t)::text) as h from public.${table} t) x`
}

/** What the user may see on the server, table by table. */
export async function serverDigest(userId: string): Promise<TableDigest> {
  return asUser(userId, async (c) => {
    await c.query(`set local timezone = 'UTC'`)
    const out: TableDigest = {}
    for (const t of tableNames) {
      const r = await c.query<{ rows: number; checksum: string }>(digestSql(t))
      out[t] = r.rows[0]!
    }
    return out
  })
}

export async function replicaDigest(db: PGliteInterface): Promise<TableDigest> {
  await db.exec(`set timezone = 'UTC'`)
  const out: TableDigest = {}
  for (const t of tableNames) {
    const r = await db.query<{ rows: number; checksum: string }>(digestSql(t))
    out[t] = r.rows[0]!
  }
  return out
}

export function replicaOf(t: TestCore): PGliteInterface {
  const r = t.core.replica()
  if (!r) throw new Error('no replica open')
  return r.db
}

/**
 * The intent a reviewer's decision on this request makes, bound to the version and payload its
 * row shows (what the console sends with every decision).
 */
export function decisionOn(a: ApprovalRow, decision: 'approve' | 'reject', reason?: string): MethodArgs<'intents.create'> {
  return {
    kind: 'approval.decide',
    args: { approval_id: a.id, decision, version_seen: a.version, payload_hash_seen: a.payload_hash, ...(reason === undefined ? {} : { reason }) },
  }
}
