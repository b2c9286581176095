// The split inbox: Needs me holds what the reviewer may decide now; Others what they see but may
// not decide (another approver's, their own request, above their limit or risk ceiling). The badge
// count is Needs me only, and a viewer counts nothing. The split is the pre-flight's verdict, so an
// item in Others carries the reason it is there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createApproval, createMember, createTenant, type ApprovalRow, type TenantRef, type UserRef } from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let finance: UserRef
let viewer: UserRef
const cores: TestCore[] = []
const items: Record<string, ApprovalRow> = {}

beforeAll(async () => {
  tenant = await createTenant({ name: 'Lanes' })
  finance = await createMember(tenant.id, 'finance', { label: 'lanes-finance', approvalLimit: 1000, maxRisk: 4 })
  viewer = await createMember(tenant.id, 'viewer', { label: 'lanes-viewer' })
  const other = await createMember(tenant.id, 'finance', { label: 'lanes-other' })
  const base = { riskLevel: 2, amount: '100.00' }
  items.mine1 = await createApproval(tenant.id, { ...base, title: 'Mine: refund a lamp' })
  items.mine2 = await createApproval(tenant.id, { ...base, title: 'Mine: refund a chair' })
  items.own = await createApproval(tenant.id, { ...base, agentId: null, requestedByUserId: finance.id, title: 'Own: my travel' })
  items.overLimit = await createApproval(tenant.id, { ...base, amount: '5000.00', title: 'Over limit: van lease' })
  items.tooRisky = await createApproval(tenant.id, { ...base, riskLevel: 5, title: 'Risk 5: wire abroad' })
  items.named = await createApproval(tenant.id, { ...base, approverIds: [other.id], title: 'Named: audit invoice' })
})

afterAll(async () => {
  for (const c of cores) await c.close().catch(() => {})
})

async function signedIn(user: UserRef): Promise<TestCore> {
  const t = await startCore()
  cores.push(t)
  await t.call('session.signIn', { email: user.email, password: DEMO.password })
  await settled(t)
  return t
}

async function titles(t: TestCore, lane: 'mine' | 'others'): Promise<string[]> {
  const page = await t.call('inbox.list', { filter: { lane, tenantId: tenant.id }, limit: 50, offset: 0 })
  expect(page.total).toBe(page.items.length)
  return page.items.map((i) => i.title).sort()
}

describe('the split inbox', () => {
  it('puts what a finance reviewer may decide in Needs me and the rest, with its reason, in Others', async () => {
    const t = await signedIn(finance)
    expect(await titles(t, 'mine')).toEqual(['Mine: refund a chair', 'Mine: refund a lamp'])
    expect(await titles(t, 'others')).toEqual(['Named: audit invoice', 'Over limit: van lease', 'Own: my travel', 'Risk 5: wire abroad'])
    const others = await t.call('inbox.list', { filter: { lane: 'others', tenantId: tenant.id }, limit: 50, offset: 0 })
    const reasons = Object.fromEntries(others.items.map((i) => [i.title, i.preflight?.code]))
    expect(reasons).toEqual({
      'Named: audit invoice': 'not_an_approver',
      'Over limit: van lease': 'over_limit',
      'Own: my travel': 'self_approval',
      'Risk 5: wire abroad': 'risk_above_max',
    })
    const mine = await t.call('inbox.list', { filter: { lane: 'mine', tenantId: tenant.id }, limit: 50, offset: 0 })
    expect(mine.items.every((i) => i.preflight === null)).toBe(true)
    // The palette finds in either lane, each row with the same verdict.
    const found = async (query: string) => (await t.call('inbox.find', { query, limit: 10 })).map((i) => [i.title, i.preflight?.code ?? null])
    expect(await found('van lease')).toEqual([['Over limit: van lease', 'over_limit']])
    expect(await found('lamp')).toEqual([['Mine: refund a lamp', null]])

    const c = await t.call('inbox.counts', { tenantId: tenant.id })
    expect(c).toMatchObject({ inbox: 2, inboxOthers: 4 })
    expect(c.byTenant[tenant.id]).toBe(2)
  })

  it('gives a viewer no count at all: everything they see is Others', async () => {
    const t = await signedIn(viewer)
    expect(await titles(t, 'mine')).toEqual([])
    expect((await titles(t, 'others')).length).toBe(6)
    expect(await t.call('inbox.counts', { tenantId: tenant.id })).toMatchObject({ inbox: 0, inboxOthers: 6 })
    expect((await t.call('inbox.counts', {})).inbox).toBe(0)
  })

  it('moves an item between lanes when the reviewer’s standing changes', async () => {
    const t = await signedIn(finance)
    expect((await t.call('inbox.counts', { tenantId: tenant.id })).inbox).toBe(2)
    await admin().query('update public.tenant_members set approval_limit = 10000 where tenant_id = $1 and user_id = $2', [tenant.id, finance.id])
    await t.call('sync.now', {})
    await waitFor(async () => (await t.call('inbox.counts', { tenantId: tenant.id })).inbox === 3, 15_000, 'the van lease in Needs me')
    expect(await titles(t, 'mine')).toContain('Over limit: van lease')
  })
})

