// server_load.*: 1,000 connected consoles with Realtime (light ones, spread over a few child
// processes: see live-consoles-child.ts), 100 tenants of 10 consoles each, while reviewers push
// 20 decisions a second spread over 10 of those tenants. A console pulls only when poked, so:
//   pull_p95_ms      the pull latency under that load
//   idle_pulls_per_s pulls by consoles of the 90 tenants that did not change (pokes reaching the
//                    wrong consoles would show here; the live console's 30 s fallback poll is not
//                    simulated: it is a fixed 1/30 per console by design)
//   errors           failed pulls, pushes, joins and dropped sockets
// Decisions are `message.send` intents to the tenant's agent: a real sync_push each (message and
// audit rows in one transaction), on bench tenants that have no generated approvals to decide.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Backend } from './consoles'
import { withDatabase } from './db'
import type { ChildConsole, ChildFigures, ChildPlan, ChildReady } from './live-consoles-child'
import { headCursors, type Cursors } from './server-load'
import { median, p95, round } from './stats'
import type { Results } from './report'

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'live-consoles-child.ts')
const PASSWORD = 'demo-password'

export interface LiveLoadOptions {
  clients: number
  tenants: number
  busyTenants: number
  seconds: number
  decisionsPerSecond: number
  processes: number
}

interface BenchTenant {
  id: string
  userEmail: string
  agentId: string
  busy: boolean
}

/** Tenants with one finance reviewer and one agent each, made for this run. */
async function makeTenants(dbUrl: string, opts: LiveLoadOptions): Promise<BenchTenant[]> {
  return withDatabase(dbUrl, async (db) => {
    const run = randomUUID().slice(0, 8)
    await db.query('begin')
    await db.query(
      `insert into public.tenants (name, slug)
       select 'Live bench ' || g, 'live-' || $1 || '-' || g from generate_series(1, $2) g`,
      [run, opts.tenants],
    )
    await db.query(
      `insert into auth.users (email, encrypted_password)
       select slug || '@bench.test', extensions.crypt($2, extensions.gen_salt('bf', 4))
       from public.tenants where slug like 'live-' || $1 || '-%'`,
      [run, PASSWORD],
    )
    await db.query(
      `insert into public.tenant_members (tenant_id, user_id, role)
       select t.id, u.id, 'finance' from public.tenants t join auth.users u on u.email = t.slug || '@bench.test'
       where t.slug like 'live-' || $1 || '-%'`,
      [run],
    )
    await db.query(
      `insert into public.agents (tenant_id, name, role, kind, tier, autonomy, status)
       select id, 'Bench agent', 'assistant', 'company_finance', 3, 'A2', 'active'
       from public.tenants where slug like 'live-' || $1 || '-%'`,
      [run],
    )
    const { rows } = await db.query<{ id: string; email: string; agent_id: string; n: number }>(
      `select t.id, t.slug || '@bench.test' as email, a.id as agent_id, split_part(t.slug, '-', 3)::int as n
       from public.tenants t join public.agents a on a.tenant_id = t.id
       where t.slug like 'live-' || $1 || '-%' order by n`,
      [run],
    )
    await db.query('commit')
    return rows.map((r) => ({ id: r.id, userEmail: r.email, agentId: r.agent_id, busy: r.n <= opts.busyTenants }))
  })
}

/** Each tenant's reviewer's head cursors: the consoles start caught up, as ones that reconnect. */
async function caughtUp(dbUrl: string, tenants: BenchTenant[]): Promise<Map<string, Cursors>> {
  return withDatabase(dbUrl, async (db) => {
    const { rows } = await db.query<{ tenant_id: string; user_id: string }>(
      `select tenant_id, user_id from public.tenant_members where tenant_id = any($1::uuid[])`,
      [tenants.map((t) => t.id)],
    )
    const heads = new Map<string, Cursors>()
    for (const r of rows) {
      await db.query('begin')
      heads.set(r.tenant_id, await headCursors(db, r.user_id))
      await db.query('rollback')
    }
    return heads
  })
}

