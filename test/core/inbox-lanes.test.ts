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
