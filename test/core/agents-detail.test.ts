// The Agents view's detail from the replica: an agent's trust ledger and spend day by day over the
// window (zero days included, spend in one currency against its daily budget, other currencies kept
// apart), and its recent requests with how each was decided — after real decisions went through
// sync_push, which bumped today's trust ledger row.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import {
  createAgent,
  createApproval,
  createToolCallApproval,
  createUser,
  addMember,
  type TenantRef,
  createTenant,
} from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let reviewer: { id: string; email: string }
let agent: { id: string; name: string }
let t: TestCore
const requests: Record<'approved' | 'edited' | 'rejected' | 'pending', string> = {
  approved: '',
  edited: '',
  rejected: '',
  pending: '',
}

const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  tenant = await createTenant({ name: 'Agents detail' })
  const user = await createUser({ label: 'agents', fullName: 'Ada Approver' })
  reviewer = user
  await addMember(tenant.id, user.id, 'finance', { approvalLimit: 50_000 })
  agent = await createAgent(tenant.id, { name: 'Refund Desk', tier: 2, autonomy: 'A1' })
  const db = admin()
  await db.query(
    `update public.agents set max_cost_per_day = 10.00, department = 'Customer care' where id = $1`,
    [agent.id],
  )
  await db.query(
    `insert into public.trust_ledger (agent_id, day, tenant_id, approved_no_edit, edited, rejected, score)
     values ($1, current_date - 2, $2, 5, 1, 0, 0.9), ($1, current_date - 1, $2, 2, 0, 1, 0.7)`,
    [agent.id, tenant.id],
  )
  await db.query(
    `insert into public.cost_transactions (tenant_id, agent_id, provider, model, input_tokens, output_tokens, cost_amount, currency, created_at)
     values ($1, $2, 'openai', 'gpt', 1, 1, 4.254, 'USD', now()),
            ($1, $2, 'openai', 'gpt', 1, 1, 7.1, 'USD', now()),
            ($1, $2, 'openai', 'gpt', 1, 1, 2.5, 'USD', now() - interval '3 days'),
            ($1, $2, 'mistral', 'large', 1, 1, 3, 'EUR', now() - interval '1 day'),
            ($1, $2, 'openai', 'gpt', 1, 1, 99, 'USD', now() - interval '40 days')`,
    [tenant.id, agent.id],
  )
  for (const key of ['approved', 'edited', 'rejected'] as const) {
    requests[key] = (
      await createToolCallApproval(tenant.id, {
        agentId: agent.id,
        title: `Refund to be ${key}`,
        riskLevel: 1,
      })
    ).approval.id
  }
  requests.pending = (
    await createApproval(tenant.id, { agentId: agent.id, title: 'Refund still waiting', riskLevel: 1 })
  ).id
  t = await startCore()
  await t.call('settings.update', { holdSeconds: 0 })
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
  await settled(t)
}, 120_000)

afterAll(async () => {
  await t?.close()
})

async function decide(
  approvalId: string,
  decision: 'approve' | 'approve_with_edits' | 'reject',
  extra: Record<string, unknown> = {},
) {
  const d = await t.call('approvals.detail', { id: approvalId })
  await t.call('intents.create', {
    kind: 'approval.decide',
    args: {
      approval_id: approvalId,
      decision,
      version_seen: d.version,
      payload_hash_seen: d.payloadHash,
      ...extra,
    },
  })
}

describe('an agent in detail', () => {
  it('shows each day of the window with trust and spend, and the requests with how they were decided', async () => {
    await decide(requests.approved, 'approve')
    await decide(requests.edited, 'approve_with_edits', {
      edited_payload: { order_id: 'ord_edit', amount: 99.5, currency: 'USD' },
    })
    await decide(requests.rejected, 'reject', { reason: 'Order was never shipped' })
    await waitFor(
      async () => (await t.call('sync.status', {})).queueDepth === 0,
      20_000,
      'the decisions pushed',
    )
    await settled(t)

    const detail = await t.call('agents.detail', { agentId: agent.id, days: 7, requests: 20 })
    expect(detail.item.agent).toMatchObject({ id: agent.id, name: 'Refund Desk', tier: 2, autonomy: 'A1' })
    expect(detail.item.maxCostPerDay).toBe('10.00')
    // The list row (the detail's item) counts the same currency the chart does: the EUR spend is never summed in.
    expect(detail.item).toMatchObject({ costCurrency: 'USD', costToday: '11.35', costLast30Days: '13.85' })
    expect(detail.department).toBe('Customer care')

    // Seven days, oldest first, ending today; quiet days are there with zeros.
    expect(detail.days.map((d) => d.day)).toEqual([6, 5, 4, 3, 2, 1, 0].map(utcDay))
    const byDay = new Map(detail.days.map((d) => [d.day, d]))
    expect(byDay.get(utcDay(2))).toMatchObject({ approvedNoEdit: 5, edited: 1, rejected: 0, score: 0.9 })
    expect(byDay.get(utcDay(1))).toMatchObject({ approvedNoEdit: 2, edited: 0, rejected: 1, score: 0.7 })
    // sync_push bumped today's row with the three decisions.
    expect(byDay.get(utcDay(0))).toMatchObject({ approvedNoEdit: 1, edited: 1, rejected: 1 })
    expect(byDay.get(utcDay(5))).toMatchObject({
      approvedNoEdit: 0,
      edited: 0,
      rejected: 0,
      score: null,
      cost: '0.00',
    })

    // Spend in USD per day (today over the 10.00 budget); the EUR spend is listed apart, the 40-day-old one not at all.
    expect(detail.item.costCurrency).toBe('USD')
    expect(byDay.get(utcDay(0))!.cost).toBe('11.35')
    expect(byDay.get(utcDay(3))!.cost).toBe('2.50')
    expect(byDay.get(utcDay(1))!.cost).toBe('0.00')
    expect(detail.otherCosts).toEqual([{ currency: 'EUR', amount: '3.00' }])

    // Newest first, each with its outcome and who decided it.
    expect(detail.requests.map((r) => [r.id, r.status, r.decision, r.decidedByName])).toEqual([
      [requests.pending, 'pending', null, null],
      [requests.rejected, 'rejected', 'reject', 'Ada Approver'],
      [requests.edited, 'approved', 'approve_with_edits', 'Ada Approver'],
      [requests.approved, 'approved', 'approve', 'Ada Approver'],
    ])
    const rejected = detail.requests.find((r) => r.id === requests.rejected)!
    expect(rejected.reason).toBe('Order was never shipped')
    expect(rejected.decidedAt).not.toBeNull()

    const limited = await t.call('agents.detail', { agentId: agent.id, days: 30, requests: 2 })
    expect(limited.days).toHaveLength(30)
    expect(limited.requests.map((r) => r.id)).toEqual([requests.pending, requests.rejected])
  })

  it('refuses an agent the replica does not hold', async () => {
    await expect(
      t.call('agents.detail', { agentId: randomUUID(), days: 30, requests: 20 }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })
})
