// A child process running the core against the test stack, for the crash test: it signs in (or
// reuses the stored session), queues the decisions it is given, syncs, and reports on stdout when
// each decision is durably queued and whenever the engine enters a phase — so the parent can kill
// it with SIGKILL at chosen points. On SIGTERM it closes cleanly.
import { join } from 'node:path'
import { createCore, dispatch, FileSessionStore } from '../../../src/core/index'

interface ChildConfig {
  dir: string
  apiUrl: string
  anonKey: string
  email: string
  password: string
  pullLimit: number
  decisions: { approvalId: string; version: number; payloadHash: string }[]
}

const config = JSON.parse(process.env.CORE_CHILD_CONFIG ?? '{}') as ChildConfig
const say = (line: string) => process.stdout.write(`${line}\n`)

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
  // Decisions are made on what the replica shows: wait for a pull that started after this start.
  const started = new Date().toISOString()
  await call(core, 'sync.now', {})
  for (;;) {
    const s = await call(core, 'sync.status', {})
    if (s.state === 'online' && (s.lastPullAt ?? '') > started) break
    await new Promise((r) => setTimeout(r, 20))
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
  const drained = new Date().toISOString()
  await call(core, 'sync.now', {})
  for (;;) {
    const s = await call(core, 'sync.status', {})
    if (s.state === 'online' && (s.lastPullAt ?? '') > drained) break
    await new Promise((r) => setTimeout(r, 20))
  }
  say('IDLE')
}

main().catch((err: unknown) => {
  say(`ERROR ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
