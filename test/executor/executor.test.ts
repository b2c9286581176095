// The outbox executor against the real stack: approved actions reach the provider once, with the
// approved arguments, every transition in the audit log; tampered arguments are dead-lettered
// unsent; transient failures retry with backoff, then go dead; a lost lease hands the envelope on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoUpstream, type DemoUpstream } from '../../src/demo-upstream/serve'
import { startWebhookReceiver, type WebhookReceiver } from '../../src/demo-upstream/webhook-receiver'
import type { ExecutorHandle } from '../../src/executor/run'
import { startExecutor } from '../../src/executor/run'
import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import { admin } from '../support/db'
import { auditChainBreak } from '../push/support'
import {
  approveActions,
  createRig,
  outboxAudit,
  outboxStates,
  refundArgs,
  runWorkers,
  settle,
  testConfig,
  webhookRoute,
  WEBHOOK_SECRET,
  type Rig,
} from './support'

let rig: Rig
let executor: ExecutorHandle | undefined
const closers: (() => Promise<void>)[] = []

beforeAll(async () => {
  rig = await createRig()
})
afterEach(async () => {
  await executor?.stop()
  executor = undefined
  while (closers.length) await closers.pop()?.()
})
afterAll(async () => {
  await admin().end()
})

async function receiver(faults?: Parameters<typeof startWebhookReceiver>[0]['faults']): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver({ secret: WEBHOOK_SECRET, faults })
  closers.push(() => r.close())
  return r
}

describe('delivery', () => {
  it('sends each approved action once over the signed webhook and records the result and the audit trail', async () => {
    const hook = await receiver()
    const approved = await approveActions(rig, [refundArgs(1), refundArgs(2), refundArgs(3)])
    executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)]), 2)
    const states = await settle(approved.map((a) => a.outboxId))

    for (const [i, a] of approved.entries()) {
      const effects = hook.ledger.effectsFor(a.actionId)
      expect(effects).toHaveLength(1)
      expect(effects[0]?.args).toEqual(refundArgs(i + 1))
      const state = states.get(a.outboxId)
      expect(state).toMatchObject({ status: 'sent', retry_count: 0, last_error: null })
      // The provider's answer is kept on the action.
      expect(state?.result).toEqual(effects[0]?.result)
      expect((await outboxAudit(a.outboxId)).map((e) => [e.action, e.actor_type, e.after_state?.status])).toEqual([
        ['outbox.claimed', 'system', 'sending'],
        ['outbox.sent', 'system', 'sent'],
      ])
    }
    expect(await auditChainBreak(rig.tenantId)).toBeNull()
  })

  it('runs the arguments the reviewer approved with edits, not the ones the agent asked for (MCP executor)', async () => {
    const demo: DemoUpstream = await startDemoUpstream()
    closers.push(() => demo.close())
    const asked = refundArgs(10)
    const edited = { ...asked, amount: 500 }
    const [a] = await approveActions(rig, [asked], { edits: new Map([[0, edited]]) })
    executor = runWorkers(testConfig(rig, [{ tools: ['stripe.*'], executor: { kind: 'mcp', url: demo.mcpUrl, timeout_ms: 2000 } }]))
    const states = await settle([a!.outboxId])

    expect(states.get(a!.outboxId)?.status).toBe('sent')
    expect(demo.ledger.effects.map((e) => [e.tool, e.args, e.idempotencyKey])).toEqual([['stripe_refund', edited, a!.actionId]])
    expect(states.get(a!.outboxId)?.result).toMatchObject({ object: 'refund', amount: 500, status: 'succeeded' })
  })

  it('dead-letters a signature the receiver refuses (a permanent 4xx) after one attempt', async () => {
    const hook = await receiver()
    const [a] = await approveActions(rig, [refundArgs(20)])
    executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)]), 1, 'not-the-receivers-secret')
    const states = await settle([a!.outboxId])
    expect(states.get(a!.outboxId)).toMatchObject({ status: 'dead', retry_count: 1 })
    expect(states.get(a!.outboxId)?.last_error).toContain('HTTP 401')
    expect(hook.ledger.effects).toEqual([])
  })
})

