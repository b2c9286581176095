// A reviewer of two tenants replays work made offline: each batch goes to the server as one request
// per tenant, side by side (sync/push.ts). Whatever the server runs in parallel, every intent is
// applied exactly once — an answer lost after the server applied its request included — each
// tenant's intents land in the order they were made (a message about a request before the decision
// on it), no request mixes tenants, and both audit chains still verify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemorySessionStore } from '../../src/core/index'
import { admin, DEMO } from '../support/db'
import { addMember, createAgent, createApproval, createMember, createTenant, type ApprovalRow, type TenantRef, type UserRef } from '../support/fixtures'
import { faultyFetch } from './support/faulty-fetch'
import { decisionOn, replicaDigest, replicaOf, serverDigest, settled, startCore, waitFor, type TestCore } from './support/harness'

let tenants: TenantRef[]
let reviewer: UserRef
const open: TestCore[] = []

beforeAll(async () => {
  tenants = [await createTenant({ name: 'Streams East' }), await createTenant({ name: 'Streams West' })]
  reviewer = await createMember(tenants[0]!.id, 'finance', { label: 'streams' })
  await addMember(tenants[1]!.id, reviewer.id, 'finance')
})

afterAll(async () => {
  for (const t of open) await t.close().catch(() => {})
})

async function approvals(tenantId: string, n: number): Promise<ApprovalRow[]> {
  const agent = await createAgent(tenantId)
  const out: ApprovalRow[] = []
  for (let i = 0; i < n; i++) out.push(await createApproval(tenantId, { agentId: agent.id, title: `Stream item ${i}`, riskLevel: i % 4 }))
  return out
}

/** The sync_push requests as sent: the intents each carried, and how many were on their way at once. */
function watchPushes(inner: typeof fetch) {
  const requests: string[][] = []
  let onTheirWay = 0
  const seen = { requests, mostAtOnce: 0 }
  const fetchFn: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!url.includes('/rest/v1/rpc/sync_push')) return inner(input, init)
    const body = JSON.parse(String(init?.body)) as { p_mutations: { client_mutation_id: string }[] }
    requests.push(body.p_mutations.map((m) => m.client_mutation_id))
    onTheirWay += 1
    seen.mostAtOnce = Math.max(seen.mostAtOnce, onTheirWay)
    try {
      return await inner(input, init)
    } finally {
      onTheirWay -= 1
    }
  }
  return { seen, fetch: fetchFn }
}

describe('decisions of two tenants made offline', () => {
  it('go as one request per tenant, side by side, each applied once and in order within its tenant', async () => {
    const [east, west] = [await approvals(tenants[0]!.id, 30), await approvals(tenants[1]!.id, 30)]
    const store = new MemorySessionStore()
    const net = faultyFetch()
    const pushes = watchPushes(net.fetch)
    const first = await startCore({ store, fetch: pushes.fetch })
    await first.call('settings.update', { holdSeconds: 0 })
    await first.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    await settled(first)

    // Interleaved across the tenants; every third request gets a message before its decision
    // (both act on the request, so they must reach the server in that order).
    net.online(false)
    const made: { id: string; tenantId: string }[] = []
    for (let i = 0; i < 30; i++) {
      for (const a of [east[i]!, west[i]!]) {
        if (i % 3 === 0) {
          const message = await first.call('intents.create', { kind: 'message.send', args: { approval_id: a.id, body: `About item ${i}` } })
          made.push({ id: message.clientMutationId, tenantId: a.tenant_id })
        }
        const decision = await first.call('intents.create', decisionOn(a, i % 5 === 0 ? 'reject' : 'approve', `streams ${i}`))
        made.push({ id: decision.clientMutationId, tenantId: a.tenant_id })
      }
    }
    const dir = first.dir
    await first.close({ keepDir: true })

    // Batches of 25 (about 12 per tenant). The fourth request is applied by the server but its
    // answer is lost on the way back, while its batch's other request is answered: the lost one
    // goes back to the queue and is sent again, and the ledger answers it with what it applied.
    const t = await startCore({ store, dir, fetch: pushes.fetch, sync: { pushBatch: 25 } })
    open.push(t)
    net.fail('sync_push', { kind: 'truncate' }, 1, 3)
    net.online(true)
    t.core.wake()
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 30_000, 'the queue to drain')
    await settled(t)
    expect(net.injected).toBe(1)

    // Side by side, and never two tenants in one request.
    expect(pushes.seen.mostAtOnce).toBe(2)
    const tenantOf = new Map(made.map((m) => [m.id, m.tenantId]))
    for (const request of pushes.seen.requests) expect(new Set(request.map((id) => tenantOf.get(id))).size).toBe(1)

    // Exactly once, every one applied.
    const ledger = await admin().query<{ client_mutation_id: string; status: string }>(
      `select client_mutation_id::text, status from public.sync_mutations where user_id = $1`,
      [reviewer.id],
    )
    expect(ledger.rows.map((r) => r.client_mutation_id).sort()).toEqual(made.map((m) => m.id).sort())
    expect(ledger.rows.every((r) => r.status === 'applied')).toBe(true)

    // Within each tenant, the server wrote them in the order they were made (one sequence stamps
    // every replicated row as it is written).
    const written = await admin().query<{ client_mutation_id: string; tenant_id: string }>(
      `select client_mutation_id::text, tenant_id::text from (
         select client_mutation_id, tenant_id, sync_version from public.approval_decisions where actor_id = $1
         union all
         select client_mutation_id, tenant_id, sync_version from public.messages where from_user_id = $1) w
       order by sync_version`,
      [reviewer.id],
    )
    for (const tenant of tenants) {
      const serverOrder = written.rows.filter((r) => r.tenant_id === tenant.id).map((r) => r.client_mutation_id)
      expect(serverOrder).toEqual(made.filter((m) => m.tenantId === tenant.id).map((m) => m.id))
      // Each tenant's audit chain links up to its head (null: nothing wrong found).
      const chain = await admin().query<{ v: unknown }>('select public.verify_audit_chain($1) as v', [tenant.id])
      expect(chain.rows[0]!.v).toBeNull()
    }

    const history = await t.call('history.list', { limit: 500, offset: 0 })
    expect(history.items.filter((i) => i.state === 'applied')).toHaveLength(made.length)
    expect(await replicaDigest(replicaOf(t))).toEqual(await serverDigest(reviewer.id))
  })
})
