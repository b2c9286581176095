// outbox.retry and outbox.cancel through sync_push: who may (outbox:manage in the tenant), on
// which states (retry a dead delivery, cancel one that has not gone out), audited with the
// reviewer's name and reason — and what the executor then does with the envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { startWebhookReceiver, type WebhookReceiver } from '../../src/demo-upstream/webhook-receiver'
import { OutboxWorker } from '../../src/executor/worker'
import { Router } from '../../src/executor/config'
import { admin } from '../support/db'
import { createMember, createTenant, type UserRef } from '../support/fixtures'
import { mutation, pushOne } from '../push/support'
import { approveActions, createRig, outboxAudit, outboxStates, refundArgs, testConfig, webhookRoute, WEBHOOK_SECRET, type Rig } from './support'

let rig: Rig
let viewer: UserRef
let operator: UserRef
let outsider: UserRef
let hook: WebhookReceiver

beforeAll(async () => {
  rig = await createRig()
  viewer = await createMember(rig.tenantId, 'viewer')
  operator = await createMember(rig.tenantId, 'operator')
  outsider = await createMember((await createTenant()).id, 'admin')
  hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET })
})
afterAll(async () => {
  await hook.close()
  await admin().end()
})

/** A worker that runs one claim round when asked: what the executor would do next. */
function worker(): OutboxWorker {
  const config = testConfig(rig, [webhookRoute(hook.url)])
  return new OutboxWorker({
    dbUrl: inject('stack').dbUrl,
    router: new Router(config, { TEST_WEBHOOK_SECRET: WEBHOOK_SECRET }),
    leaseSeconds: config.lease_seconds,
    maxAttempts: config.max_attempts,
    batchSize: 10,
    backoff: { baseMs: 10, maxMs: 10 },
    pollMs: 50,
    tenantIds: [rig.tenantId],
  })
}

async function deadEnvelope(n: number) {
  const [a] = await approveActions(rig, [refundArgs(n)])
  await admin().query(
    `update public.outbox set status = 'dead', retry_count = 3, last_error = 'HTTP 503 from provider' where id = $1`,
    [a!.outboxId],
  )
  return a!
}

const retry = (user: UserRef, outboxId: string, extra: Record<string, unknown> = {}) =>
  pushOne(user.id, mutation('outbox.retry', { outbox_id: outboxId, ...extra }))
const cancel = (user: UserRef, outboxId: string, extra: Record<string, unknown> = {}) =>
  pushOne(user.id, mutation('outbox.cancel', { outbox_id: outboxId, ...extra }))