describe('the approved payload hash', () => {
  it('dead-letters an action whose arguments were changed after approval and never sends it', async () => {
    const hook = await receiver()
    const [a] = await approveActions(rig, [refundArgs(30)])
    // Someone with database access raises the amount after the reviewer approved 1030.
    await admin().query(`update public.actions set args = jsonb_set(args, '{amount}', '999999') where id = $1`, [a!.actionId])
    executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)]))
    const states = await settle([a!.outboxId])

    expect(states.get(a!.outboxId)).toMatchObject({ status: 'dead' })
    expect(states.get(a!.outboxId)?.last_error).toMatch(/no longer match what was approved/)
    expect(states.get(a!.outboxId)?.result).toMatchObject({ reason: 'payload_hash_mismatch' })
    expect(hook.ledger.calls).toEqual([])
    const audit = await outboxAudit(a!.outboxId)
    expect(audit.map((e) => e.action)).toEqual(['outbox.dead'])
    expect(audit[0]?.metadata).toMatchObject({ reason: 'payload_hash_mismatch' })
    expect(audit[0]?.metadata.expected_hash).not.toBe(audit[0]?.metadata.actual_hash)
  })

  it('checks the envelope’s own payload_hash first when one was recorded at enqueue time', async () => {
    const hook = await receiver()
    const [a] = await approveActions(rig, [refundArgs(31)])
    await admin().query(`update public.outbox set payload_hash = canonical_hash('{"something": "else"}') where id = $1`, [a!.outboxId])
    executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)]))
    const states = await settle([a!.outboxId])
    expect(states.get(a!.outboxId)?.status).toBe('dead')
    expect(hook.ledger.calls).toEqual([])
  })
})

describe('retries', () => {
  it('retries transient failures with backoff, auditing each, and then sends', async () => {
    const failures = new Map<string, number>()
    const hook = await receiver({
      before: (body) => {
        const n = failures.get(body.action_id) ?? 0
        failures.set(body.action_id, n + 1)
        return n < 2 ? 503 : null
      },
    })
    const [a] = await approveActions(rig, [refundArgs(40)])
    executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)], { max_attempts: 5 }))
    const states = await settle([a!.outboxId])

    expect(states.get(a!.outboxId)).toMatchObject({ status: 'sent', retry_count: 2, last_error: null })
    expect(hook.ledger.effectsFor(a!.actionId)).toHaveLength(1)
    const audit = await outboxAudit(a!.outboxId)
    expect(audit.map((e) => e.action)).toEqual([
      'outbox.claimed',
      'outbox.retry_scheduled',
      'outbox.claimed',
      'outbox.retry_scheduled',
      'outbox.claimed',
      'outbox.sent',
    ])
    expect(audit[1]?.metadata).toMatchObject({ attempts: 1 })
    expect(String(audit[1]?.metadata.error)).toContain('HTTP 503')
    expect(audit[1]?.after_state).toMatchObject({ status: 'failed', retry_count: 1 })
  })

  it('goes dead after the configured number of attempts, with the last error on the action', async () => {
    const hook = await receiver({ before: () => 503 })
    const [a] = await approveActions(rig, [refundArgs(41)])
    executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)], { max_attempts: 3 }))
    const states = await settle([a!.outboxId])

    expect(states.get(a!.outboxId)).toMatchObject({ status: 'dead', retry_count: 3 })
    expect(states.get(a!.outboxId)?.result).toMatchObject({ reason: 'attempts_exhausted' })
    expect(hook.ledger.effects).toEqual([])
    const audit = await outboxAudit(a!.outboxId)
    expect(audit.map((e) => e.action)).toEqual([
      'outbox.claimed',
      'outbox.retry_scheduled',
      'outbox.claimed',
      'outbox.retry_scheduled',
      'outbox.claimed',
      'outbox.dead',
    ])
    expect(audit.at(-1)?.metadata).toMatchObject({ reason: 'attempts_exhausted', attempts: 3 })
  })

  it('dead-letters a tool no route serves instead of guessing where to send it', async () => {
    const hook = await receiver()
    const [a] = await approveActions(rig, [{ channel: '#ops', text: 'hello' }], { tool: { app: 'slack', key: 'post' } })
    executor = runWorkers(testConfig(rig, [{ ...webhookRoute(hook.url), tools: ['stripe.*'] }]))
    const states = await settle([a!.outboxId])
    expect(states.get(a!.outboxId)?.status).toBe('dead')
    expect(states.get(a!.outboxId)?.last_error).toContain('No executor is configured for the tool slack.post')
  })
})

