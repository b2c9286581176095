// Exactly once under crashes: a child process running the core is killed with SIGKILL at random
// points of pull-apply and push (and while queuing), many times over one replica; after a final
// clean run every queued decision is applied exactly once on the server and the replica equals the
// server's view of the reviewer. The same holds for the core as the shells host it, in its own
// worker thread: the worker is stopped mid-sync, the host starts it again and says so, and nothing
// queued is lost or applied twice.
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { CallOutcome, MethodArgs, MethodName, MethodResult } from '../../src/shared/contract'
import { MemorySessionStore } from '../../src/core/auth/session-store'
import { startCoreHost, type CoreHost } from '../../src/core/thread/host'
import { workerSpawner } from '../../src/core/thread/worker-spawner'
import type { EnginePhase } from '../../src/core/sync/phases'
import { openReplicaDb } from '../../src/core/replica/open'
import { replicaDir } from '../../src/core/replica/open'
import { admin, DEMO } from '../support/db'
import { createAgent, createApproval, createAuditEntry, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { provideSpare, replicaDigest, serverDigest, tempDir } from './support/harness'

const TRIALS = Number(process.env.CRASH_TRIALS ?? 50)
const PHASES = ['pull-apply', 'pull-applied', 'push-claimed', 'push-request', 'push-resolved', 'queued'] as const

const WORKER_TRIALS = Number(process.env.CRASH_WORKER_TRIALS ?? 10)
const WORKER_PHASES: EnginePhase[] = ['pull-apply', 'pull-applied', 'push-claimed', 'push-request', 'push-resolved']

let tenant: TenantRef
let reviewer: UserRef
let workerReviewer: UserRef
let agentId: string
const dir = tempDir('crash')
const workerDir = tempDir('crash-worker')

beforeAll(async () => {
  tenant = await createTenant({ name: 'Crash' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'crash' })
  workerReviewer = await createMember(tenant.id, 'finance', { label: 'crash-worker' })
  agentId = (await createAgent(tenant.id)).id
  // Each first sign-in opens a spare replica instead of running initdb (as the shells' cores do
  // after the first start); the crashes under test are in sync, push and queuing.
  await provideSpare(dir)
  await provideSpare(workerDir)
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(workerDir, { recursive: true, force: true })
})

interface Run {
  child: ChildProcess
  errors: string[]
  queued: string[]
  lines: string[]
  done: Promise<number | null>
  waitFor(match: (line: string) => boolean, timeoutMs: number): Promise<boolean>
}

function runChild(decisions: { approvalId: string; version: number; payloadHash: string }[]): Run {
  const stack = inject('stack')
  // The child built for this run (test/setup/core-build.ts): from the sources each child loaded the
  // core anew through tsx. V8 compiles PGlite's WASM with its baseline compiler only: a child lives
  // seconds, and optimising the whole module in the background cost more CPU than the child's own
  // work (per start, measured under load: 2.7 s CPU with tier-up, 1.1 s without).
  const build = inject('coreBuild')
  const child = spawn(process.execPath, ['--liftoff-only', build.crashChild], {
    env: {
      ...process.env,
      CORE_CHILD_CONFIG: JSON.stringify({
        dir,
        apiUrl: stack.apiUrl,
        anonKey: stack.anonKey,
        email: reviewer.email,
        password: DEMO.password,
        pullLimit: 40,
        coreEntry: build.entry,
        decisions,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const queued: string[] = []
  const lines: string[] = []
  const waiters: { match: (l: string) => boolean; resolve: (hit: boolean) => void }[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line)
    if (line.startsWith('QUEUED ')) queued.push(line.split(' ')[2]!)
    for (const w of [...waiters]) {
      if (w.match(line)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(true)
      }
    }
  })
  const errors: string[] = []
  child.stderr!.on('data', (d: Buffer) => errors.push(d.toString()))
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    errors,
    queued,
    lines,
    done,
    waitFor(match, timeoutMs) {
      if (lines.some(match)) return Promise.resolve(true)
      return new Promise((resolve) => {
        const w = { match, resolve }
        waiters.push(w)
        setTimeout(() => {
          const i = waiters.indexOf(w)
          if (i >= 0) waiters.splice(i, 1)
          resolve(false)
        }, timeoutMs)
        void done.then(() => resolve(false))
      })
    },
  }
}

/** New work on the server for one trial: approvals to decide, and history to pull. */
async function serverWork(n: number, title = 'Crash') {
  const out: { approvalId: string; version: number; payloadHash: string }[] = []
  for (let i = 0; i < n; i++) {
    const a = await createApproval(tenant.id, { agentId, title: `${title} ${i}`, riskLevel: 1 })
    out.push({ approvalId: a.id, version: a.version, payloadHash: a.payload_hash })
  }
  await admin().query(
    `insert into public.audit_log (tenant_id, actor_type, action, entity_type, metadata)
     select $1, 'system', 'crash.noise', 'noise', jsonb_build_object('n', g) from generate_series(1, 120) g`,
    [tenant.id],
  )
  await createAuditEntry(tenant.id, { action: 'crash.trial' })
  return out
}

describe('a core killed with SIGKILL at random points', () => {
  it(`applies every queued decision exactly once and converges after ${TRIALS} crashes`, { timeout: 600_000 }, async () => {
    const allQueued = new Set<string>()
    const decided = new Set<string>()
    const hits: Record<string, number> = {}
    let pending: { approvalId: string; version: number; payloadHash: string }[] = []
    for (let trial = 0; trial < TRIALS; trial++) {
      pending = [...pending, ...(await serverWork(3))]
      const run = runChild(pending)
      const phase = PHASES[Math.floor(Math.random() * PHASES.length)]!
      const marker = phase === 'queued' ? 'QUEUED ' : `PHASE ${phase}`
      const hit = await run.waitFor((l) => l.startsWith(marker), 20_000)
      if (process.env.CRASH_DEBUG) console.log(trial, phase, hit, run.lines.slice(0, 12).join(' | '), run.errors.join('').slice(0, 500))
      if (hit) hits[phase] = (hits[phase] ?? 0) + 1
      // A few milliseconds in: inside the transaction, the request, or between them.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)))
      run.child.kill('SIGKILL')
      await run.done
      const errors = run.lines.filter((l) => l.startsWith('ERROR'))
      expect(errors, `trial ${trial}`).toEqual([])
      for (const id of run.queued) allQueued.add(id)
      for (const l of run.lines) if (l.startsWith('QUEUED ')) decided.add(l.split(' ')[1]!)
      pending = pending.filter((d) => !decided.has(d.approvalId))
    }
    // The crashes must really have landed in the phases under test.
    expect(Object.keys(hits).length).toBeGreaterThanOrEqual(4)

    // A last clean run: queue what is left, drain, pull, exit.
    const last = runChild(pending)
    expect(await last.waitFor((l) => l === 'IDLE' || l.startsWith('ERROR'), 60_000)).toBe(true)
    expect(last.lines.filter((l) => l.startsWith('ERROR'))).toEqual([])
    last.child.kill('SIGTERM')
    await last.done
    for (const id of last.queued) allQueued.add(id)

    // Exactly once on the server: every intent the child reported durable is in the ledger, applied;
    // every approval has one decision of this reviewer; nothing else was applied in their name.
    const ledger = await admin().query<{ client_mutation_id: string; status: string }>(
      `select client_mutation_id::text, status from public.sync_mutations where user_id = $1`,
      [reviewer.id],
    )
    const ledgerIds = new Set(ledger.rows.map((r) => r.client_mutation_id))
    for (const id of allQueued) expect(ledgerIds.has(id), id).toBe(true)
    expect(ledger.rows.every((r) => r.status === 'applied')).toBe(true)
    const perApproval = await admin().query<{ approval_id: string; n: number }>(
      `select approval_id::text, count(*)::int as n from public.approval_decisions where actor_id = $1 group by approval_id`,
      [reviewer.id],
    )
    expect(perApproval.rows.every((r) => r.n === 1)).toBe(true)
    const pendingLeft = await admin().query(
      `select 1 from public.approvals where tenant_id = $1 and status = 'pending' and title like 'Crash %'`,
      [tenant.id],
    )
    expect(pendingLeft.rows).toHaveLength(0)
    expect(perApproval.rows.length).toBe(ledger.rows.length)

    // And the replica, reopened after everything, equals the server view.
    const db = await openReplicaDb(replicaDir({ userDataDir: dir, backendUrl: inject('stack').apiUrl }, reviewer.id))
    try {
      const history = await db.query<{ n: number }>(
        `select count(*)::int as n from pending_mutations where user_id = $1 and state = 'applied'`,
        [reviewer.id],
      )
      expect(history.rows[0]!.n).toBe(ledger.rows.length)
      expect(await replicaDigest(db)).toEqual(await serverDigest(reviewer.id))
    } finally {
      await db.close()
    }
  })
})

/** Exactly once on the server for `user`, and their replica (reopened) equal to the server's view. */
async function expectExactlyOnce(user: UserRef, replicaRoot: string, queuedIds: Set<string>, titlePrefix: string) {
  const ledger = await admin().query<{ client_mutation_id: string; status: string }>(
    `select client_mutation_id::text, status from public.sync_mutations where user_id = $1`,
    [user.id],
  )
  const ledgerIds = new Set(ledger.rows.map((r) => r.client_mutation_id))
  for (const id of queuedIds) expect(ledgerIds.has(id), id).toBe(true)
  expect(ledger.rows.every((r) => r.status === 'applied')).toBe(true)
  const perApproval = await admin().query<{ approval_id: string; n: number }>(
    `select approval_id::text, count(*)::int as n from public.approval_decisions where actor_id = $1 group by approval_id`,
    [user.id],
  )
  expect(perApproval.rows.every((r) => r.n === 1)).toBe(true)
  expect(perApproval.rows.length).toBe(ledger.rows.length)
  const pendingLeft = await admin().query(`select 1 from public.approvals where tenant_id = $1 and status = 'pending' and title like $2`, [
    tenant.id,
    `${titlePrefix}%`,
  ])
  expect(pendingLeft.rows).toHaveLength(0)
  const db = await openReplicaDb(replicaDir({ userDataDir: replicaRoot, backendUrl: inject('stack').apiUrl }, user.id))
  try {
    const history = await db.query<{ n: number }>(`select count(*)::int as n from pending_mutations where user_id = $1 and state = 'applied'`, [user.id])
    expect(history.rows[0]!.n).toBe(ledger.rows.length)
    expect(await replicaDigest(db)).toEqual(await serverDigest(user.id))
  } finally {
    await db.close()
  }
}

describe('the core in its worker thread, stopped mid-sync and restarted by its host', () => {
  it(`loses no decision and applies none twice over ${WORKER_TRIALS} restarts, and says it restarted`, { timeout: 600_000 }, async () => {
    const stack = inject('stack')
    const phaseWaiters: { phase: EnginePhase; resolve(): void }[] = []
    const restarted: string[] = []
    let onRestart: (() => void) | null = null
    const host: CoreHost = await startCoreHost({
      spawn: workerSpawner(),
      config: {
        userDataDir: workerDir,
        backend: { url: stack.apiUrl, anonKey: stack.anonKey, isLocalStack: true },
        sync: { pullLimit: 40, focusedIntervalMs: 100, backoff: { baseMs: 50, maxMs: 300 } },
        reportPhases: true,
        // Never signs out: no spare built in reserve, which each restart would begin again.
        reserveSpare: false,
      },
      // The session stays with the shell: a restarted core is still signed in.
      sessionStore: new MemorySessionStore(),
      emit: (event, payload) => {
        if (event !== 'core.restarted') return
        restarted.push((payload as { reason: string }).reason)
        onRestart?.()
      },
      onPhase: (phase) => {
        for (const w of phaseWaiters.filter((x) => x.phase === phase)) {
          phaseWaiters.splice(phaseWaiters.indexOf(w), 1)
          w.resolve()
        }
      },
      log: () => {},
    })
    /** A call; a core_restarted answer (the call was in flight when the core stopped) is returned as null. */
    const call = async <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M> | null> => {
      const out = (await host.dispatch(method, args)) as CallOutcome<M>
      if (out.ok) return out.value
      if (out.error.code === 'core_restarted') return null
      throw new Error(`${method}: ${out.error.code} ${out.error.message}`)
    }
    const until = async (what: string, check: () => Promise<boolean>) => {
      const deadline = Date.now() + 60_000
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
        await new Promise((r) => setTimeout(r, 25))
      }
    }
    /** Approvals this reviewer has a decision for, queued or done (a restarted test never decides twice). */
    const decidedIds = async (): Promise<Set<string> | null> => {
      const queue = await call('queue.list', {})
      const history = await call('history.list', { limit: 500, offset: 0 })
      if (!queue || !history) return null
      return new Set([...queue, ...history.items].map((i) => i.args['approval_id']).filter((id): id is string => typeof id === 'string'))
    }
    const queuedIds = new Set<string>()
    const decideAll = async (work: { approvalId: string; version: number; payloadHash: string }[]) => {
      const known = await decidedIds()
      if (!known) return
      for (const d of work) {
        if (known.has(d.approvalId)) continue
        const intent = await call('intents.create', {
          kind: 'approval.decide',
          args: { approval_id: d.approvalId, decision: 'approve', version_seen: d.version, payload_hash_seen: d.payloadHash },
        })
        if (intent) queuedIds.add(intent.clientMutationId)
      }
    }

    try {
      await call('settings.update', { holdSeconds: 0 })
      await call('session.signIn', { email: workerReviewer.email, password: DEMO.password })
      let open: { approvalId: string; version: number; payloadHash: string }[] = []
      for (let trial = 0; trial < WORKER_TRIALS; trial++) {
        const work = await serverWork(3, 'Worker crash')
        open = [...open, ...work]
        // Decide on what the replica shows: wait until the new requests arrived.
        await until('the new requests in the replica', async () => {
          for (const d of work) if (!(await host.dispatch('approvals.detail', { id: d.approvalId })).ok) return false
          return true
        })
        const phase = WORKER_PHASES[Math.floor(Math.random() * WORKER_PHASES.length)]!
        const reached = new Promise<void>((resolve) => phaseWaiters.push({ phase, resolve }))
        const deciding = decideAll(open)
        await Promise.race([reached, new Promise((r) => setTimeout(r, 10_000))])
        // A few milliseconds in: inside the page's transaction, the request, or between them.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)))
        const back = new Promise<void>((resolve) => (onRestart = resolve))
        host.kill()
        await back
        await deciding
        const known = await decidedIds()
        if (known) open = open.filter((d) => !known.has(d.approvalId))
      }
      expect(restarted).toHaveLength(WORKER_TRIALS)
      expect(host.restarts()).toBe(WORKER_TRIALS)

      // Settle: decide what is left, drain the queue, and pull once more after it drained.
      await decideAll(open)
      await until('an empty queue', async () => (await call('sync.status', {}))?.queueDepth === 0)
      const drained = new Date().toISOString()
      await call('sync.now', {})
      await until('a pull after the queue drained', async () => {
        const s = await call('sync.status', {})
        return s !== null && s.state === 'online' && (s.lastPullAt ?? '') > drained
      })
    } finally {
      await host.close()
    }
    await expectExactlyOnce(workerReviewer, workerDir, queuedIds, 'Worker crash')
  })
})