async function signIn(backend: Backend, email: string): Promise<string> {
  const res = await fetch(`${backend.apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: backend.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  })
  if (!res.ok) throw new Error(`bench: sign-in of ${email} failed (${res.status})`)
  return ((await res.json()) as { access_token: string }).access_token
}

interface RunningChild {
  /** Every console of the process joined (or was refused). */
  ready: Promise<ChildReady>
  go(): void
  figures: Promise<ChildFigures>
}

function runChild(plan: ChildPlan): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] })
  child.stdin.write(`${JSON.stringify(plan)}\n`)
  let onReady: (r: ChildReady) => void = () => {}
  let onFigures: (f: ChildFigures) => void = () => {}
  let onExit: (err: Error) => void = () => {}
  const ready = new Promise<ChildReady>((resolve) => (onReady = resolve))
  const figures = new Promise<ChildFigures>((resolve, reject) => {
    onFigures = resolve
    onExit = reject
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as ChildReady | ChildFigures
    if ('ready' in message) onReady(message)
    else onFigures(message)
  })
  child.once('exit', (code) => onExit(new Error(`bench consoles exited with code ${code} before reporting`)))
  return { ready, figures, go: () => child.stdin.end('go\n') }
}

export async function measureLiveServerLoad(
  backend: Backend,
  dbUrl: string,
  opts: LiveLoadOptions,
  log: (line: string) => void,
): Promise<Results> {
  const tenants = await makeTenants(dbUrl, opts)
  const tokens = new Map<string, string>()
  for (let i = 0; i < tenants.length; i += 10) {
    await Promise.all(tenants.slice(i, i + 10).map(async (t) => tokens.set(t.id, await signIn(backend, t.userEmail))))
  }
  const heads = await caughtUp(dbUrl, tenants)
  const consoles: ChildConsole[] = Array.from({ length: opts.clients }, (_, i) => {
    const t = tenants[i % tenants.length]!
    return { tenantId: t.id, token: tokens.get(t.id)!, busy: t.busy, cursors: heads.get(t.id)! }
  })
  // The consoles arrive, join and catch up first; measuring starts once every one has joined (a
  // console still joining in the measured window would count its catch-up pull as an idle pull),
  // and a couple of seconds after the decisions start.
  const leadMs = 2000
  log(`  ${opts.clients} live consoles in ${opts.processes} processes over ${opts.tenants} tenants; ${opts.decisionsPerSecond} decisions/s over ${opts.busyTenants} of them for ${opts.seconds} s once all have joined`)
  const per = Math.ceil(consoles.length / opts.processes)
  const joining = performance.now()
  const children = Array.from({ length: opts.processes }, (_, p) =>
    runChild({
      apiUrl: backend.apiUrl,
      anonKey: backend.anonKey,
      consoles: consoles.slice(p * per, (p + 1) * per),
      leadMs,
      measureMs: opts.seconds * 1000,
    }),
  )
  // Joins that hang past this are the server's failure to report, not a reason to wait forever.
  const JOIN_WAIT_MS = 120_000
  const waited = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), JOIN_WAIT_MS).unref())
  const readiness = await Promise.race([Promise.all(children.map((c) => c.ready)), waited])
  const joinSeconds = (performance.now() - joining) / 1000
  if (readiness === 'timeout') log(`  not every console joined within ${JOIN_WAIT_MS / 1000} s; measuring anyway`)
  else log(`  all joined in ${joinSeconds.toFixed(1)} s (${readiness.reduce((n, r) => n + r.refused, 0)} refused)`)
  for (const c of children) c.go()

  const busy = tenants.filter((t) => t.busy)
  const pushLatencies: number[] = []
  let pushErrors = 0
  let decisions = 0
  const started = performance.now()
  const measureFrom = started + leadMs
  const deadline = measureFrom + opts.seconds * 1000
  const inFlight: Promise<void>[] = []
  let next = started
  for (let k = 0; performance.now() < deadline; k++) {
    const t = busy[k % busy.length]!
    inFlight.push(
      (async () => {
        const t0 = performance.now()
        const counted = t0 >= measureFrom
        try {
          const res = await fetch(`${backend.apiUrl}/rest/v1/rpc/sync_push`, {
            method: 'POST',
            headers: { apikey: backend.anonKey, authorization: `Bearer ${tokens.get(t.id)}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              p_mutations: [
                {
                  client_mutation_id: randomUUID(),
                  kind: 'message.send',
                  args: { to_agent_id: t.agentId, body: `Load decision ${k}` },
                  client_created_at: new Date().toISOString(),
                },
              ],
            }),
          })
          const body = (await res.json()) as { results?: { status: string }[] }
          if (!res.ok || body.results?.[0]?.status !== 'applied') throw new Error(`push HTTP ${res.status}`)
          if (counted) {
            decisions += 1
            pushLatencies.push(performance.now() - t0)
          }
        } catch {
          if (counted) pushErrors += 1
        }
      })(),
    )
    next += 1000 / opts.decisionsPerSecond
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())))
  }
  await Promise.all(inFlight)
  const figures = await Promise.all(children.map((c) => c.figures))

  const latencies = figures.flatMap((f) => f.latencies)
  const sum = (k: 'pulls' | 'idlePulls' | 'pokes' | 'idlePokes' | 'catchUps' | 'errors' | 'connected' | 'joined') => figures.reduce((n, f) => n + f[k], 0)
  const samples = [...new Set(figures.flatMap((f) => f.errorSamples))]
  if (samples.length) log(`  errors: ${samples.join('; ')}`)
  return {
    'server_load.clients': opts.clients,
    'server_load.connected': sum('connected'),
    'server_load.joined': sum('joined'),
    'server_load.join_all_s': round(joinSeconds, 1),
    'server_load.pull_p95_ms': round(p95(latencies), 1),
    'server_load.pull_p50_ms': round(median(latencies), 1),
    'server_load.pulls_per_s': round(sum('pulls') / opts.seconds, 1),
    'server_load.pokes_per_s': round(sum('pokes') / opts.seconds, 1),
    'server_load.idle_pulls_per_s': round(sum('idlePulls') / opts.seconds, 2),
    'server_load.idle_pokes_per_s': round(sum('idlePokes') / opts.seconds, 2),
    'server_load.late_joins': sum('catchUps'),
    'server_load.errors': sum('errors') + pushErrors,
    'server_load.decisions_per_s': round(decisions / opts.seconds, 1),
    'server_load.push_p95_ms': round(p95(pushLatencies), 1),
  }
}
