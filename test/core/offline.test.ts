// Decisions made offline survive a restart and reach the server exactly once, in the order they
// were made, when the network returns — sent in batches back to back, one of them lost on the
// way; an undo inside the hold window sends nothing at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemorySessionStore } from '../../src/core/index'
import { admin, DEMO } from '../support/db'
import { createAgent, createApproval, createMember, createTenant, type ApprovalRow, type TenantRef, type UserRef } from '../support/fixtures'
import { faultyFetch } from './support/faulty-fetch'
import { decisionOn, replicaDigest, replicaOf, serverDigest, settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let reviewer: UserRef
const open: TestCore[] = []

beforeAll(async () => {
  tenant = await createTenant({ name: 'Offline' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'offline' })
})

afterAll(async () => {
  for (const t of open) await t.close().catch(() => {})
})

async function approvals(n: number, title: string): Promise<ApprovalRow[]> {
  const agent = await createAgent(tenant.id)
  const out: ApprovalRow[] = []
  for (let i = 0; i < n; i++) out.push(await createApproval(tenant.id, { agentId: agent.id, title: `${title} ${i}`, riskLevel: i % 4 }))
  return out
}

describe('200 decisions made offline', () => {
  it('are applied exactly once and in order after a restart and reconnect', async () => {
    const batch = await approvals(200, 'Offline decision')
    const store = new MemorySessionStore()
    const net = faultyFetch()
    const first = await startCore({ store, fetch: net.fetch })
    await first.call('settings.update', { holdSeconds: 0 })
    await first.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    await settled(first)

    net.online(false)
    const made: string[] = []
    for (const [i, a] of batch.entries()) {
      const intent = await first.call('intents.create', decisionOn(a, i % 5 === 0 ? 'reject' : 'approve', `offline ${i}`))
      made.push(intent.clientMutationId)
    }
    // The decided items left the inbox at once, with nothing sent.
    const inbox = await first.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 500, offset: 0 })
    expect(inbox.items.filter((x) => batch.some((a) => a.id === x.id))).toHaveLength(0)
    const dir = first.dir
    await first.close({ keepDir: true })

    // Restarted, still offline: the queue is intact and in order. Batches of 30: the next batch is
    // sent while the console records the answers to the one before (sync/push.ts).
    const t = await startCore({ store, dir, fetch: net.fetch, sync: { pushBatch: 30 } })
    open.push(t)
    const queued = await t.call('queue.list', {})
    expect(queued.map((q) => q.clientMutationId)).toEqual(made)
    expect((await t.call('sync.status', {})).queueDepth).toBe(200)

    // The third batch is lost on the way, while the second's answers are being recorded: it goes
    // back to the queue and is sent again, after the second and before the fourth.
    net.fail('sync_push', { kind: 'network' }, 1, 2)
    net.online(true)
    t.core.wake()
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 30_000, 'the queue to drain')
    await settled(t)
    expect(net.injected).toBe(1)

    const ledger = await admin().query<{ client_mutation_id: string; status: string }>(
      `select client_mutation_id, status from public.sync_mutations where user_id = $1`,
      [reviewer.id],
    )
    expect(ledger.rows).toHaveLength(200)
    expect(ledger.rows.every((r) => r.status === 'applied')).toBe(true)
    const decisions = await admin().query<{ client_mutation_id: string; n: number }>(
      `select client_mutation_id::text, count(*) over (partition by approval_id)::int as n
         from public.approval_decisions where actor_id = $1 order by sync_version`,
      [reviewer.id],
    )
    expect(decisions.rows.map((d) => d.client_mutation_id)).toEqual(made)
    expect(decisions.rows.every((d) => d.n === 1)).toBe(true)
    const history = await t.call('history.list', { limit: 500, offset: 0 })
    expect(history.total).toBe(200)
    expect(history.items.every((i) => i.state === 'applied')).toBe(true)
    expect(await replicaDigest(replicaOf(t))).toEqual(await serverDigest(reviewer.id))
  })
})

describe('undo inside the hold window', () => {
  it('sends nothing and puts the item back in the inbox', async () => {
    const [a] = await approvals(1, 'Undone')
    let skew = 0
    const t = await startCore({ now: () => Date.now() + skew })
    open.push(t)
    await t.call('settings.update', { holdSeconds: 2 })
    await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    await settled(t)
    const intent = await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: a!.id, decision: 'approve', version_seen: a!.version, payload_hash_seen: a!.payload_hash },
    })
    expect(intent.state).toBe('held')
    const inInbox = async () =>
      (await t.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 500, offset: 0 })).items.some((x) => x.id === a!.id)
    expect(await inInbox()).toBe(false)
    expect(await t.call('intents.undo', { clientMutationId: intent.clientMutationId })).toEqual({ undone: true })
    expect(await inInbox()).toBe(true)

    // Well past the hold window (the core's clock moved on) and through a push and a pull: the server never heard of it.
    skew = 60_000
    await settled(t)
    const ledger = await admin().query(`select 1 from public.sync_mutations where client_mutation_id = $1`, [intent.clientMutationId])
    expect(ledger.rows).toHaveLength(0)
    const row = await admin().query<{ status: string }>(`select status from public.approvals where id = $1`, [a!.id])
    expect(row.rows[0]!.status).toBe('pending')
    expect(await t.call('queue.list', {})).toEqual([])
    // Once sent, undo is no longer possible.
    const again = await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: a!.id, decision: 'approve', version_seen: a!.version, payload_hash_seen: a!.payload_hash },
    })
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 10_000, 'the push')
    expect(await t.call('intents.undo', { clientMutationId: again.clientMutationId })).toEqual({ undone: false })
  })
})
