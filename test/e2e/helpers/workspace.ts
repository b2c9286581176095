// Seeds a reviewing workspace for one e2e test file: a fresh tenant, reviewers, agents, and
// approvals of every kind with the rows a detail shows (evidence, change sets, messages, audit,
// trust). Built on the schema engineer's fixtures; nothing here is shared between files.
import { admin } from '../../support/db'
import {
  addMember,
  createAction,
  createAgent,
  createApproval,
  createAuditEntry,
  createFinanceEvidence,
  createTenant,
  createTool,
  createToolCallApproval,
  createUser,
  type ApprovalRow,
  type Role,
  type TenantRef,
  type UserRef,
} from '../../support/fixtures'

export interface Reviewer extends UserRef {
  fullName: string
}

export async function createReviewer(
  tenantId: string,
  label: string,
  opts: { role?: Role; approvalLimit?: number | null; maxRisk?: number } = {},
): Promise<Reviewer> {
  const fullName = `${label[0]?.toUpperCase() ?? ''}${label.slice(1)} Reviewer`
  const user = await createUser({ label, fullName })
  await addMember(tenantId, user.id, opts.role ?? 'finance', { approvalLimit: opts.approvalLimit ?? 50_000, maxRisk: opts.maxRisk ?? 5 })
  return { ...user, fullName }
}

export async function setTrust(tenantId: string, agentId: string, score: number): Promise<void> {
  await admin().query(
    `insert into public.trust_ledger (agent_id, day, tenant_id, approved_no_edit, edited, rejected, score)
     values ($1, current_date, $2, 40, 6, 3, $3)
     on conflict (agent_id, day) do update set score = excluded.score`,
    [agentId, tenantId, score],
  )
}

const REFUND_TOOL_SCHEMA = {
  type: 'object',
  required: ['order_id', 'amount', 'currency'],
  additionalProperties: false,
  properties: {
    order_id: { type: 'string', minLength: 1, description: 'The Shopify order to refund.' },
    amount: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
    currency: { type: 'string', enum: ['USD', 'EUR', 'GBP'] },
    note: { type: 'string', maxLength: 200 },
  },
} as const

export interface SeededCall {
  approval: ApprovalRow
  args: { order_id: string; amount: number; currency: string; note: string }
}

/**
 * `count` simple refund tool calls, risk 1–3, all decidable by a finance reviewer; distinct titles.
 * They share one tool (and its schema) so a test adds one row to `tools`, not one per approval.
 */
export async function seedRefundCalls(tenantId: string, count: number, agentId: string, opts: { prefix?: string } = {}): Promise<SeededCall[]> {
  const tool = await createTool(tenantId, { jsonSchema: REFUND_TOOL_SCHEMA })
  const out: SeededCall[] = []
  for (let i = 0; i < count; i++) {
    const amount = 40 + ((i * 37) % 400)
    const args = { order_id: `ord_${1000 + i}`, amount, currency: 'USD', note: 'Damaged on arrival' }
    const riskLevel = 1 + (i % 3)
    const action = await createAction(tenantId, { agentId, tool: { app: tool.app, key: tool.tool_key }, args, risk: riskLevel })
    const approval = await createApproval(tenantId, {
      kind: 'tool_call',
      agentId,
      actionId: action.id,
      title: `${opts.prefix ?? 'Refund'} order #${1000 + i} to customer ${i + 1}`,
      riskLevel,
      amount: amount.toFixed(2),
      currency: 'USD',
      counterparty: `Customer ${i + 1}`,
      payload: args,
      // Staggered expiry keeps the urgency order stable and predictable.
      expiresAt: 86_400 + i * 60,
    })
    out.push({ approval, args })
  }
  return out
}

export interface Showcase {
  toolCall: ApprovalRow
  journal: ApprovalRow
  changeset: ApprovalRow
  refund: ApprovalRow
  payout: ApprovalRow
  critical: ApprovalRow
}

