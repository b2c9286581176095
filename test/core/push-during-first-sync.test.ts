// A decision made while the first sync is still applying goes to the server between two pages, not
// after the last one: a large first sync (minutes on a busy laptop) must not hold back the
// reviewer's work. The pull is gated here so that the decision can only reach the server in time if
// it is sent between pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createAgent, createApproval, createMember, createTenant, type ApprovalRow, type UserRef } from '../support/fixtures'
import { startCore, waitFor, type TestCore } from './support/harness'

let reviewer: UserRef
const approvals: ApprovalRow[] = []
let t: TestCore | undefined
let net: ReturnType<typeof gatedPulls> | undefined

/** A fetch whose sync_pull answers after the first wait until the test opens their gate. */
function gatedPulls() {
  let pulls = 0
  const gates = [deferred(), deferred()]
  const fetchGated: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url.includes('/rest/v1/rpc/sync_pull')) {
      pulls += 1
      // The 2nd pull waits for gate 0, every later one for gate 1.
      if (pulls >= 2) await gates[Math.min(pulls - 2, 1)]!.promise
    }
    return fetch(input, init)
  }
  return { fetch: fetchGated, open: (i: 0 | 1) => gates[i]!.resolve(), pulls: () => pulls }
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

beforeAll(async () => {
  const tenant = await createTenant({ name: 'Decide during first sync' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'duringsync' })
  const agent = await createAgent(tenant.id)
  for (let i = 0; i < 60; i++) approvals.push(await createApproval(tenant.id, { agentId: agent.id, title: `During sync ${i}`, riskLevel: 1, amount: '25.00' }))
})

afterAll(async () => {
  net?.open(0)
  net?.open(1)
  await t?.close()
})

describe('a decision during the first sync', () => {
  it('reaches the server between two pages, before the first sync ends', async () => {
    net = gatedPulls()
    t = await startCore({ fetch: net.fetch, sync: { firstPullLimit: 20, pullLimit: 20 } })
    await t.call('settings.update', { holdSeconds: 0 })
    await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })

    // The first page is in the replica; the second is held at the gate.
    const first = await waitFor(async () => {
      const page = await t!.call('inbox.list', { filter: {}, limit: 5, offset: 0 })
      return page.items[0] ?? null
    }, 30_000, 'the first page in the inbox')
    expect((await t.call('sync.status', {})).initialSync).not.toBeNull()
    const approval = approvals.find((a) => a.id === first.id)!
    await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approval.id, decision: 'approve', version_seen: approval.version, payload_hash_seen: approval.payload_hash },
    })

    // Page 2 may now arrive; every later page stays held, so the first sync cannot end first.
    net.open(0)
    const decided = await waitFor(async () => {
      const { rows } = await admin().query<{ status: string }>('select status from public.approvals where id = $1', [approval.id])
      return rows[0]?.status === 'approved' ? rows[0] : null
    }, 30_000, 'the decision applied on the server')
    expect(decided.status).toBe('approved')
    expect((await t.call('sync.status', {})).initialSync, 'the first sync is still running').not.toBeNull()

    net.open(1)
    await waitFor(async () => ((await t!.call('sync.status', {})).initialSync === null ? true : null), 60_000, 'the first sync to end')
    const queue = await t.call('queue.list', {})
    expect(queue.filter((i) => i.state !== 'applied')).toEqual([])
  })
})
