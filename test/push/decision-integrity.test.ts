// Issue 11's reproductions of the decision path, each now refused or corrected: every control holds
// on the payload that will run (edits included), in the tenant's base currency; four-eyes counts
// approvals of the final payload; escalation is idempotent; and the console's pre-flight gives the
// server's answer for the cases where they used to disagree.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  createApproval,
  createMember,
  createTenant,
  createToolCallApproval,
  type UserRef,
} from '../support/fixtures'
import { admin } from '../support/db'
import { consoleVerdict } from '../support/preflight'
import { decide, footprint, seen } from './support'

/** A Stripe-style refund tool: amount in minor units, currency lowercase, marked with x-money. */
const STRIPE_REFUND_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['charge', 'amount', 'currency'],
  properties: {
    charge: { type: 'string', minLength: 1 },
    amount: { type: 'integer', minimum: 1, maximum: 1e12 },
    currency: { type: 'string', enum: ['usd', 'eur', 'gbp'] },
    note: { type: 'string' },
  },
  'x-money': { amount: '/amount', currency: '/currency', unit: 'minor' },
}

let tenant: string // base currency EUR
let ops: UserRef // limit 1,000 EUR
let finance: UserRef // limit 60,000 EUR
let manager: UserRef // no limit
let controller: UserRef // no limit

beforeAll(async () => {
  tenant = (await createTenant({ baseCurrency: 'EUR' })).id
  ops = await createMember(tenant, 'ops', { approvalLimit: 1000, maxRisk: 3 })
  finance = await createMember(tenant, 'finance', { approvalLimit: 60000, maxRisk: 5 })
  manager = await createMember(tenant, 'manager', { approvalLimit: null, maxRisk: 5 })
  controller = await createMember(tenant, 'admin', { approvalLimit: null, maxRisk: 5 })
})

async function q<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
  return (await admin().query(sql, params)).rows as T[]
}

function stripeRefund(amountMinor: number, currency = 'eur', extra: Parameters<typeof createToolCallApproval>[1] = {}) {
  return createToolCallApproval(tenant, {
    jsonSchema: STRIPE_REFUND_SCHEMA,
    args: { charge: 'ch_1', amount: amountMinor, currency },
    amount: (amountMinor / 100).toFixed(2),
    currency: currency.toUpperCase(),
    ...extra,
  })
}

describe('edits are checked like the payload they become', () => {
  it('refuses an edit that lifts a tool call past the limit and switches currency (was: applied and queued)', async () => {
    const tc = await stripeRefund(50_000) // 500.00 EUR, within ops' 1,000
    const before = await footprint(tc.approval.id)
    const edited = { charge: 'ch_1', amount: 99_999_999_999, currency: 'gbp' }
    const r = await decide(ops.id, tc.approval.id, 'approve_with_edits', { edited_payload: edited })
    expect(r).toMatchObject({ status: 'rejected', code: 'over_limit' })
    expect(r.message).toMatch(/999,?999,?999\.99 GBP|999999999\.99 GBP/)
    expect(await footprint(tc.approval.id)).toEqual(before)
  })

  it('refuses an edit with no schema to check it (was: a bare string replaced an object payload)', async () => {
    const tc = await stripeRefund(10_000)
    for (const edited of ['approve it all', 42, ['a'], { charge: 'ch_1', amount: 'lots', currency: 'eur' }]) {
      expect(await decide(manager.id, tc.approval.id, 'approve_with_edits', { edited_payload: edited })).toMatchObject({
        code: 'invalid_payload',
      })
    }
    // A change set has no schema at all: it can be approved or rejected as it is, never edited.
    const cs = await createApproval(tenant, { kind: 'changeset', amount: null, payload: { changeset_id: 'cs_1' } })
    expect(await decide(manager.id, cs.id, 'approve_with_edits', { edited_payload: { changeset_id: 'cs_2' } })).toMatchObject({
      code: 'invalid_payload',
    })
    // A money kind without a tool falls back to its built-in schema.
    const refund = await createApproval(tenant, { kind: 'refund', amount: '100.00', currency: 'EUR' })
    expect(await decide(manager.id, refund.id, 'approve_with_edits', { edited_payload: { amount: 'x', currency: 'EUR' } })).toMatchObject({
      code: 'invalid_payload',
    })
  })

  it('runs an edited (reduced) refund at the edited amount: actions.args and the outbox carry the approved payload', async () => {
    const tc = await stripeRefund(200_000, 'eur', { kind: 'refund' }) // 2,000.00 EUR, a refund-kind approval
    const edited = { charge: 'ch_1', amount: 80_000, currency: 'eur', note: 'partial: one item returned' }
    // ops may not release 2,000 EUR, but may release the 800 it becomes.
    expect(await decide(ops.id, tc.approval.id, 'approve')).toMatchObject({ code: 'over_limit' })
    const r = await decide(ops.id, tc.approval.id, 'approve_with_edits', { edited_payload: edited })
    expect(r).toMatchObject({ status: 'applied', row: { status: 'approved', amount: 800, currency: 'EUR' } })
    const after = await seen(tc.approval.id)
    expect(await q('select args from public.actions where id = $1', [tc.action.id])).toEqual([{ args: edited }])
    expect(await q('select payload_hash from public.outbox where action_id = $1', [tc.action.id])).toEqual([
      { payload_hash: after.payload_hash },
    ])
    const [decision] = await q<{ amount: string; currency: string; fx_rate: string; base_amount: string; payload_hash_approved: string }>(
      `select amount::text, currency, fx_rate::text, base_amount::text, payload_hash_approved
         from public.approval_decisions where approval_id = $1`,
      [tc.approval.id],
    )
    expect(decision).toMatchObject({ currency: 'EUR', payload_hash_approved: after.payload_hash })
    expect(Number(decision!.amount)).toBe(800)
    expect(Number(decision!.fx_rate)).toBe(1)
  })
})

