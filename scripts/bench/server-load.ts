// server_load_polling.*: 200 simulated consoles, each a caught-up replica polling sync_pull once a
// second over HTTP as a signed-in demo reviewer, while one reviewer pushes 20 decisions a second.
// Reports the pull latency percentiles and every failed request: the console without Realtime, kept
// beside server_load.* (server-load-live.ts) for comparison.
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { TABLES, type TableName } from '../../src/shared/db'
import type { Backend } from './consoles'
import { withDatabase } from './db'
import { median, p95, round } from './stats'
import type { Results } from './report'

const USERS = ['finance@demo.test', 'ops@demo.test', 'viewer@demo.test', 'manager@demo.test', 'outsider@demo.test']
const PASSWORD = 'demo-password'

export type Cursors = Record<string, Record<string, { txid: string; version: number }>>

interface Session {
  userId: string
  token: string
}

async function signIn(backend: Backend, email: string): Promise<Session> {
  const res = await fetch(`${backend.apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: backend.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  })
  if (!res.ok) throw new Error(`bench: sign-in of ${email} failed (${res.status})`)
  const body = (await res.json()) as { access_token: string; user: { id: string } }
  return { userId: body.user.id, token: body.access_token }
}

/** Where a caught-up replica of this user stands: the newest (txid, version) of every stream it sees. */
export async function headCursors(db: pg.Client, userId: string): Promise<Cursors> {
  // Inside the caller's transaction: the claims make auth.uid() this user for visible_tenant_ids().
  await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: userId, role: 'authenticated' })])
  const visible = await db.query<{ ids: string[] }>('select public.visible_tenant_ids() as ids')
  const tenants = visible.rows[0]?.ids ?? []
  const cursors: Cursors = {}
  for (const table of Object.keys(TABLES) as TableName[]) {
    // Tenant-less streams (profiles, role_permissions, fx_rates, …) sit under the scope '*'.
    const global = TABLES[table].scope === 'global'
    const res = await db.query<{ scope: string; txid: string; version: string }>(
      global
        ? `select '*' as scope, sync_txid::text as txid, sync_version::text as version from public.${table}
             order by sync_txid desc, sync_version desc limit 1`
        : `select distinct on (tenant_id) tenant_id::text as scope, sync_txid::text as txid, sync_version::text as version
             from public.${table} where tenant_id = any($1::uuid[]) order by tenant_id, sync_txid desc, sync_version desc`,
      global ? [] : [tenants],
    )
    for (const r of res.rows) {
      cursors[r.scope] ??= {}
      cursors[r.scope]![table] = { txid: r.txid, version: Number(r.version) }
    }
  }
  return cursors
}

export async function measureServerLoad(
  backend: Backend,
  dbUrl: string,
  opts: { clients: number; seconds: number; decisionsPerSecond: number },
  log: (line: string) => void,
): Promise<Results> {
  const sessions = await Promise.all(USERS.map((u) => signIn(backend, u)))
  const { heads, pending } = await withDatabase(dbUrl, async (db) => {
    const heads: Cursors[] = []
    for (const s of sessions) {
      await db.query('begin')
      heads.push(await headCursors(db, s.userId))
      await db.query('rollback')
    }
    // Pending approvals the finance reviewer can decide, for the decision stream.
    const pending = (
      await db.query<{ id: string; version: number; payload_hash: string }>(
        `select a.id, a.version, a.payload_hash from public.approvals a
          where a.status = 'pending' and a.deleted_at is null and (a.expires_at is null or a.expires_at > now())
            and a.tenant_id in (select tenant_id from public.tenant_members where user_id = $1)
            and a.requested_by_user_id is distinct from $1
          order by a.created_at limit $2`,
        // Enough for the warm-up (at most 5 s) and the measured seconds.
        [sessions[0]!.userId, opts.decisionsPerSecond * (opts.seconds + 5) + 10],
      )
    ).rows
    return { heads, pending }
  })
  const finance = sessions[0]!

  const headers = (token: string) => ({ apikey: backend.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  const latencies: number[] = []
  const pushLatencies: number[] = []
  let errors = 0
  let pushErrors = 0
  let decisions = 0
  const errorSamples = new Set<string>()
  // The first seconds are the 200 consoles arriving at once and the gateway opening its pool:
  // they run but are not counted, so the figures are the steady state the bar is about.
  const warmupMs = Math.min(5000, (opts.seconds * 1000) / 4)
  const measureFrom = performance.now() + warmupMs
  const deadline = measureFrom + opts.seconds * 1000
  log(`  ${opts.clients} consoles polling for ${opts.seconds} s after ${warmupMs / 1000} s of warm-up, ${opts.decisionsPerSecond} decisions/s`)

  const consoleLoop = async (i: number) => {
    const session = sessions[i % sessions.length]!
    const cursors: Cursors = structuredClone(heads[i % sessions.length]!)
    await new Promise((r) => setTimeout(r, Math.random() * 1000))
    while (performance.now() < deadline) {
      const started = performance.now()
      try {
        const res = await fetch(`${backend.apiUrl}/rest/v1/rpc/sync_pull`, {
          method: 'POST',
          headers: headers(session.token),
          body: JSON.stringify({ p_cursors: cursors, p_limit: 1000 }),
        })
        const body = (await res.json()) as { cursors?: Cursors }
        if (!res.ok || !body.cursors) throw new Error(`HTTP ${res.status}`)
        for (const [scope, streams] of Object.entries(body.cursors)) cursors[scope] = { ...(cursors[scope] ?? {}), ...streams }
        if (started >= measureFrom) latencies.push(performance.now() - started)
      } catch (err) {
        errors += 1
        errorSamples.add(String((err as Error).message).slice(0, 100))
      }
      const wait = 1000 - (performance.now() - started)
      await new Promise((r) => setTimeout(r, Math.max(0, wait)))
    }
  }

  const decisionLoop = async () => {
    const interval = 1000 / opts.decisionsPerSecond
    let next = performance.now()
    let k = 0
    const inFlight: Promise<void>[] = []
    while (performance.now() < deadline && k < pending.length) {
      const a = pending[k++]!
      inFlight.push(
        (async () => {
          const started = performance.now()
          try {
            const res = await fetch(`${backend.apiUrl}/rest/v1/rpc/sync_push`, {
              method: 'POST',
              headers: headers(finance.token),
              body: JSON.stringify({
                p_mutations: [
                  {
                    client_mutation_id: randomUUID(),
                    kind: 'approval.decide',
                    args: { approval_id: a.id, decision: k % 3 === 0 ? 'reject' : 'approve', version_seen: a.version, payload_hash_seen: a.payload_hash, reason: 'load' },
                    client_created_at: new Date().toISOString(),
                  },
                ],
              }),
            })
            await res.json()
            if (!res.ok) throw new Error(`HTTP ${res.status}`)
            if (started >= measureFrom) {
              decisions += 1
              pushLatencies.push(performance.now() - started)
            }
          } catch {
            pushErrors += 1
          }
        })(),
      )
      next += interval
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())))
    }
    await Promise.all(inFlight)
  }

  await Promise.all([...Array.from({ length: opts.clients }, (_, i) => consoleLoop(i)), decisionLoop()])
  if (errorSamples.size) log(`  pull errors: ${[...errorSamples].join('; ')}`)
  return {
    'server_load_polling.clients': opts.clients,
    'server_load_polling.pull_p95_ms': round(p95(latencies), 1),
    'server_load_polling.pull_p50_ms': round(median(latencies), 1),
    'server_load_polling.pulls': latencies.length,
    'server_load_polling.errors': errors + pushErrors,
    'server_load_polling.decisions_per_s': round(decisions / opts.seconds, 1),
    'server_load_polling.push_p95_ms': round(p95(pushLatencies), 1),
  }
}
