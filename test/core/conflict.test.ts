// Another reviewer decides first: my queued decision comes back as a conflict carrying the server's
// reason, and the approval returns to my inbox with that reason on it, ready to be decided again.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asUser, DEMO } from '../support/db'
import { createApproval, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { eventsOf, settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let me: UserRef
let colleague: UserRef
let t: TestCore

beforeAll(async () => {
  tenant = await createTenant({ name: 'Conflict' })
  me = await createMember(tenant.id, 'finance', { label: 'conflict-me' })
  colleague = await createMember(tenant.id, 'finance', { label: 'conflict-colleague' })
  t = await startCore()
  await t.call('settings.update', { holdSeconds: 0 })
  await t.call('session.signIn', { email: me.email, password: DEMO.password })
})

afterAll(async () => {
  await t?.close()
})

describe('a decision overtaken by another reviewer', () => {
  it('comes back as conflict with the server reason, and the approval is back in the inbox carrying it', async () => {
    const approval = await createApproval(tenant.id, { title: 'Four eyes payout', requiredApprovals: 2, riskLevel: 2 })
    await settled(t)
    await t.call('sync.setWorkOffline', { offline: true })
    const mine = await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approval.id, decision: 'approve', version_seen: approval.version, payload_hash_seen: approval.payload_hash },
    })

    // The colleague's approval lands first and moves the approval to a new version.
    const theirs = await asUser(
      colleague.id,
      async (c) =>
        (
          await c.query<{ r: { results: { status: string }[] } }>('select public.sync_push($1) as r', [
            JSON.stringify([
              {
                client_mutation_id: randomUUID(),
                kind: 'approval.decide',
                args: { approval_id: approval.id, decision: 'approve', version_seen: approval.version, payload_hash_seen: approval.payload_hash },
                client_created_at: new Date().toISOString(),
              },
            ]),
          ])
        ).rows[0]!.r,
      { commit: true },
    )
    expect(theirs.results[0]!.status).toBe('applied')

    await t.call('sync.setWorkOffline', { offline: false })
    const refused = await waitFor(async () => {
      const q = await t.call('queue.list', {})
      return q.find((i) => i.clientMutationId === mine.clientMutationId && i.state === 'conflict')
    }, 15_000, 'the conflict')
    expect(refused.refusal?.code).toBe('stale_version')
    expect(refused.refusal?.message).toMatch(/changed/i)
    expect(eventsOf(t.events, 'intent.changed').some((i) => i.clientMutationId === mine.clientMutationId && i.state === 'conflict')).toBe(true)

    await settled(t)
    const inbox = await t.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 100, offset: 0 })
    const back = inbox.items.find((i) => i.id === approval.id)
    expect(back).toBeDefined()
    expect(back!.lastRefusal).toEqual(refused.refusal)
    expect(back!.approvalsSoFar).toBe(1)
    expect((await t.call('inbox.counts', { tenantId: tenant.id })).refused).toBe(1)

    // Deciding again, on what the approval is now, goes through: the second pair of eyes.
    const detail = await t.call('approvals.detail', { id: approval.id })
    expect(detail.version).toBeGreaterThan(approval.version)
    expect(detail.decisions.map((d) => d.actorId)).toEqual([colleague.id])
    const again = await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approval.id, decision: 'approve', version_seen: detail.version, payload_hash_seen: detail.payloadHash },
    })
    await waitFor(async () => (await t.call('queue.list', {})).every((i) => i.clientMutationId !== again.clientMutationId || i.state === 'applied'))
    await settled(t)
    const after = await t.call('approvals.detail', { id: approval.id })
    expect(after.item.status).toBe('approved')
    expect(after.decisions.map((d) => d.actorId).sort()).toEqual([colleague.id, me.id].sort())
    expect((await t.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 100, offset: 0 })).items.map((i) => i.id)).not.toContain(approval.id)

    expect(await t.call('intents.dismiss', { clientMutationId: mine.clientMutationId })).toEqual({ dismissed: true })
    expect((await t.call('queue.list', {})).map((i) => i.clientMutationId)).not.toContain(mine.clientMutationId)
    const history = await t.call('history.list', { limit: 10, offset: 0 })
    expect(history.items.map((i) => [i.clientMutationId, i.state])).toEqual([
      [again.clientMutationId, 'applied'],
      [mine.clientMutationId, 'conflict'],
    ])
  })
})