describe('leases', () => {
  it('hands a dead worker’s claim to another worker once the lease expires; the late worker cannot report over it', async () => {
    const hook = await receiver()
    const [a] = await approveActions(rig, [refundArgs(50)])
    // A worker claims with a 1-second lease and dies before reporting.
    const dead = await admin().connect()
    let claim: { claim_token: string; outbox_id: string }
    try {
      await dead.query('set role outbox_executor')
      const res = await dead.query(`select public.executor_claim('doomed-worker', 10, 1, 5, $1::uuid[]) as claim`, [[rig.tenantId]])
      claim = res.rows[0].claim
    } finally {
      await dead.query('reset role')
      dead.release()
    }
    expect(claim.outbox_id).toBe(a!.outboxId)
    expect((await outboxStates([a!.outboxId])).get(a!.outboxId)?.status).toBe('sending')

    executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)]))
    const states = await settle([a!.outboxId])
    expect(states.get(a!.outboxId)).toMatchObject({ status: 'sent', retry_count: 1 })
    expect(hook.ledger.effectsFor(a!.actionId)).toHaveLength(1)
    const audit = await outboxAudit(a!.outboxId)
    expect(audit.map((e) => e.action)).toEqual(['outbox.claimed', 'outbox.reclaimed', 'outbox.sent'])
    expect(audit[1]?.before_state).toMatchObject({ status: 'sending', claimed_by: 'doomed-worker' })

    // The first worker wakes up and tries to report: its claim is fenced off.
    const late = await admin().connect()
    try {
      await late.query('set role outbox_executor')
      const res = await late.query(`select public.executor_complete($1, $2, '{"late": true}') as ok`, [claim.outbox_id, claim.claim_token])
      expect(res.rows[0].ok).toBe(false)
    } finally {
      await late.query('reset role')
      late.release()
    }
    expect((await outboxStates([a!.outboxId])).get(a!.outboxId)?.result).not.toEqual({ late: true })
  })
})

describe('the executor role', () => {
  it('may claim and report, and nothing else: no table reads or writes, no decisions', async () => {
    const c = await admin().connect()
    const refused = async (sql: string) => {
      await c.query('savepoint s')
      try {
        await c.query(sql)
        return 'allowed'
      } catch (err) {
        return (err as { code?: string }).code
      } finally {
        await c.query('rollback to savepoint s')
      }
    }
    try {
      await c.query('begin')
      await c.query('set local role outbox_executor')
      expect(await refused(`update public.approvals set status = 'approved'`)).toBe('42501')
      expect(await refused(`select * from public.outbox`)).toBe('42501')
      expect(await refused(`insert into public.outbox (tenant_id, action_id) values (gen_random_uuid(), gen_random_uuid())`)).toBe('42501')
      expect(await refused(`select public.sync_push('[]'::jsonb)`)).toBe('42501')
      expect(await refused(`select public.push_intent_outbox_retry(gen_random_uuid(), gen_random_uuid(), '{}', now())`)).toBe('42501')
      expect(await refused(`select public.executor_claim('probe', 1, 5, 3, array[gen_random_uuid()])`)).toBe('allowed')
    } finally {
      await c.query('rollback')
      c.release()
    }
  })

  it('is all a production worker needs: a login role that is only a member of outbox_executor delivers', async () => {
    const login = `executor_login_${randomUUID().slice(0, 8)}`
    await admin().query(`create role ${login} login password 'executor-test' in role outbox_executor`)
    const url = new URL(inject('stack').dbUrl)
    url.username = login
    url.password = 'executor-test'
    const hook = await receiver()
    const [a] = await approveActions(rig, [refundArgs(60)])
    executor = startExecutor({
      dbUrl: url.toString(),
      config: testConfig(rig, [webhookRoute(hook.url)]),
      role: null,
      env: { TEST_WEBHOOK_SECRET: WEBHOOK_SECRET },
    })
    expect((await settle([a!.outboxId])).get(a!.outboxId)?.status).toBe('sent')
    expect(hook.ledger.effectsFor(a!.actionId)).toHaveLength(1)
    await executor.stop()
    executor = undefined
    await admin().query(`drop role ${login}`)
  })
})
