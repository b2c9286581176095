// Paging through the inbox meets every request exactly once, even when many share an expiry and a
// risk (a bulk import, an agent filing a batch): the list loads 100-row pages as it scrolls, and
// a tie broken differently on two pages showed one request twice and hid another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createAgent, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { settled, startCore, type TestCore } from './support/harness'

// Enough rows that the replica reads the expiry index, whose ties come in storage order, not by id.
const EACH = 300
let tenant: TenantRef
let finance: UserRef
let core: TestCore

beforeAll(async () => {
  tenant = await createTenant({ name: 'Paging' })
  finance = await createMember(tenant.id, 'finance', { label: 'paging-finance', approvalLimit: 100_000, maxRisk: 5 })
  const agent = await createAgent(tenant.id, { name: 'Batch Bot' })
  // One statement per urgency: every row has the same created_at (the statement's now()), the same
  // risk and, within each statement, the same expiry — only the id tells them apart.
  for (const expiresIn of ['1 hour', '3 days']) {
    await admin().query(
      `insert into public.approvals (tenant_id, kind, title, risk_level, amount, currency, status, requested_by_agent_id, payload, expires_at)
       select $1, 'refund', 'Tied ' || $3 || ' #' || g, 2, 50, 'USD', 'pending', $2, jsonb_build_object('n', g), now() + $3::interval
       from generate_series(1, $4::int) g`,
      [tenant.id, agent.id, expiresIn, EACH],
    )
  }
  core = await startCore()
  await core.call('session.signIn', { email: finance.email, password: DEMO.password })
  await settled(core)
})

afterAll(async () => {
  await core?.close()
})

describe('inbox paging', () => {
  it.each([7, 13, 100])('meets each request once in pages of %i', async (limit) => {
    const seen: string[] = []
    let total = -1
    for (let offset = 0; ; offset += limit) {
      const page = await core.call('inbox.list', { filter: { tenantId: tenant.id }, limit, offset })
      total = page.total
      seen.push(...page.items.map((i) => i.id))
      if (page.items.length < limit) break
    }
    expect(total).toBe(2 * EACH)
    expect(seen).toHaveLength(2 * EACH)
    expect(new Set(seen).size).toBe(2 * EACH)
  })
})
