// initial_sync.*, pending_first_ms and during_sync.*: a fresh replica from sign-in until complete,
// with the time until the first inbox page is readable — once with a reviewer querying and deciding
// while it applies (during_sync.*), once alone (initial_sync.*); then the same rows loaded straight
// into a fresh PGlite in one transaction, for the ratio (same machine, same run). The core runs in its worker as the shells
// host it; its replica is read directly only once it is closed, and it is started again after.
import { TABLES } from '../../src/shared/db'
import { openReplicaDb, replicaDir } from '../../src/core/replica/open'
import { copySpare, readySpare } from '../../src/core/replica/spare'
import { join } from 'node:path'
import { rm } from 'node:fs/promises'
import type { PGliteInterface } from '@electric-sql/pglite'
import { startBenchCore, type Backend, type BenchCore } from './consoles'
import { availableParallelism } from 'node:os'
import { stackCpu } from './cpu'
import { median, p95, round, waitUntil } from './stats'

export interface InitialSyncResult {
  rows: number
  seconds: number
  rowsPerSecond: number
  pendingFirstMs: number
  rawRowsPerSecond: number
  /** during_sync.*: what a reviewer waited on while the first sync applied. */
  duringSync: Record<string, number>
  /** Where the CPU of the sync alone went, and what that allows on this machine. */
  cpu: Record<string, number>
  /** The console started again on the complete replica (as after a relaunch). */
  bench: BenchCore
}

/** Waits until the console's first sync is complete (the status bar's bar gone, a pull done). */
export function untilFirstSyncDone(bench: BenchCore, everyMs?: number): Promise<void> {
  return waitUntil(
    async () => {
      const s = await bench.call('sync.status', {})
      return s.initialSync === null && s.lastPullAt !== null
    },
    30 * 60_000,
    'the initial sync',
    everyMs,
  )
}

