// The console's side of the outbox: envelopes replicate to the reviewer's replica and the Outbox
// view lists them by delivery state with attempts, last error and the provider's answer; the
// approval detail shows what happened after the decision; a retry queued from the console reaches
// the server and the executor sends the action; a reviewer whose role may not is told before sending.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startWebhookReceiver, type WebhookReceiver } from '../../src/demo-upstream/webhook-receiver'
import type { ExecutorHandle } from '../../src/executor/run'
import { admin, DEMO } from '../support/db'
import { createMember, type UserRef } from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from '../core/support/harness'
import { approveActions, createRig, refundArgs, runWorkers, settle, testConfig, webhookRoute, WEBHOOK_SECRET, type Rig } from './support'

let rig: Rig
let viewer: UserRef
let hook: WebhookReceiver
let executor: ExecutorHandle
let t: TestCore

beforeAll(async () => {
  rig = await createRig()
  viewer = await createMember(rig.tenantId, 'viewer')
  // The first attempt at every action fails, so dead and retried deliveries show up too.
  hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET, faults: { before: (b) => (b.attempt === 1 ? 503 : null) } })
  t = await startCore()
  await t.call('settings.update', { holdSeconds: 0 })
  await t.call('session.signIn', { email: rig.approver.email, password: DEMO.password })
  await settled(t)
})
afterAll(async () => {
  await executor?.stop()
  await t?.close()
  await hook?.close()
  await admin().end()
})

it('lists deliveries by state with attempts, the last error and the provider’s answer, and shows them on the approval', async () => {
  const [sentOne, deadOne] = await approveActions(rig, [refundArgs(1), refundArgs(2)])
  await settled(t)
  const open = await t.call('outbox.list', { status: 'open', tenantId: rig.tenantId, limit: 50, offset: 0 })
  expect(open.items.map((i) => [i.id, i.execution.status])).toEqual(
    expect.arrayContaining([
      [sentOne!.outboxId, 'pending'],
      [deadOne!.outboxId, 'pending'],
    ]),
  )
  expect(open.items.find((i) => i.id === sentOne!.outboxId)).toMatchObject({
    tool: { app: 'stripe', key: 'refund' },
    args: refundArgs(1),
    approvalId: sentOne!.approvalId,
    preflight: null,
  })

  // One delivery fails once, is retried and goes out; the other is then given up on (dead).
  executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)], { max_attempts: 2 }))
  await settle([sentOne!.outboxId])
  await executor.stop()
  await admin().query(`update public.outbox set status = 'dead', last_error = 'HTTP 503 from provider', retry_count = 2 where id = $1`, [
    deadOne!.outboxId,
  ])
  await settled(t)

  const sent = await t.call('outbox.list', { status: 'sent', tenantId: rig.tenantId, limit: 50, offset: 0 })
  const sentItem = sent.items.find((i) => i.id === sentOne!.outboxId)
  expect(sentItem?.execution).toMatchObject({ status: 'sent', attempts: 2, lastError: null })
  expect(sentItem?.execution.result).toEqual(hook.ledger.effectsFor(sentOne!.actionId)[0]?.result)
  const dead = await t.call('outbox.list', { status: 'dead', tenantId: rig.tenantId, limit: 50, offset: 0 })
  expect(dead.items.map((i) => i.id)).toEqual([deadOne!.outboxId])
  expect(dead.items[0]?.execution).toMatchObject({ status: 'dead', lastError: 'HTTP 503 from provider' })

  const detail = await t.call('approvals.detail', { id: sentOne!.approvalId })
  expect(detail.execution).toMatchObject({ outboxId: sentOne!.outboxId, status: 'sent', attempts: 2 })
})

it('queues a retry from the console; the server applies it and the executor sends the action', async () => {
  const [a] = await approveActions(rig, [refundArgs(3)])
  await admin().query(`update public.outbox set status = 'dead', last_error = 'HTTP 503 from provider', retry_count = 2 where id = $1`, [
    a!.outboxId,
  ])
  await settled(t)
  // Cancelling a dead delivery is refused before anything is queued, in the server's words.
  await expect(t.call('intents.create', { kind: 'outbox.cancel', args: { outbox_id: a!.outboxId } })).rejects.toMatchObject({
    code: 'invalid_state',
  })
  await t.call('intents.create', { kind: 'outbox.retry', args: { outbox_id: a!.outboxId, reason: 'provider fixed' } })
  await waitFor(async () => (await admin().query(`select status from public.outbox where id = $1`, [a!.outboxId])).rows[0]?.status === 'pending')

  executor = runWorkers(testConfig(rig, [webhookRoute(hook.url)], { max_attempts: 3 }))
  await settle([a!.outboxId])
  await executor.stop()
  expect(hook.ledger.effectsFor(a!.actionId)).toHaveLength(1)
  await settled(t)
  const sent = await t.call('outbox.list', { status: 'sent', tenantId: rig.tenantId, limit: 50, offset: 0 })
  expect(sent.items.map((i) => i.id)).toContain(a!.outboxId)
})

it('tells a viewer before sending that retrying needs outbox:manage', async () => {
  const [a] = await approveActions(rig, [refundArgs(4)])
  await admin().query(`update public.outbox set status = 'dead' where id = $1`, [a!.outboxId])
  const v = await startCore()
  try {
    await v.call('session.signIn', { email: viewer.email, password: DEMO.password })
    await settled(v)
    const dead = await v.call('outbox.list', { status: 'dead', tenantId: rig.tenantId, limit: 50, offset: 0 })
    expect(dead.items.find((i) => i.id === a!.outboxId)?.preflight).toMatchObject({ code: 'forbidden' })
    await expect(v.call('intents.create', { kind: 'outbox.retry', args: { outbox_id: a!.outboxId } })).rejects.toMatchObject({
      code: 'forbidden',
    })
  } finally {
    await v.close()
  }
})
