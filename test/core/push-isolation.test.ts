// A batch the server refuses as a whole never blocks the console's queue (issue 11, item 6, client
// side): an intent whose request the gateway refuses (here: a body over its 10 MiB limit, 413) is
// found by splitting the batch and refused alone with the server's reason, and the valid decision
// queued with it is applied — instead of the whole batch being retried behind it forever.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertIntent } from '../../src/core/queue/intents'
import { admin, DEMO } from '../support/db'
import { createApproval, createMember, createTenant, type UserRef } from '../support/fixtures'
import { replicaOf, settled, startCore, waitFor, type TestCore } from './support/harness'

let reviewer: UserRef
let tenant: string
let t: TestCore

beforeAll(async () => {
  tenant = (await createTenant()).id
  reviewer = await createMember(tenant, 'finance')
  t = await startCore()
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
  await settled(t)
}, 120_000)

afterAll(async () => {
  await t?.close()
})

async function intentState(id: string) {
  const { rows } = await replicaOf(t).query<{ state: string; refusal_code: string | null; refusal_message: string | null }>(
    'select state, refusal_code, refusal_message from pending_mutations where client_mutation_id = $1',
    [id],
  )
  return rows[0]
}

describe('a new intent', () => {
  it('is refused with its reason when it holds text the server cannot store, and nothing is queued', async () => {
    const approval = await createApproval(tenant)
    const before = (await t.call('sync.status', {})).queueDepth
    for (const reason of ['NUL \u0000 inside', 'half an emoji \ud83d']) {
      await expect(
        t.call('intents.create', {
          kind: 'approval.decide',
          args: { approval_id: approval.id, decision: 'reject', version_seen: approval.version, payload_hash_seen: approval.payload_hash, reason },
        }),
      ).rejects.toMatchObject({ code: 'invalid_input' })
    }
    expect((await t.call('sync.status', {})).queueDepth).toBe(before)
  })
})

describe('the push path', () => {
  it('refuses the intent whose request the server refuses, alone, and applies the decision queued with it', async () => {
    const approval = await createApproval(tenant)
    const now = new Date()
    const oversized = randomUUID()
    const valid = randomUUID()
    // Queued together (as a build that let such a message through would have), so they share a batch.
    await replicaOf(t).transaction(async (tx) => {
      await insertIntent(tx, {
        clientMutationId: oversized,
        userId: reviewer.id,
        kind: 'message.send',
        args: { approval_id: approval.id, body: 'x'.repeat(11 * 1024 * 1024) },
        targetId: approval.id,
        label: 'An oversized message',
        createdAt: now,
        holdUntil: now,
      })
      await insertIntent(tx, {
        clientMutationId: valid,
        userId: reviewer.id,
        kind: 'approval.decide',
        args: { approval_id: approval.id, decision: 'approve', version_seen: approval.version, payload_hash_seen: approval.payload_hash },
        targetId: approval.id,
        label: 'Approve',
        createdAt: now,
        holdUntil: now,
      })
    })
    await t.call('sync.now', {})

    const applied = await waitFor(async () => ((await intentState(valid))?.state === 'applied' ? true : null), 30_000, 'the valid decision')
    expect(applied).toBe(true)
    const { rows } = await admin().query('select status from public.approvals where id = $1', [approval.id])
    expect(rows[0].status).toBe('approved')
    expect(await intentState(oversized)).toMatchObject({ state: 'rejected', refusal_code: 'request_refused' })
    expect((await intentState(oversized))?.refusal_message).toMatch(/exceeds|large/i)
    expect((await t.call('sync.status', {})).queueDepth).toBe(0)
  })
})
