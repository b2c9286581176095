// The inbox's total per filter is kept between reads (a count over every pending approval is the
// largest part of a read) and must never be kept past a change that alters it. A total counts
// pending approvals minus the reviewer's exclusions (decided by me, on their way, snoozed), so:
// an intent of mine moving on (held → queued → sending) or a decision undone leaves the exclusions'
// list as it was and the total kept; a decision queued or an approval arriving changes the total,
// at the very next read. On a real (in-memory) replica, through the core's own caches.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listInbox } from '../../src/core/queries/inbox'
import { ReviewerCaches } from '../../src/core/queries/reviewer-caches'
import { replicatedTables } from '../../src/core/replica/registry'
import { Replica } from '../../src/core/replica/replica'

const me = randomUUID()
const tenant = randomUUID()
let replica: Replica
let caches: ReviewerCaches

beforeAll(async () => {
  replica = await Replica.open(null, me, replicatedTables())
  caches = new ReviewerCaches(replica.db, me)
  await addApprovals(40)
})

afterAll(async () => {
  await replica?.close()
})

async function addApprovals(n: number): Promise<void> {
  await replica.db.query(
    `insert into approvals (id, tenant_id, kind, title, status, risk_level, required_approvals, created_at, updated_at)
     select gen_random_uuid(), $1, 'refund', 'Total ' || g, 'pending', g % 4, 1, now(), now() from generate_series(1, $2::int) g`,
    [tenant, n],
  )
  caches.changed(['approvals'])
}

async function read(filter = {}) {
  const at = new Date()
  const hidden = await caches.exclusions.ids(at)
  const ctx = await caches.reviewer.get(at)
  const lane = await caches.lanes.others(ctx)
  const page = await listInbox(replica.reads, ctx, hidden, filter, 10, 0, lane, caches.totals)
  return { hidden, total: page.total, kept: caches.totals.get(filter, hidden, lane.ids, at) }
}

async function intentOn(approvalId: string, state: string): Promise<string> {
  const id = randomUUID()
  await replica.db.query(
    `insert into pending_mutations (client_mutation_id, user_id, kind, args, target_id, label, state, created_at, hold_until)
     values ($1, $2, 'approval.decide', '{}', $3, 'Approve', $4, now(), now() + interval '1 minute')`,
    [id, me, approvalId, state],
  )
  caches.changed(['pending_mutations'])
  return id
}

async function moveIntent(id: string, state: string): Promise<void> {
  await replica.db.query('update pending_mutations set state = $2 where client_mutation_id = $1', [id, state])
  caches.changed(['pending_mutations'])
}

async function someApproval(): Promise<string> {
  return (await replica.db.query<{ id: string }>(`select id from approvals where status = 'pending' order by title limit 1`)).rows[0]!.id
}

describe('the inbox’s kept totals', () => {
  it('stay while my intents move on without changing what is left out, and follow every change that does', async () => {
    const start = await read()
    expect(start.total).toBe(40)
    expect(start.kept).toBe(40)

    // A decision queued (held): one fewer at the next read.
    const target = await someApproval()
    const intent = await intentOn(target, 'held')
    const held = await read()
    expect(held.total).toBe(39)
    expect(held.hidden).not.toBe(start.hidden)

    // The same intent on its way: the exclusions are read again and hold the same approvals, so
    // the list is the same array and the total is not counted again (it is still exact).
    await moveIntent(intent, 'queued')
    expect((await caches.exclusions.ids(new Date()))).toBe(held.hidden)
    expect(caches.totals.get({}, held.hidden, [], new Date())).toBe(39)
    await moveIntent(intent, 'sending')
    const sending = await read()
    expect(sending.hidden).toBe(held.hidden)
    expect(sending.total).toBe(39)

    // Refused by the server: back in the inbox, and counted again.
    await moveIntent(intent, 'rejected')
    const refused = await read()
    expect(refused.hidden).not.toBe(held.hidden)
    expect(refused.total).toBe(40)

    // A decision on a request, then undone (its intent gone): the same 40.
    const undone = await intentOn(await someApproval(), 'held')
    expect((await read()).total).toBe(39)
    await replica.db.query('delete from pending_mutations where client_mutation_id = $1', [undone])
    caches.changed(['pending_mutations'])
    expect((await read()).total).toBe(40)

    // Approvals arriving: counted at the next read, for this filter and any other.
    await addApprovals(5)
    expect((await read()).total).toBe(45)
    expect((await read({ minRisk: 3 })).total).toBe(11)
  })
})