export async function countRows(db: PGliteInterface): Promise<number> {
  let total = 0
  for (const table of Object.keys(TABLES)) {
    total += (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n
  }
  return total
}

/** The sign-in screen shows for a few seconds: the core builds and opens its spare replica meanwhile. */
const SIGN_IN_SCREEN_MS = 3000

/** A console on a fresh user-data folder (the spare replica in it), once its sign-in screen has shown. */
async function onSignInScreen(dir: string, spareFrom: string, backend: Backend): Promise<BenchCore> {
  await copySpare(spareFrom, dir)
  const bench = await startBenchCore(dir, backend)
  await new Promise((r) => setTimeout(r, SIGN_IN_SCREEN_MS))
  return bench
}

/** A fresh sign-in until the first inbox page has items; the console is closed right after. */
async function pendingFirstOnce(dir: string, spareFrom: string, backend: Backend, user: { email: string; password: string }) {
  const bench = await onSignInScreen(dir, spareFrom, backend)
  try {
    return await signInUntilFirstPage(bench, user)
  } finally {
    await bench.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** Signs in and, each time the replica changes, reads the first inbox page until it has items. */
function signInUntilFirstPage(bench: BenchCore, user: { email: string; password: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    let probing = false
    let done = false
    const t0 = performance.now()
    bench.on('data.changed', () => {
      if (probing || done) return
      probing = true
      void bench
        .call('inbox.list', { filter: { lane: 'mine' }, limit: 50, offset: 0 })
        .then((page) => {
          if (page.items.length > 0 && !done) {
            done = true
            resolve(performance.now() - t0)
          }
        })
        .catch(reject)
        .finally(() => {
          probing = false
        })
    })
    bench.call('session.signIn', user).catch(reject)
  })
}

export async function measureInitialSync(
  dir: string,
  spareFrom: string,
  backend: Backend & { stackPid: number },
  user: { email: string; password: string },
  log: (line: string) => void,
): Promise<InitialSyncResult> {
  const firsts: number[] = []
  for (let i = 0; i < 3; i++) firsts.push(await pendingFirstOnce(`${dir}-pf${i}`, spareFrom, backend, user))
  // First with a reviewer at work, for during_sync.*; then alone, for the throughput: the reviewer's
  // calls take the core's thread from the sync, which is what during_sync.rows_per_s shows.
  const worked = await firstSync(`${dir}-worked`, spareFrom, backend, user, log, firsts, true)
  await worked.bench.close()
  await rm(`${dir}-worked`, { recursive: true, force: true })
  const stack0 = stackCpu(backend.stackPid)
  const console0 = process.cpuUsage()
  const { bench, seconds } = await firstSync(dir, spareFrom, backend, user, log, firsts, false)
  const consoleCpuS = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(console0))
  const stack1 = stackCpu(backend.stackPid)
  const serverCpuS = (stack1.gateway - stack0.gateway + stack1.postgres - stack0.postgres) / 1000
  const during = worked.during!
  const userId = (await bench.call('session.get', {})).user!.id
  await bench.close()
  const db = await openReplicaDb(replicaDir({ userDataDir: dir, backendUrl: backend.apiUrl }, userId))
  let rows: number
  let rawRowsPerSecond: number
  try {
    rows = await countRows(db)
    log(`  ${rows} rows in ${seconds.toFixed(1)} s alone; ${worked.seconds.toFixed(1)} s with ${during.inbox.length} inbox queries and ${during.enqueue.length} decisions meanwhile`)
    rawRowsPerSecond = await measureRawLoad(db, join(dir, 'raw-load'), spareFrom)
  } finally {
    await db.close()
  }
  return {
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    pendingFirstMs: median(firsts),
    rawRowsPerSecond,
    duringSync: {
      'during_sync.inbox_query_p95_ms': round(p95(during.inbox)),
      'during_sync.inbox_query_p50_ms': round(median(during.inbox)),
      'during_sync.inbox_query.samples': during.inbox.length,
      'during_sync.enqueue_p95_ms': round(p95(during.enqueue)),
      'during_sync.enqueue_p50_ms': round(median(during.enqueue)),
      'during_sync.enqueue.samples': during.enqueue.length,
      'during_sync.rows_per_s': Math.round(rows / worked.seconds),
    },
    // The server (its gateway and PostgreSQL) shares this machine's cores with the console: at
    // best each side keeps its own core busy, or both keep every core busy.
    cpu: {
      'initial_sync.cpu_s.server': round(serverCpuS, 1),
      'initial_sync.cpu_s.console': round(consoleCpuS, 1),
      'initial_sync.machine_ceiling_rows_per_s': Math.round(
        rows / Math.max(serverCpuS, consoleCpuS, (serverCpuS + consoleCpuS) / availableParallelism()),
      ),
    },
    bench: await startBenchCore(dir, backend),
  }
}

/**
 * A first sync on a fresh replica, from sign-in until complete, with a reviewer at work meanwhile
 * (`working`) or not; the console is left running.
 */
async function firstSync(
  dir: string,
  spareFrom: string,
  backend: Backend,
  user: { email: string; password: string },
  log: (line: string) => void,
  firsts: number[],
  working: boolean,
): Promise<{ bench: BenchCore; seconds: number; during: { inbox: number[]; enqueue: number[] } | null }> {
  const bench = await onSignInScreen(dir, spareFrom, backend)
  let progress = ''
  bench.on('sync.status', (s) => {
    const p = s.initialSync ? `${s.initialSync.rows}/${s.initialSync.expected ?? '?'}` : ''
    if (p && p.split('/')[0]!.length !== progress.split('/')[0]!.length) log(`  initial sync ${p}`)
    progress = p
  })
  const t0 = performance.now()
  firsts.push(await signInUntilFirstPage(bench, user))
  log(`  first inbox page after ${firsts.map((ms) => Math.round(ms)).join(', ')} ms`)
  let synced = false
  const sampling = working ? sampleDuringSync(bench, () => synced) : null
  await untilFirstSyncDone(bench, 5)
  const seconds = (performance.now() - t0) / 1000
  synced = true
  return { bench, seconds, during: sampling ? await sampling : null }
}

/**
 * A reviewer working while the first sync applies: the inbox's first page read again and again
 * with varied filters, and now and then a decision queued (and undone, so the server never sees
 * it) on an item of that page. Each call is timed from the shell's side, as the window waits on it.
 */
async function sampleDuringSync(bench: BenchCore, done: () => boolean): Promise<{ inbox: number[]; enqueue: number[] }> {
  const inbox: number[] = []
  const enqueue: number[] = []
  // In the Needs me lane, as the inbox always asks (its default lane): a read after a page of
  // approvals finds the Others lane stale, as the reviewer's does.
  const filters = [{}, { minRisk: 3 }, { kinds: ['refund' as const] }, { amountMin: 100 }].map((f) => ({ ...f, lane: 'mine' as const }))
  for (let i = 0; !done(); i++) {
    let t = performance.now()
    const page = await bench.call('inbox.list', { filter: filters[i % filters.length]!, limit: 50, offset: 0 })
    inbox.push(performance.now() - t)
    // Not one about to expire: on a busy machine the detail and the decision can take seconds, and
    // an approval that expires meanwhile is (rightly) refused, which is not what is sampled here.
    const item = page.items.find((x) => x.preflight === null && (x.expiresAt === null || Date.parse(x.expiresAt) > Date.now() + 60_000))
    if (i % 4 === 3 && item && !done()) {
      const d = await bench.call('approvals.detail', { id: item.id })
      t = performance.now()
      const intent = await bench.call('intents.create', {
        kind: 'approval.decide',
        args: { approval_id: item.id, decision: 'approve', version_seen: d.version, payload_hash_seen: d.payloadHash },
      })
      enqueue.push(performance.now() - t)
      await bench.call('intents.undo', { clientMutationId: intent.clientMutationId })
    }
    // About what a reviewer moving through the list asks for: a read every few frames.
    await new Promise((r) => setTimeout(r, 50))
  }
  return { inbox, enqueue }
}

/** The same rows, already serialised as the server sends them, inserted into a fresh replica in one transaction. */
async function measureRawLoad(source: PGliteInterface, rawDir: string, spareFrom: string): Promise<number> {
  const chunks: { table: string; json: string; n: number }[] = []
  const CHUNK = 5000
  for (const table of Object.keys(TABLES)) {
    for (let offset = 0; ; offset += CHUNK) {
      const res = await source.query<{ json: string; n: number }>(
        `select coalesce(jsonb_agg(to_jsonb(t)), '[]')::text as json, count(*)::int as n
           from (select * from ${table} order by ctid limit ${CHUNK} offset ${offset}) t`,
      )
      const { json, n } = res.rows[0]!
      if (n === 0) break
      chunks.push({ table, json, n })
      if (n < CHUNK) break
    }
  }
  await copySpare(spareFrom, rawDir)
  const spare = readySpare(rawDir)
  if (!spare) throw new Error('bench: no spare replica for the raw load')
  const db = await openReplicaDb(spare)
  try {
    const rows = chunks.reduce((n, c) => n + c.n, 0)
    const t0 = performance.now()
    await db.transaction(async (tx) => {
      for (const c of chunks) {
        await tx.query(`insert into ${c.table} select * from jsonb_populate_recordset(null::${c.table}, $1::jsonb)`, [c.json])
      }
    })
    return rows / ((performance.now() - t0) / 1000)
  } finally {
    await db.close()
    await rm(rawDir, { recursive: true, force: true })
  }
}
