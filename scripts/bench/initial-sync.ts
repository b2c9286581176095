// initial_sync.* and pending_first_ms: a fresh replica from sign-in until complete, with the time
// until the first inbox page is readable; then the same rows loaded straight into a fresh PGlite in
// one transaction, for the ratio (same machine, same run).
import { TABLES } from '../../src/shared/db'
import { openReplicaDb } from '../../src/main/core/replica/open'
import { copySpare } from '../../src/main/core/replica/spare'
import { join } from 'node:path'
import { rm } from 'node:fs/promises'
import type { PGliteInterface } from '@electric-sql/pglite'
import { startBenchCore, type Backend, type BenchCore } from './consoles'
import { waitUntil } from './stats'

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

export async function measureInitialSync(
  dir: string,
  spareFrom: string,
  backend: Backend,
  user: { email: string; password: string },
  log: (line: string) => void,
): Promise<InitialSyncResult> {
  await copySpare(spareFrom, dir)
  const bench = await startBenchCore(dir, backend)
  let pendingFirstMs = Number.NaN
  let t0 = 0
  let probing = false
  // As soon as the replica changes, try the first inbox page; the first non-empty one marks the bar.
  bench.on('data.changed', () => {
    if (probing || !Number.isNaN(pendingFirstMs) || t0 === 0) return
    probing = true
    void bench
      .call('inbox.list', { filter: {}, limit: 50, offset: 0 })
      .then((page) => {
        if (page.items.length > 0 && Number.isNaN(pendingFirstMs)) pendingFirstMs = performance.now() - t0
      })
      .finally(() => {
        probing = false
      })
  })
  let progress = ''
  bench.on('sync.status', (s) => {
    const p = s.initialSync ? `${s.initialSync.rows}/${s.initialSync.expected ?? '?'}` : ''
    if (p && p.split('/')[0]!.length !== progress.split('/')[0]!.length) log(`  initial sync ${p}`)
    progress = p
  })
  t0 = performance.now()
  await bench.call('session.signIn', user)
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
  return { rows, seconds, rowsPerSecond: rows / seconds, pendingFirstMs, rawRowsPerSecond, bench }
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
  const db = await openReplicaDb(join(rawDir, 'replicas', '.spare'))
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
