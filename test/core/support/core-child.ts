// A child process running the core against the test stack, for the crash test: it signs in (or
// reuses the stored session), queues the decisions it is given, syncs, and reports on stdout when
// each decision is durably queued and whenever the engine enters a phase — so the parent can kill
// it with SIGKILL at chosen points. On SIGTERM it closes cleanly. The suite runs it from the core
// built for the test run (test/setup/core-build.ts), whose worker entry it is told.
import { join } from 'node:path'
import { createCore, dispatch, FileSessionStore } from '../../../src/core/index'
import { setCoreEntry } from '../../../src/core/thread/worker'

interface ChildConfig {
  dir: string
  apiUrl: string
  anonKey: string
  email: string
  password: string
  pullLimit: number
  /** The built worker entry, for the spare replicas the core builds off its thread. */
  coreEntry?: string
  decisions: { approvalId: string; version: number; payloadHash: string }[]
}

const config = JSON.parse(process.env.CORE_CHILD_CONFIG ?? '{}') as ChildConfig
const say = (line: string) => process.stdout.write(`${line}\n`)
if (config.coreEntry) setCoreEntry(config.coreEntry)

async function call(core: Awaited<ReturnType<typeof createCore>>, method: string, args: unknown) {
  const out = await dispatch(core.handlers, method, args)
  if (!out.ok) throw new Error(`${method}: ${out.error.code} ${out.error.message}`)
  return out.value as Record<string, unknown> & { status?: string; queueDepth?: number; lastPullAt?: string | null }
}

async function main() {
  const core = await createCore({
    userDataDir: config.dir,
    backend: { url: config.apiUrl, anonKey: config.anonKey, isLocalStack: true },
    sessionStore: new FileSessionStore(join(config.dir, 'session.bin')),
    emit: () => {},
    // It never signs out: no spare replica in reserve (the suite gives its first start one).
    reserveSpare: false,
    sync: {
      pullLimit: config.pullLimit,
      focusedIntervalMs: 100,
      backoff: { baseMs: 50, maxMs: 300 },
      onPhase: (phase) => say(`PHASE ${phase}`),
    },
  })
  process.on('SIGTERM', () => {
    void core.close().then(() => process.exit(0))
  })
  await call(core, 'settings.update', { holdSeconds: 0 })
  const session = await call(core, 'session.get', {})
  if (session.status !== 'signed_in') await call(core, 'session.signIn', { email: config.email, password: config.password })
  say('READY')
  /** Asks for a pull and waits until one that ended after the ask has left the engine online. */
  const pullNow = async () => {
    const asked = new Date().toISOString()
    await call(core, 'sync.now', {})
    for (;;) {
      const s = await call(core, 'sync.status', {})
      if (s.state === 'online' && (s.lastPullAt ?? '') > asked) return
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  // Decisions are made on what the replica shows, as a reviewer makes them: wait until every
  // request to decide is there. One completed pull is not enough: sync_pull holds back rows written
  // after the oldest transaction still running on the server, and the previous child's last push
  // may still be running there after its SIGKILL. A request that never arrives is a lost row.
  const arrivedBy = Date.now() + 30_000
  for (;;) {
    await pullNow()
    const missing = []
    for (const d of config.decisions) if (!(await dispatch(core.handlers, 'approvals.detail', { id: d.approvalId })).ok) missing.push(d.approvalId)
    if (missing.length === 0) break
    if (Date.now() > arrivedBy) throw new Error(`requests never reached the replica: ${missing.join(', ')}`)
  }

  // Queue each decision once: a restarted child skips those already in the replica's queue or history.
  const known = new Set<string>()
  const queue = (await call(core, 'queue.list', {})) as unknown as { args: { approval_id?: string } }[]
  const history = (await call(core, 'history.list', { limit: 500, offset: 0 })) as unknown as {
    items: { args: { approval_id?: string } }[]
  }
  for (const i of [...queue, ...history.items]) if (i.args.approval_id) known.add(i.args.approval_id)
  for (const d of config.decisions) {
    if (known.has(d.approvalId)) continue
    const intent = await call(core, 'intents.create', {
      kind: 'approval.decide',
      args: { approval_id: d.approvalId, decision: 'approve', version_seen: d.version, payload_hash_seen: d.payloadHash },
    })
    say(`QUEUED ${d.approvalId} ${String(intent.clientMutationId)}`)
  }

  const since = new Date().toISOString()
  for (;;) {
    const s = await call(core, 'sync.status', {})
    if (s.queueDepth === 0 && s.state === 'online' && (s.lastPullAt ?? '') > since) break
    await new Promise((r) => setTimeout(r, 20))
  }
  // One more full pull after the queue drained, so the replica holds the results.
  await pullNow()
  say('IDLE')
}

main().catch((err: unknown) => {
  say(`ERROR ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