describe('four-eyes holds on the payload that runs', () => {
  it('an edit by the last approver restarts the count (was: approved with nobody else seeing the 49,000)', async () => {
    const a = await createApproval(tenant, { kind: 'refund', amount: '500.00', currency: 'EUR', requiredApprovals: 2 })
    expect(await decide(finance.id, a.id, 'approve')).toMatchObject({ status: 'applied', row: { status: 'pending' } })
    const edited = { order_id: 'ord_1', amount: 49000, currency: 'EUR' }
    expect(await decide(manager.id, a.id, 'approve_with_edits', { edited_payload: edited })).toMatchObject({
      status: 'applied',
      row: { status: 'pending', amount: 49000 },
    })
    expect((await footprint(a.id)).outbox).toBe(0)
    // finance approved 500, not 49,000: their earlier approval no longer counts, so they may approve again.
    expect(await decide(finance.id, a.id, 'approve')).toMatchObject({ status: 'applied', row: { status: 'approved' } })
    const final = await seen(a.id)
    const approvers = await q<{ principal: string }>(
      `select distinct coalesce(on_behalf_of, actor_id) as principal from public.approval_decisions
        where approval_id = $1 and payload_hash_approved = $2`,
      [a.id, final.payload_hash],
    )
    expect(approvers.map((r) => r.principal).sort()).toEqual([finance.id, manager.id].sort())
  })

  it('nobody approves the same payload twice, and a plain approve after an edit still needs a second pair of eyes', async () => {
    const a = await createApproval(tenant, { kind: 'refund', amount: '300.00', currency: 'EUR', requiredApprovals: 2 })
    const edited = { order_id: 'ord_1', amount: 250, currency: 'EUR' }
    expect(await decide(manager.id, a.id, 'approve_with_edits', { edited_payload: edited })).toMatchObject({ row: { status: 'pending' } })
    expect(await decide(manager.id, a.id, 'approve')).toMatchObject({ code: 'duplicate_approver' })
    expect(await decide(controller.id, a.id, 'approve')).toMatchObject({ row: { status: 'approved' } })
  })
})

describe('limits compare amounts in the tenant’s base currency', () => {
  it('converts other currencies with the dated rate, refuses a currency without one, and refuses negative amounts', async () => {
    // 999 GBP is about 1,168 EUR: above ops' 1,000 EUR (was: approved).
    const gbp = await createApproval(tenant, { kind: 'refund', amount: '999.00', currency: 'GBP' })
    expect(await decide(ops.id, gbp.id, 'approve')).toMatchObject({ code: 'over_limit' })
    // No KWD rate is on record (was: approved as if 999 KWD were 999 EUR).
    const kwd = await createApproval(tenant, { kind: 'refund', amount: '999.00', currency: 'KWD' })
    expect(await decide(ops.id, kwd.id, 'approve')).toMatchObject({ code: 'fx_rate_missing' })
    expect(await decide(manager.id, kwd.id, 'approve')).toMatchObject({ code: 'fx_rate_missing' })
    // −5,000,000 EUR (was: applied).
    const negative = await createApproval(tenant, { kind: 'refund', amount: '-5000000.00', currency: 'EUR' })
    expect(await decide(manager.id, negative.id, 'approve')).toMatchObject({ code: 'invalid_amount' })
    // Within the limit once converted, the rate used is recorded on the decision.
    const small = await createApproval(tenant, { kind: 'refund', amount: '500.00', currency: 'GBP' })
    expect(await decide(ops.id, small.id, 'approve')).toMatchObject({ status: 'applied' })
    const [rate] = await q<{ fx_rate: string; base_amount: string; expected: string }>(
      `select d.fx_rate::text, d.base_amount::text, public.fx_rate_on('GBP', 'EUR', current_date)::text as expected
         from public.approval_decisions d where d.approval_id = $1`,
      [small.id],
    )
    expect(rate!.fx_rate).toBe(rate!.expected)
    expect(Number(rate!.base_amount)).toBeCloseTo(500 * Number(rate!.expected), 6)
  })

  it('a delegate decides within the stricter of their own and the delegator’s limit', async () => {
    const deputy = await createMember(tenant, 'finance', { approvalLimit: 50_000, maxRisk: 5 })
    const a = await createApproval(tenant, { kind: 'refund', amount: '5000.00', currency: 'EUR', approverIds: [ops.id] })
    await admin().query(
      `insert into public.approval_delegations (tenant_id, delegator_id, delegate_id, ends_at) values ($1, $2, $3, now() + interval '1 day')`,
      [tenant, ops.id, deputy.id],
    )
    // The deputy's own 50,000 would allow it; ops' 1,000 does not.
    expect(await decide(deputy.id, a.id, 'approve')).toMatchObject({ code: 'over_limit' })
    expect(await decide(deputy.id, a.id, 'reject', { reason: 'too much' })).toMatchObject({ status: 'applied' })
  })
})

