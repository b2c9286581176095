// While a first sync runs, a reviewer reading the inbox again and again keeps totals and exclusions
// that the next page outdates: their own decision still takes effect at once, and once the sync is
// complete the inbox's total is exact without any further change on the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createAgent, createApproval, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { startCore, waitFor, type TestCore } from './support/harness'

const REQUESTS = 160
let tenant: TenantRef
let reviewer: UserRef
let t: TestCore

beforeAll(async () => {
  tenant = await createTenant({ name: 'First sync caches' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'firstsync-caches', approvalLimit: 1_000_000 })
  const agent = await createAgent(tenant.id)
  for (let i = 0; i < REQUESTS; i++) await createApproval(tenant.id, { agentId: agent.id, title: `Cached ${i}`, riskLevel: i % 3 })
})

afterAll(async () => {
  await t?.close()
})

describe('the reviewer’s caches during a first sync', () => {
  it('take my decision at once, and end exact once the sync is complete', async () => {
    t = await startCore({ sync: { pullLimit: 10 } })
    await t.call('settings.update', { holdSeconds: 60 })
    await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    const inbox = () => t.call('inbox.list', { filter: {}, limit: 500, offset: 0 })

    // Mid-sync: an item is in the inbox; deciding it takes it out at the very next read.
    const first = await waitFor(async () => {
      const s = await t.call('sync.status', {})
      const page = await inbox()
      return s.initialSync && page.items.length > 0 ? page.items[0]! : null
    }, 30_000, 'an item in the inbox during the first sync')
    const { rows } = await admin().query<{ version: number; payload_hash: string }>('select version, payload_hash from public.approvals where id = $1', [first.id])
    await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: first.id, decision: 'approve', version_seen: rows[0]!.version, payload_hash_seen: rows[0]!.payload_hash },
    })
    const during = await inbox()
    expect((await t.call('sync.status', {})).initialSync).not.toBeNull()
    expect(during.items.some((i) => i.id === first.id)).toBe(false)

    // Read on and on while the sync runs (each read may keep a total that the next page outdates).
    // Calls reach the core as messages from its shell, each in a task of its own: so here too (a
    // loop of calls that never leaves the microtask queue would hold every timer of the core back).
    await waitFor(async () => {
      await inbox()
      return (await t.call('sync.status', {})).initialSync === null
    }, 60_000, 'the first sync to complete')
    // Complete: the total counts every request but the one decided, with nothing more changing on
    // the server (within the exclusions' own 15 s lifetime, which would hide a change never let through).
    const settledTotal = await waitFor(async () => {
      const page = await inbox()
      return page.total === REQUESTS - 1 ? page.total : null
    }, 10_000, 'the exact total after the first sync')
    expect(settledTotal).toBe(REQUESTS - 1)
  }, 90_000)
})
