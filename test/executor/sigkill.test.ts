// Exactly once under SIGKILL: worker processes are killed at random points — before a call, in
// the middle of one, after the provider applied it but before the outcome was recorded — and
// replaced, 50 times. However the kills fall, the provider applies each approved action exactly
// once and every envelope ends `sent` with that one result.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { startWebhookReceiver, type WebhookReceiver } from '../../src/demo-upstream/webhook-receiver'
import { admin } from '../support/db'
import { auditChainBreak } from '../push/support'
import { approveActions, createRig, outboxStates, refundArgs, settle, webhookRoute, WEBHOOK_SECRET, type Approved, type Rig } from './support'

const KILLS = 50
const WORKERS = 3

let dir: string
let bundle: string
let rig: Rig
let hook: WebhookReceiver
const workers = new Map<number, ChildProcess>()
/** Set by a trial that kills the next caller after the provider applied its call, before it hears back. */
let killNextCaller: (() => void) | undefined

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-executor-kill-'))
  bundle = join(dir, 'executor.mjs')
  // One bundled file starts in a fraction of tsx's time, so 50 restarts stay quick.
  await build({
    entryPoints: [new URL('./worker-child.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    external: ['pg-native'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  })
  rig = await createRig()
  hook = await startWebhookReceiver({
    secret: WEBHOOK_SECRET,
    faults: {
      // The dangerous window: the effect is applied, the worker has not heard back yet.
      after: async (_body, worker) => {
        const pid = Number(worker?.split(':')[1])
        const caller = workers.get(pid)
        if (killNextCaller && caller) {
          caller.kill('SIGKILL')
          killNextCaller()
          killNextCaller = undefined
        }
        await new Promise((r) => setTimeout(r, Math.random() * 30))
      },
    },
  })
}, 120_000)

afterAll(async () => {
  for (const w of workers.values()) w.kill('SIGKILL')
  await hook?.close()
  rmSync(dir, { recursive: true, force: true })
  await admin().end()
})

function spawnWorker(configPath: string): ChildProcess {
  const child = spawn(process.execPath, [bundle, configPath], {
    env: { ...process.env, EXECUTOR_DB_URL: inject('stack').dbUrl, TEST_WEBHOOK_SECRET: WEBHOOK_SECRET },
    stdio: 'ignore',
  })
  if (child.pid) workers.set(child.pid, child)
  child.on('exit', () => child.pid && workers.delete(child.pid))
  return child
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

it(`applies every action exactly once while ${KILLS} workers are SIGKILLed at random points`, async () => {
  const configPath = join(dir, 'config.json')
  writeFileSync(
    configPath,
    JSON.stringify({
      routes: [webhookRoute(hook.url, 1000)],
      tenant_ids: [rig.tenantId],
      // Short leases so a killed worker's claims come back quickly; kills must not exhaust attempts.
      lease_seconds: 2,
      max_attempts: 100,
      batch_size: 2,
      backoff_base_ms: 20,
      backoff_max_ms: 200,
      poll_ms: 50,
    }),
  )
  const approved: Approved[] = []
  let next = 0
  const more = async (n: number) => {
    approved.push(...(await approveActions(rig, Array.from({ length: n }, () => refundArgs(next++)))))
  }
  await more(60)
  for (let i = 0; i < WORKERS; i++) spawnWorker(configPath)

  let killedAfterApply = 0
  for (let kill = 0; kill < KILLS; kill++) {
    // Keep work flowing so every kill lands on a busy worker.
    const states = await outboxStates(approved.map((a) => a.outboxId))
    if ([...states.values()].filter((s) => s.status !== 'sent').length < 10) await more(30)
    if (kill % 2 === 0) {
      // Half the trials: the worker whose call the provider just applied dies before hearing back.
      await new Promise<void>((resolve) => (killNextCaller = resolve))
      killedAfterApply++
    } else {
      // The other half: a random worker at a random moment (starting, claiming, calling, reporting).
      await pause(Math.random() * 150)
      const victims = [...workers.values()]
      victims[Math.floor(Math.random() * victims.length)]?.kill('SIGKILL')
    }
    while (workers.size < WORKERS) spawnWorker(configPath)
  }

  const final = await settle(
    approved.map((a) => a.outboxId),
    ['sent', 'dead'],
    60_000,
  )
  for (const a of approved) {
    const effects = hook.ledger.effectsFor(a.actionId)
    expect(effects, `action ${a.actionId}`).toHaveLength(1)
    expect(final.get(a.outboxId)?.status).toBe('sent')
    expect(final.get(a.outboxId)?.result).toEqual(effects[0]?.result)
  }
  // Nothing else ran: one effect per approved action, no strays.
  expect(hook.ledger.effects).toHaveLength(approved.length)
  expect(await auditChainBreak(rig.tenantId)).toBeNull()
  // Reclaims after kills really happened: the test exercised the lease hand-over.
  const { rows } = await admin().query(
    `select count(*)::int as n from public.audit_log where tenant_id = $1 and action = 'outbox.reclaimed'`,
    [rig.tenantId],
  )
  expect(rows[0].n).toBeGreaterThan(0)
  expect(killedAfterApply).toBe(KILLS / 2)
}, 180_000)