describe('escalation is idempotent', () => {
  it('escalating five times leaves one open escalation, and the same one is returned', async () => {
    const a = await createApproval(tenant, { kind: 'refund', amount: '100.00', currency: 'EUR' })
    for (let i = 0; i < 5; i++) {
      expect(await decide(i % 2 ? finance.id : ops.id, a.id, 'escalate', { reason: `round ${i}` })).toMatchObject({
        status: 'applied',
        row: { status: 'escalated' },
      })
    }
    const escalations = await q<{ status: string }>('select status from public.escalations where approval_id = $1', [a.id])
    expect(escalations).toEqual([{ status: 'pending' }])
    expect((await footprint(a.id)).escalation_count).toBe(1)
    // The unique index stands behind the intent.
    await expect(
      admin().query(
        `insert into public.escalations (tenant_id, from_agent_id, to_user_id, type, trigger, context, impact, approval_id)
         select tenant_id, from_agent_id, to_user_id, type, trigger, context, impact, approval_id from public.escalations where approval_id = $1`,
        [a.id],
      ),
    ).rejects.toThrow(/escalations_one_open_per_approval/)
  })
})

describe('the console’s pre-flight and the server agree', () => {
  it('finance may reject an over-limit journal posting: both say yes (was: console said Rejected, server refused)', async () => {
    const posting = await createApproval(tenant, {
      kind: 'journal_posting',
      amount: '250000.00',
      currency: 'EUR',
      riskLevel: 3,
      payload: { currency: 'EUR', memo: 'accrual', lines: [{ debit: 250000 }, { credit: 250000 }] },
    })
    expect(await consoleVerdict(finance.id, posting.id, 'approve')).toMatchObject({ code: 'over_limit' })
    expect(await decide(finance.id, posting.id, 'approve')).toMatchObject({ code: 'over_limit' })
    expect(await consoleVerdict(finance.id, posting.id, 'reject', { reason: 'too large' })).toBeNull()
    expect(await decide(finance.id, posting.id, 'reject', { reason: 'too large' })).toMatchObject({ status: 'applied' })
  })

  it('an escalated approval stays decidable from the console, as on the server', async () => {
    const a = await createApproval(tenant, { kind: 'refund', amount: '100.00', currency: 'EUR' })
    expect(await decide(ops.id, a.id, 'escalate', { reason: 'unsure' })).toMatchObject({ row: { status: 'escalated' } })
    expect(await consoleVerdict(manager.id, a.id, 'approve')).toBeNull()
    expect(await decide(manager.id, a.id, 'approve')).toMatchObject({ status: 'applied', row: { status: 'approved' } })
  })

  it('a delegation recorded on the holding covers a subsidiary in the console as on the server', async () => {
    const holding = (await createTenant({ kind: 'holding', baseCurrency: 'EUR' })).id
    const subsidiary = (await createTenant({ parentId: holding, baseCurrency: 'EUR' })).id
    const cfo = await createMember(holding, 'manager', { approvalLimit: null })
    const deputy = await createMember(subsidiary, 'finance', { approvalLimit: 10_000 })
    await addMember(holding, deputy.id, 'viewer')
    await admin().query(
      `insert into public.approval_delegations (tenant_id, delegator_id, delegate_id, ends_at) values ($1, $2, $3, now() + interval '1 day')`,
      [holding, cfo.id, deputy.id],
    )
    const a = await createApproval(subsidiary, { kind: 'refund', amount: '900.00', currency: 'EUR', approverIds: [cfo.id] })
    expect(await consoleVerdict(deputy.id, a.id, 'approve')).toBeNull()
    expect(await decide(deputy.id, a.id, 'approve')).toMatchObject({ status: 'applied', row: { status: 'approved' } })
    const [d] = await q<{ on_behalf_of: string }>('select on_behalf_of from public.approval_decisions where approval_id = $1', [a.id])
    expect(d!.on_behalf_of).toBe(cfo.id)
  })

  it('refuses an over-limit edit with the same code on both sides', async () => {
    const tc = await stripeRefund(50_000)
    const edited = { charge: 'ch_1', amount: 500_000, currency: 'eur' }
    const mine = await consoleVerdict(ops.id, tc.approval.id, 'approve_with_edits', { editedPayload: edited })
    const server = await decide(ops.id, tc.approval.id, 'approve_with_edits', { edited_payload: edited })
    expect(mine?.code).toBe('over_limit')
    expect(server.code).toBe('over_limit')
  })
})