/** One approval of each kind with everything its detail can show, for screenshots and detail checks. */
export async function seedShowcase(tenant: TenantRef, reviewer: UserRef): Promise<Showcase> {
  const db = admin()
  const finBot = await createAgent(tenant.id, { name: 'Ledger Assistant', kind: 'company_finance', tier: 3, autonomy: 'A2' })
  const opsBot = await createAgent(tenant.id, { name: 'Refund Desk', kind: 'company_customer', tier: 2, autonomy: 'A1' })
  const devBot = await createAgent(tenant.id, { name: 'Code Steward', kind: 'company_product', tier: 4, autonomy: 'A3' })
  await setTrust(tenant.id, finBot.id, 0.92)
  await setTrust(tenant.id, opsBot.id, 0.81)
  await setTrust(tenant.id, devBot.id, 0.67)

  const { approval: toolCall } = await createToolCallApproval(tenant.id, {
    agentId: opsBot.id,
    title: 'Refund order #1042 for a damaged espresso machine',
    riskLevel: 2,
    amount: '249.00',
    currency: 'EUR',
    counterparty: 'Lena Fischer',
    policyFlags: ['repeat_customer_refund'],
    jsonSchema: REFUND_TOOL_SCHEMA,
    args: { order_id: 'ord_1042', amount: 249, currency: 'EUR', note: 'Arrived with a cracked water tank' },
    expiresAt: 45 * 60,
  })
  await db.query(
    `insert into public.messages (tenant_id, from_agent_id, approval_id, body, created_at)
     values ($1, $2, $3, 'Customer sent two photos of the crack; the carrier confirmed the damage.', now() - interval '20 minutes')`,
    [tenant.id, opsBot.id, toolCall.id],
  )
  await createAuditEntry(tenant.id, { actorType: 'agent', actorId: opsBot.id, action: 'approval.created', entityType: 'approval', entityId: toolCall.id })

  const journal = await createApproval(tenant.id, {
    kind: 'journal_posting',
    agentId: finBot.id,
    title: 'Journal entry: accrue Datadog invoice not yet received (Nov 2026)',
    riskLevel: 3,
    amount: '18450.00',
    currency: 'USD',
    counterparty: 'Datadog',
    policyFlags: ['period_closing_soon'],
    payload: {
      subsidiary_id: 'sub_retail',
      tran_date: '2026-11-21',
      posting_period: 'Nov 2026',
      currency: 'USD',
      memo: 'Accrue Datadog invoice not yet received (Nov 2026)',
      lines: [
        { account: '6120', account_name: 'Software subscriptions', debit: '12300.00', department: 'Engineering' },
        { account: '6120', account_name: 'Software subscriptions', debit: '6150.00', department: 'Support' },
        { account: '2100', account_name: 'Accrued liabilities', credit: '18450.00', memo: 'Datadog' },
      ],
      reversal_date: '2026-12-01',
    },
    expiresAt: 6 * 3600,
  })

  const cs = await db.query<{ id: string }>(
    `insert into public.changesets (tenant_id, title, description, status, agent_id)
     values ($1, 'Retry payouts with exponential backoff', 'Failed payout webhooks are retried with jitter.', 'pending_review', $2) returning id`,
    [tenant.id, devBot.id],
  )
  const csId = cs.rows[0]!.id
  const patch = [
    '--- a/src/payouts/retry.ts',
    '+++ b/src/payouts/retry.ts',
    '@@ -1,8 +1,10 @@',
    " import { sendPayout } from './client'",
    ' ',
    '-export const MAX_ATTEMPTS = 3',
    '+export const MAX_ATTEMPTS = 6',
    '+export const BASE_DELAY_MS = 500',
    ' ',
    ' export async function retryPayout(id: string, attempt = 0) {',
    '-  await sleep(1000)',
    '+  const jitter = Math.random() * BASE_DELAY_MS',
    '+  await sleep(BASE_DELAY_MS * 2 ** attempt + jitter)',
    '   return sendPayout(id)',
    ' }',
  ].join('\n')
  await db.query(
    `insert into public.changeset_patches (tenant_id, changeset_id, position, path, diff) values ($1, $2, 0, 'src/payouts/retry.ts', $3)`,
    [tenant.id, csId, patch],
  )
  const changeset = await createApproval(tenant.id, {
    kind: 'changeset',
    agentId: devBot.id,
    title: 'Change set: retry payouts with exponential backoff',
    riskLevel: 3,
    amount: null,
    currency: null,
    counterparty: null,
    payload: { changeset_id: csId },
    evidence: [{ table: 'changesets', id: csId }],
    expiresAt: 20 * 3600,
  })

  const ev = await createFinanceEvidence(tenant.id, { amount: '89.90', currency: 'USD' })
  const refund = await createApproval(tenant.id, {
    kind: 'refund',
    agentId: opsBot.id,
    title: 'Refund $89.90 to jane@example.com (order #A1F3)',
    riskLevel: 1,
    amount: '89.90',
    currency: 'USD',
    counterparty: 'Jane Customer',
    payload: { order_id: ev.orderId, payment_id: ev.paymentId, amount: '89.90', currency: 'USD', reason: 'requested_by_customer' },
    evidence: ev.pointers,
    expiresAt: 30 * 3600,
  })

  const payout = await createApproval(tenant.id, {
    kind: 'payout',
    agentId: finBot.id,
    title: 'Payout €970.70 to Northwind Payments settlement account',
    riskLevel: 2,
    amount: '970.70',
    currency: 'EUR',
    counterparty: 'Northwind Payments',
    payload: { payout_id: ev.payoutId, gross_amount: '1000.00', fee_amount: '29.30', net_amount: '970.70', currency: 'EUR', arrival_date: '2026-11-23' },
    evidence: [{ table: 'payouts', id: ev.payoutId }, ...ev.payoutLineIds.map((id) => ({ table: 'payout_lines', id }))],
    expiresAt: 40 * 3600,
  })

  const critical = await createApproval(tenant.id, {
    kind: 'spend',
    agentId: finBot.id,
    title: 'Prepay annual AWS commitment',
    riskLevel: 5,
    amount: '42000.00',
    currency: 'USD',
    counterparty: 'Amazon Web Services',
    policyFlags: ['new_commitment', 'amount_above_policy', 'no_purchase_order'],
    payload: { vendor: 'Amazon Web Services', amount: '42000.00', currency: 'USD', term_months: 12, purchase_order: null },
    expiresAt: 25 * 60,
  })
  void reviewer
  return { toolCall, journal, changeset, refund, payout, critical }
}

export interface Workspace {
  tenant: TenantRef
  reviewer: Reviewer
}

export async function createWorkspace(label: string, reviewerOpts: Parameters<typeof createReviewer>[2] = {}): Promise<Workspace> {
  const tenant = await createTenant({ name: `${label} Ltd` })
  const reviewer = await createReviewer(tenant.id, label, reviewerOpts)
  return { tenant, reviewer }
}