describe('the lanes after a pull that changes approvals themselves', () => {
  // A pull names the approvals it wrote, and only those are judged again (queries/lanes.ts): each
  // kind of change still moves its item, and nothing else moves.
  it('moves a raised amount to Others, a request newly named to me to Needs me, and drops a decided one', async () => {
    const place = await createTenant({ name: 'Lanes pulled' })
    const reviewer = await createMember(place.id, 'finance', { label: 'pulled-finance', approvalLimit: 1000, maxRisk: 4 })
    const colleague = await createMember(place.id, 'finance', { label: 'pulled-other' })
    const base = { riskLevel: 2, amount: '100.00' }
    const raised = await createApproval(place.id, { ...base, title: 'Raised: refund a sofa' })
    const named = await createApproval(place.id, { ...base, approverIds: [colleague.id], title: 'Named: audit a receipt' })
    const decided = await createApproval(place.id, { ...base, title: 'Decided: refund a rug' })
    await createApproval(place.id, { ...base, title: 'Untouched: refund a vase' })
    const t = await signedIn(reviewer)
    const lanes = async () => ({
      mine: (await t.call('inbox.list', { filter: { lane: 'mine', tenantId: place.id }, limit: 50, offset: 0 })).items.map((i) => i.title).sort(),
      others: (await t.call('inbox.list', { filter: { lane: 'others', tenantId: place.id }, limit: 50, offset: 0 })).items.map((i) => i.title).sort(),
    })
    expect(await lanes()).toEqual({
      mine: ['Decided: refund a rug', 'Raised: refund a sofa', 'Untouched: refund a vase'],
      others: ['Named: audit a receipt'],
    })

    await admin().query(`update public.approvals set amount = 5000, payload = jsonb_set(payload, '{amount}', '5000') where id = $1`, [raised.id])
    await admin().query(`update public.approvals set approver_ids = $2 where id = $1`, [named.id, [reviewer.id]])
    await admin().query(`update public.approvals set status = 'approved' where id = $1`, [decided.id])
    const after = { mine: ['Named: audit a receipt', 'Untouched: refund a vase'], others: ['Raised: refund a sofa'] }
    await t.call('sync.now', {})
    await waitFor(async () => JSON.stringify(await lanes()) === JSON.stringify(after), 15_000, 'the lanes after the pull')
    expect(await t.call('inbox.counts', { tenantId: place.id })).toMatchObject({ inbox: 2, inboxOthers: 1 })
  })
})

describe('the badge count and the inbox total, kept between reads', () => {
  // Both are kept until something they read changes; time changes them too. An item that expires
  // between two reads must leave both at once, with nothing written anywhere.
  it('drop an item the moment it expires, with no write in between', async () => {
    const place = await createTenant({ name: 'Expiring' })
    const reviewer = await createMember(place.id, 'finance', { label: 'expiry-finance', approvalLimit: 1000, maxRisk: 4 })
    const expiresAt = new Date(Date.now() + 10 * 60_000)
    await createApproval(place.id, { riskLevel: 2, amount: '100.00', title: 'Expiring: refund a kettle', expiresAt })
    await createApproval(place.id, { riskLevel: 2, amount: '100.00', title: 'Lasting: refund a mug' })
    // The console's clock, moved to just before the expiry and then just past it.
    let offset = 0
    const t = await startCore({ now: () => Date.now() + offset })
    cores.push(t)
    await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    await settled(t)
    offset = expiresAt.getTime() - 3000 - Date.now()
    const read = async () => ({
      count: (await t.call('inbox.counts', { tenantId: place.id })).inbox,
      page: await t.call('inbox.list', { filter: { tenantId: place.id }, limit: 50, offset: 0 }),
    })
    const before = await read()
    expect(before.count).toBe(2)
    expect(before.page.total).toBe(2)
    expect((await read()).count).toBe(2)

    offset += 6000
    const after = await read()
    expect(after.page.items.map((i) => i.title)).toEqual(['Lasting: refund a mug'])
    expect(after.page.total).toBe(1)
    expect(after.count).toBe(1)
  })
})