describe('outbox.retry', () => {
  it('gives a dead delivery a fresh set of attempts, audited with the reviewer and reason, and the executor sends it', async () => {
    const a = await deadEnvelope(1)
    const result = await retry(rig.approver, a.outboxId, { reason: 'Provider is back up' })
    expect(result).toMatchObject({ status: 'applied', row: { id: a.outboxId, status: 'pending', retry_count: 0 } })
    const audit = await outboxAudit(a.outboxId)
    expect(audit.at(-1)).toMatchObject({
      action: 'outbox.retry',
      actor_type: 'user',
      actor_id: rig.approver.id,
      before_state: { status: 'dead', retry_count: 3 },
      after_state: { status: 'pending', retry_count: 0 },
      metadata: { reason: 'Provider is back up', action_id: a.actionId },
    })

    const w = worker()
    try {
      expect(await w.drainOnce()).toBe(1)
    } finally {
      await w.stop()
    }
    expect((await outboxStates([a.outboxId])).get(a.outboxId)?.status).toBe('sent')
    expect(hook.ledger.effectsFor(a.actionId)).toHaveLength(1)
  })

  it('is refused to roles without outbox:manage and to other tenants, writing nothing', async () => {
    const a = await deadEnvelope(2)
    expect(await retry(viewer, a.outboxId)).toMatchObject({ status: 'rejected', code: 'forbidden' })
    expect(await retry(operator, a.outboxId)).toMatchObject({ status: 'rejected', code: 'forbidden' })
    // Another tenant's delivery does not exist for an outsider, whatever their role there.
    expect(await retry(outsider, a.outboxId)).toMatchObject({ status: 'rejected', code: 'not_found' })
    expect((await outboxStates([a.outboxId])).get(a.outboxId)?.status).toBe('dead')
    expect((await outboxAudit(a.outboxId)).map((e) => e.action)).not.toContain('outbox.retry')
  })

  it('refuses a delivery that is not dead, and one whose arguments no longer match what was approved', async () => {
    const [pending] = await approveActions(rig, [refundArgs(3)])
    expect(await retry(rig.approver, pending!.outboxId)).toMatchObject({ status: 'rejected', code: 'invalid_state' })

    const tampered = await deadEnvelope(4)
    await admin().query(`update public.actions set args = args || '{"amount": 5}' where id = $1`, [tampered.actionId])
    const refused = await retry(rig.approver, tampered.outboxId)
    expect(refused).toMatchObject({ status: 'rejected', code: 'invalid_state' })
    expect(refused.message).toMatch(/no longer matches what was approved/)
  })

  it('refuses unknown arguments', async () => {
    const a = await deadEnvelope(5)
    expect(await retry(rig.approver, a.outboxId, { force: true })).toMatchObject({ status: 'rejected', code: 'invalid_input' })
  })
})

describe('outbox.cancel', () => {
  it('withdraws a pending delivery for good: audited, marked on the action, never sent', async () => {
    const [a] = await approveActions(rig, [refundArgs(10)])
    const result = await cancel(rig.approver, a!.outboxId, { reason: 'Customer withdrew the request' })
    expect(result).toMatchObject({ status: 'applied', row: { status: 'cancelled' } })
    const state = (await outboxStates([a!.outboxId])).get(a!.outboxId)
    expect(state?.result).toMatchObject({ cancelled: true, cancelled_by: rig.approver.id, reason: 'Customer withdrew the request' })
    expect((await outboxAudit(a!.outboxId)).at(-1)).toMatchObject({ action: 'outbox.cancel', actor_id: rig.approver.id })

    // A claim round takes whatever is due in the tenant; the cancelled delivery is not among it.
    const w = worker()
    try {
      await w.drainOnce()
    } finally {
      await w.stop()
    }
    expect((await outboxStates([a!.outboxId])).get(a!.outboxId)?.status).toBe('cancelled')
    expect(hook.ledger.effectsFor(a!.actionId)).toEqual([])
    // Cancelled is final: it cannot be retried into existence again.
    expect(await retry(rig.approver, a!.outboxId)).toMatchObject({ status: 'rejected', code: 'invalid_state' })
  })

  it('refuses a delivery in flight or already sent, and a reviewer without outbox:manage', async () => {
    const [sending, sent, other] = await approveActions(rig, [refundArgs(11), refundArgs(12), refundArgs(13)])
    await admin().query(
      `update public.outbox set status = 'sending', claimed_by = 'w', claim_token = gen_random_uuid(),
              lease_expires_at = now() + interval '1 minute' where id = $1`,
      [sending!.outboxId],
    )
    await admin().query(`update public.outbox set status = 'sent', sent_at = now() where id = $1`, [sent!.outboxId])
    expect(await cancel(rig.approver, sending!.outboxId)).toMatchObject({ status: 'rejected', code: 'invalid_state' })
    expect(await cancel(rig.approver, sent!.outboxId)).toMatchObject({ status: 'rejected', code: 'invalid_state' })
    expect(await cancel(viewer, other!.outboxId)).toMatchObject({ status: 'rejected', code: 'forbidden' })
    expect((await outboxStates([other!.outboxId])).get(other!.outboxId)?.status).toBe('pending')
  })
})
