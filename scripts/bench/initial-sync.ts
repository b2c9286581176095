// initial_sync.* and pending_first_ms: a fresh replica from sign-in until complete, with the time
// until the first inbox page is readable; then the same rows loaded straight into a fresh PGlite in
// one transaction, for the ratio (same machine, same run).
import { TABLES } from '../../src/shared/db'
import { openReplicaDb } from '../../src/core/replica/open'
import { copySpare, readySpare } from '../../src/core/replica/spare'
import { join } from 'node:path'
import { rm } from 'node:fs/promises'
import type { PGliteInterface } from '@electric-sql/pglite'
import { startBenchCore, type Backend, type BenchCore } from './consoles'
import { median, waitUntil } from './stats'

export interface InitialSyncResult {
  rows: number
  seconds: number
  rowsPerSecond: number
  pendingFirstMs: number
  rawRowsPerSecond: number
  bench: BenchCore
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

/** A fresh sign-in until the first inbox page has items; the console is closed right after. */
async function pendingFirstOnce(dir: string, spareFrom: string, backend: Backend, user: { email: string; password: string }) {
  await copySpare(spareFrom, dir)
  const bench = await startBenchCore(dir, backend)
  try {
    await new Promise((r) => setTimeout(r, SIGN_IN_SCREEN_MS))
    return await signInUntilFirstPage(bench, user)
  } finally {
    await bench.core.close()
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
        .call('inbox.list', { filter: {}, limit: 50, offset: 0 })
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
  backend: Backend,
  user: { email: string; password: string },
  log: (line: string) => void,
): Promise<InitialSyncResult> {
  const firsts: number[] = []
  for (let i = 0; i < 3; i++) firsts.push(await pendingFirstOnce(`${dir}-pf${i}`, spareFrom, backend, user))
  await copySpare(spareFrom, dir)
  const bench = await startBenchCore(dir, backend)
  let progress = ''
  bench.on('sync.status', (s) => {
    const p = s.initialSync ? `${s.initialSync.rows}/${s.initialSync.expected ?? '?'}` : ''
    if (p && p.split('/')[0]!.length !== progress.split('/')[0]!.length) log(`  initial sync ${p}`)
    progress = p
  })
  await new Promise((r) => setTimeout(r, SIGN_IN_SCREEN_MS))
  const t0 = performance.now()
  firsts.push(await signInUntilFirstPage(bench, user))
  log(`  first inbox page after ${firsts.map((ms) => Math.round(ms)).join(', ')} ms`)
  await waitUntil(
    async () => {
      const s = await bench.call('sync.status', {})
      return s.initialSync === null && s.lastPullAt !== null
    },
    30 * 60_000,
    'the initial sync',
    5,
  )
  const seconds = (performance.now() - t0) / 1000
  const db = bench.core.replica()!.db
  const rows = await countRows(db)
  log(`  ${rows} rows in ${seconds.toFixed(1)} s`)
  const rawRowsPerSecond = await measureRawLoad(db, join(dir, 'raw-load'), spareFrom)
  return { rows, seconds, rowsPerSecond: rows / seconds, pendingFirstMs: median(firsts), rawRowsPerSecond, bench }
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
