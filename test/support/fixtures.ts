// Fast factories for test data: every test file makes its own tenants, reviewers, agents, tools,
// actions, approvals and finance evidence through the superuser, so files never share rows.
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { admin } from './db'

/** Anything that runs a query: the admin pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>
type Db = { db?: Queryable }

const short = () => randomUUID().slice(0, 8)

async function one<T>(db: Queryable | undefined, sql: string, params: unknown[]): Promise<T> {
  const { rows } = await (db ?? admin()).query(sql, params)
  if (!rows[0]) throw new Error(`fixture query returned no row: ${sql.slice(0, 60)}`)
  return rows[0] as T
}

export type Role = 'admin' | 'finance' | 'ops' | 'manager' | 'operator' | 'viewer'
export type ApprovalKind = 'tool_call' | 'refund' | 'payout' | 'journal_posting' | 'changeset' | 'spend'

export interface TenantRef {
  id: string
  slug: string
  name: string
}

export async function createTenant(
  opts: Db & { name?: string; kind?: 'holding' | 'subsidiary' | 'standalone'; parentId?: string; baseCurrency?: string } = {},
): Promise<TenantRef> {
  const slug = `t-${short()}-${short()}`
  const kind = opts.kind ?? (opts.parentId ? 'subsidiary' : 'standalone')
  return one<TenantRef>(
    opts.db,
    `insert into public.tenants (name, slug, kind, parent_tenant_id, base_currency)
     values ($1, $2, $3, $4, $5) returning id, slug, name`,
    [opts.name ?? `Tenant ${slug}`, slug, kind, opts.parentId ?? null, opts.baseCurrency ?? 'USD'],
  )
}

export interface UserRef {
  id: string
  email: string
}

/** A reviewer in auth.users (profile by trigger) whose password is `demo-password`. */
export async function createUser(opts: Db & { email?: string; fullName?: string; label?: string } = {}): Promise<UserRef> {
  const email = opts.email ?? `${opts.label ?? 'user'}-${short()}${short()}@test.local`
  // bcrypt cost 4 keeps fixtures fast; any cost verifies the same way.
  return one<UserRef>(
    opts.db,
    `insert into auth.users (email, encrypted_password, raw_user_meta_data)
     values ($1, extensions.crypt('demo-password', extensions.gen_salt('bf', 4)), jsonb_build_object('full_name', $2::text))
     returning id, email`,
    [email, opts.fullName ?? email.split('@')[0]],
  )
}

export async function addMember(
  tenantId: string,
  userId: string,
  role: Role,
  opts: Db & { approvalLimit?: string | number | null; maxRisk?: number; isActive?: boolean } = {},
): Promise<void> {
  await (opts.db ?? admin()).query(
    `insert into public.tenant_members (tenant_id, user_id, role, approval_limit, max_risk, is_active)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (tenant_id, user_id) do update
       set role = excluded.role, approval_limit = excluded.approval_limit,
           max_risk = excluded.max_risk, is_active = excluded.is_active, deleted_at = null`,
    [tenantId, userId, role, opts.approvalLimit ?? null, opts.maxRisk ?? 5, opts.isActive ?? true],
  )
}

/** A new user who is a member of the tenant with the given role. */
export async function createMember(
  tenantId: string,
  role: Role,
  opts: Db & { approvalLimit?: string | number | null; maxRisk?: number; label?: string } = {},
): Promise<UserRef> {
  const user = await createUser({ db: opts.db, label: opts.label ?? role })
  await addMember(tenantId, user.id, role, opts)
  return user
}

export async function createAgent(
  tenantId: string,
  opts: Db & { name?: string; kind?: string; tier?: number; autonomy?: 'A1' | 'A2' | 'A3'; status?: string } = {},
): Promise<{ id: string; name: string }> {
  return one(
    opts.db,
    `insert into public.agents (tenant_id, name, role, kind, tier, autonomy, status)
     values ($1, $2, 'assistant', $3, $4, $5, $6) returning id, name`,
    [tenantId, opts.name ?? `Agent ${short()}`, opts.kind ?? 'company_finance', opts.tier ?? 3, opts.autonomy ?? 'A2', opts.status ?? 'active'],
  )
}

/** The default tool schema: a refund through a payment provider. */
export const REFUND_SCHEMA = {
  type: 'object',
  required: ['order_id', 'amount', 'currency'],
  additionalProperties: false,
  properties: {
    order_id: { type: 'string', minLength: 1 },
    amount: { type: 'number', exclusiveMinimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    note: { type: 'string', maxLength: 500 },
  },
} as const

export async function createTool(
  tenantId: string,
  opts: Db & { app?: string; key?: string; jsonSchema?: unknown; riskDefault?: number } = {},
): Promise<{ id: string; app: string; tool_key: string }> {
  return one(
    opts.db,
    `insert into public.tools (tenant_id, app, tool_key, name, category, json_schema, risk_default, approval_default, write_allowed)
     values ($1, $2, $3, $3, 'payments', $4, $5, 'required', true) returning id, app, tool_key`,
    [
      tenantId,
      opts.app ?? 'stripe',
      opts.key ?? `refund_${short()}`,
      opts.jsonSchema === undefined ? JSON.stringify(REFUND_SCHEMA) : JSON.stringify(opts.jsonSchema),
      opts.riskDefault ?? 2,
    ],
  )
}

export async function createTask(
  tenantId: string,
  opts: Db & { agentId?: string; title?: string; status?: string; riskLevel?: number } = {},
): Promise<{ id: string }> {
  return one(
    opts.db,
    `insert into public.tasks (tenant_id, agent_id, title, status, risk_level) values ($1, $2, $3, $4, $5) returning id`,
    [tenantId, opts.agentId ?? null, opts.title ?? `Task ${short()}`, opts.status ?? 'awaiting_approval', opts.riskLevel ?? 0],
  )
}

export async function createAction(
  tenantId: string,
  opts: Db & {
    agentId?: string
    taskId?: string
    tool: { app: string; key: string }
    args?: Record<string, unknown>
    risk?: number
    approvalState?: string
  },
): Promise<{ id: string }> {
  return one(
    opts.db,
    `insert into public.actions (tenant_id, task_id, agent_id, tool, args, risk, approval_state)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      tenantId,
      opts.taskId ?? null,
      opts.agentId ?? null,
      JSON.stringify(opts.tool),
      JSON.stringify(opts.args ?? {}),
      opts.risk ?? 0,
      opts.approvalState ?? 'pending',
    ],
  )
}

export interface ApprovalRow {
  id: string
  tenant_id: string
  kind: ApprovalKind
  status: string
  version: number
  payload_hash: string
  risk_level: number
  amount: string | null
}

export interface ApprovalOptions extends Db {
  kind?: ApprovalKind
  title?: string
  riskLevel?: number
  amount?: string | number | null
  currency?: string | null
  counterparty?: string | null
  policyFlags?: string[]
  status?: string
  agentId?: string | null
  requestedByUserId?: string | null
  approverIds?: string[]
  requiredApprovals?: 1 | 2
  payload?: unknown
  /** Absolute time, or seconds from now (negative = already expired); default one day ahead. */
  expiresAt?: Date | number | null
  taskId?: string | null
  actionId?: string | null
  evidence?: { table: string; id: string }[]
}

export async function createApproval(tenantId: string, opts: ApprovalOptions = {}): Promise<ApprovalRow> {
  const expires =
    opts.expiresAt === null
      ? null
      : opts.expiresAt instanceof Date
        ? opts.expiresAt
        : new Date(Date.now() + 1000 * (opts.expiresAt ?? 86_400))
  const amount = opts.amount === undefined ? '125.50' : opts.amount
  const currency = opts.currency === undefined ? (amount === null ? null : 'USD') : opts.currency
  // Someone must have asked: an agent of the tenant unless the caller names the requester.
  const agentId =
    opts.agentId !== undefined || opts.requestedByUserId ? (opts.agentId ?? null) : (await createAgent(tenantId, { db: opts.db })).id
  return one<ApprovalRow>(
    opts.db,
    `insert into public.approvals (tenant_id, kind, task_id, action_id, title, summary, risk_level, amount, currency,
       counterparty, policy_flags, status, requested_by_agent_id, requested_by_user_id, approver_ids,
       required_approvals, payload, expires_at, evidence)
     values ($1, $2, $3, $4, $5, 'Requested by a fixture.', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     returning id, tenant_id, kind, status, version, payload_hash, risk_level, amount`,
    [
      tenantId,
      opts.kind ?? 'refund',
      opts.taskId ?? null,
      opts.actionId ?? null,
      opts.title ?? `Approval ${short()}`,
      opts.riskLevel ?? 2,
      amount,
      currency,
      opts.counterparty === undefined ? 'Jane Customer' : opts.counterparty,
      opts.policyFlags ?? [],
      opts.status ?? 'pending',
      agentId,
      opts.requestedByUserId ?? null,
      opts.approverIds ?? [],
      opts.requiredApprovals ?? 1,
      // By default the payload moves what the request declares (the rules check the payload).
      JSON.stringify(opts.payload ?? { order_id: 'ord_1', amount: amount === null ? 125.5 : Number(amount), currency: currency ?? 'USD' }),
      expires,
      JSON.stringify(opts.evidence ?? []),
    ],
  )
}

export interface FinanceEvidence {
  orderId: string
  paymentId: string
  refundId: string
  payoutId: string
  payoutLineIds: string[]
  disputeId: string
  journalPostingIds: string[]
  /** Pointers in the shape approvals.evidence holds. */
  pointers: { table: string; id: string }[]
}

/** An order with its payment, a refund, a payout with two lines, a dispute and a two-line journal. */
export async function createFinanceEvidence(
  tenantId: string,
  opts: Db & { amount?: string; currency?: string } = {},
): Promise<FinanceEvidence> {
  const db = opts.db
  const amount = opts.amount ?? '125.50'
  const currency = opts.currency ?? 'USD'
  const n = short()
  const key = (source: string, type: string, id: string) => `${tenantId}:${source}:${type}:${id}`
  const order = await one<{ id: string }>(
    db,
    `insert into public.orders (tenant_id, source, source_id, dedupe_key, source_created, order_number, status, currency,
       total_amount, subtotal, tax_amount, customer_email)
     values ($1, 'shopify', $2, $3, now() - interval '3 days', $4, 'paid', $5, $6, $6, 0, 'jane@example.com') returning id`,
    [tenantId, `o_${n}`, key('shopify', 'order', `o_${n}`), `#${n}`, currency, amount],
  )
  const payment = await one<{ id: string }>(
    db,
    `insert into public.payments (tenant_id, source, source_id, dedupe_key, source_created, payment_id, order_id, amount,
       currency, status, payment_method)
     values ($1, 'stripe', $2, $3, now() - interval '3 days', $2, $4, $5, $6, 'succeeded', 'card') returning id`,
    [tenantId, `pi_${n}`, key('stripe', 'payment', `pi_${n}`), order.id, amount, currency],
  )
  const refund = await one<{ id: string }>(
    db,
    `insert into public.refunds (tenant_id, source, source_id, dedupe_key, order_id, payment_id, reason, amount, currency, status)
     values ($1, 'stripe', $2, $3, $4, $5, 'requested_by_customer', $6, $7, 'pending') returning id`,
    [tenantId, `re_${n}`, key('stripe', 'refund', `re_${n}`), order.id, payment.id, amount, currency],
  )
  const payout = await one<{ id: string }>(
    db,
    `insert into public.payouts (tenant_id, source, source_id, dedupe_key, payout_id, status, currency, gross_amount,
       fee_amount, net_amount, arrival_date, transaction_count)
     values ($1, 'stripe', $2, $3, $2, 'pending', $4, 1000.00, 29.30, 970.70, current_date + 2, 12) returning id`,
    [tenantId, `po_${n}`, key('stripe', 'payout', `po_${n}`), currency],
  )
  const payoutLineIds: string[] = []
  for (const [i, [feeType, lineAmount]] of [
    ['charge', '1000.00'],
    ['stripe_fee', '-29.30'],
  ].entries()) {
    const line = await one<{ id: string }>(
      db,
      `insert into public.payout_lines (tenant_id, source, source_id, dedupe_key, payout_id, fee_type, amount, currency, description)
       values ($1, 'stripe', $2, $3, $4, $5, $6, $7, $5) returning id`,
      [tenantId, `pl_${n}_${i}`, key('stripe', 'payout_line', `pl_${n}_${i}`), payout.id, feeType, lineAmount, currency],
    )
    payoutLineIds.push(line.id)
  }
  const dispute = await one<{ id: string }>(
    db,
    `insert into public.disputes (tenant_id, source, source_id, dedupe_key, charge_id, payment_id, reason, amount, currency, status)
     values ($1, 'stripe', $2, $3, $4, $5, 'fraudulent', $6, $7, 'needs_response') returning id`,
    [tenantId, `dp_${n}`, key('stripe', 'dispute', `dp_${n}`), `ch_${n}`, payment.id, amount, currency],
  )
  const journalPostingIds: string[] = []
  for (const [i, [account, lineAmount]] of [
    ['4000', amount],
    ['1100', `-${amount}`],
  ].entries()) {
    const posting = await one<{ id: string }>(
      db,
      `insert into public.journal_postings (tenant_id, source, source_id, dedupe_key, transaction_type, tran_id, line_no,
         tran_date, posting_period, account_id, amount, currency, memo)
       values ($1, 'netsuite', $2, $3, 'journal', $4, $5, current_date, to_char(current_date, 'Mon YYYY'), $6, $7, $8, 'Refund accrual')
       returning id`,
      [tenantId, `je_${n}_${i}`, key('netsuite', 'posting', `je_${n}_${i}`), `JE-${n}`, i + 1, account, lineAmount, currency],
    )
    journalPostingIds.push(posting.id)
  }
  return {
    orderId: order.id,
    paymentId: payment.id,
    refundId: refund.id,
    payoutId: payout.id,
    payoutLineIds,
    disputeId: dispute.id,
    journalPostingIds,
    pointers: [
      { table: 'orders', id: order.id },
      { table: 'payments', id: payment.id },
      { table: 'refunds', id: refund.id },
      ...journalPostingIds.map((id) => ({ table: 'journal_postings', id })),
    ],
  }
}

export interface ToolCallApproval {
  agent: { id: string; name: string }
  tool: { id: string; app: string; tool_key: string }
  task: { id: string }
  action: { id: string }
  approval: ApprovalRow
}

/**
 * The usual chain behind a tool-call approval: agent → task → action (calling a tool with a JSON
 * schema) → pending approval whose payload is the action's args. Options go to the approval.
 */
export type ToolCallOptions = Omit<ApprovalOptions, 'agentId'> & {
  /** The action's args; also the approval's payload unless `payload` is given. */
  args?: Record<string, unknown>
  /** The tool's argument schema; default REFUND_SCHEMA. */
  jsonSchema?: unknown
  /** An existing agent of the tenant; default a new one. */
  agentId?: string
}

export async function createToolCallApproval(tenantId: string, opts: ToolCallOptions = {}): Promise<ToolCallApproval> {
  const db = opts.db
  const agent = opts.agentId ? { id: opts.agentId, name: '' } : await createAgent(tenantId, { db })
  const tool = await createTool(tenantId, { db, jsonSchema: opts.jsonSchema })
  const task = await createTask(tenantId, { db, agentId: agent.id, riskLevel: opts.riskLevel })
  const args = opts.args ?? { order_id: `ord_${short()}`, amount: 125.5, currency: 'USD' }
  const action = await createAction(tenantId, {
    db,
    agentId: agent.id,
    taskId: task.id,
    tool: { app: tool.app, key: tool.tool_key },
    args,
    risk: opts.riskLevel ?? 2,
  })
  const approval = await createApproval(tenantId, {
    kind: 'tool_call',
    ...opts,
    agentId: agent.id,
    taskId: task.id,
    actionId: action.id,
    payload: opts.payload ?? args,
  })
  return { agent, tool, task, action, approval }
}

/** Appends an audit entry (chained by the audit_log trigger). */
export async function createAuditEntry(
  tenantId: string,
  opts: Db & {
    actorType?: 'user' | 'agent' | 'system'
    actorId?: string | null
    action?: string
    entityType?: string
    entityId?: string | null
    beforeState?: unknown
    afterState?: unknown
    metadata?: unknown
  } = {},
): Promise<{ id: string; integrity_hash: string }> {
  return one(
    opts.db,
    `insert into public.audit_log (tenant_id, actor_type, actor_id, action, entity_type, entity_id, before_state, after_state, metadata)
     values ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::jsonb, '{}'::jsonb)) returning id::text, integrity_hash`,
    [
      tenantId,
      opts.actorType ?? 'system',
      opts.actorId ?? null,
      opts.action ?? 'approval.created',
      opts.entityType ?? 'approval',
      opts.entityId ?? null,
      opts.beforeState === undefined ? null : JSON.stringify(opts.beforeState),
      opts.afterState === undefined ? null : JSON.stringify(opts.afterState),
      opts.metadata === undefined ? null : JSON.stringify(opts.metadata),
    ],
  )
}

/** Deactivates a membership, as an admin removing a reviewer would (the row stays, as a tombstone would). */
export async function deactivateMember(tenantId: string, userId: string, opts: Db = {}): Promise<void> {
  await (opts.db ?? admin()).query(
    `update public.tenant_members set is_active = false where tenant_id = $1 and user_id = $2`,
    [tenantId, userId],
  )
}

export interface EveryRow extends ToolCallApproval {
  evidence: FinanceEvidence
  /** Primary keys of the rows made, by table (composite keys joined with '|'). */
  keys: Record<string, string[]>
}

/**
 * At least one row in every tenant-scoped replicated table of the tenant: a tool-call approval
 * with its agent, tool, task and action, finance evidence, a decision, a delegation, snoozes for
 * the given reviewers, an escalation, a flag, a change set with a patch, a message, a memory
 * entry, trust and cost telemetry, an outbox envelope and an audit entry.
 */
export async function createEveryRow(
  tenantId: string,
  opts: Db & { reviewers: UserRef[]; approval?: ToolCallOptions },
): Promise<EveryRow> {
  const db = opts.db ?? admin()
  const [first] = opts.reviewers
  if (!first) throw new Error('createEveryRow needs at least one reviewer')
  const evidence = await createFinanceEvidence(tenantId, { db })
  const chain = await createToolCallApproval(tenantId, { ...opts.approval, db, evidence: evidence.pointers })
  const { approval, agent, task, action } = chain
  const insert = (sql: string, params: unknown[]) => one<{ key: string }>(db, sql, params).then((r) => r.key)
  const keys: Record<string, string[]> = {}
  const add = (table: string, key: string) => (keys[table] ??= []).push(key)
  add(
    'approval_decisions',
    await insert(
      `insert into public.approval_decisions (tenant_id, approval_id, decision, actor_id, reason, payload_hash_seen, version_seen)
       values ($1, $2, 'escalate', $3, 'needs a second look', $4, $5) returning id::text as key`,
      [tenantId, approval.id, first.id, approval.payload_hash, approval.version],
    ),
  )
  const delegate = opts.reviewers[1] ?? (await createUser({ db, label: 'delegate' }))
  add(
    'approval_delegations',
    await insert(
      `insert into public.approval_delegations (tenant_id, delegator_id, delegate_id, risk_levels, ends_at, reason)
       values ($1, $2, $3, '{0,1,2}', now() + interval '7 days', 'holiday') returning id::text as key`,
      [tenantId, first.id, delegate.id],
    ),
  )
  for (const reviewer of opts.reviewers) {
    add(
      'review_snoozes',
      await insert(
        `insert into public.review_snoozes (user_id, approval_id, tenant_id, until)
         values ($1, $2, $3, now() + interval '1 hour') returning user_id || '|' || approval_id as key`,
        [reviewer.id, approval.id, tenantId],
      ),
    )
  }
  add(
    'escalations',
    await insert(
      `insert into public.escalations (tenant_id, from_agent_id, to_user_id, type, trigger, context, impact, recommendation,
         related_task_id, approval_id)
       values ($1, $2, $3, 'action_required', 'budget_request', 'Refund above the usual size', 'Customer churn', 'Approve',
         $4, $5) returning id::text as key`,
      [tenantId, agent.id, first.id, task.id, approval.id],
    ),
  )
  add(
    'hallucination_flags',
    await insert(
      `insert into public.hallucination_flags (tenant_id, agent_id, task_id, approval_id, detection_method, confidence_score,
         flagged_content)
       values ($1, $2, $3, $4, 'fact_check', 0.82, 'Order total quoted as 1,250.00') returning id::text as key`,
      [tenantId, agent.id, task.id, approval.id],
    ),
  )
  const changeset = await insert(
    `insert into public.changesets (tenant_id, title, status, agent_id, task_id)
     values ($1, 'Fix refund rounding', 'pending_review', $2, $3) returning id::text as key`,
    [tenantId, agent.id, task.id],
  )
  add('changesets', changeset)
  add(
    'changeset_patches',
    await insert(
      `insert into public.changeset_patches (tenant_id, changeset_id, position, path, diff)
       values ($1, $2, 0, 'src/refunds.js', E'--- a/src/refunds.js\\n+++ b/src/refunds.js\\n@@ -1 +1 @@\\n-round(x)\\n+round(x, 2)\\n')
       returning id::text as key`,
      [tenantId, changeset],
    ),
  )
  add(
    'messages',
    await insert(
      `insert into public.messages (tenant_id, from_agent_id, approval_id, body)
       values ($1, $2, $3, 'The customer asked twice.') returning id::text as key`,
      [tenantId, agent.id, approval.id],
    ),
  )
  add(
    'memory_entries',
    await insert(
      `insert into public.memory_entries (tenant_id, agent_id, type, summary, details, tags)
       values ($1, $2, 'decision', 'Refunds over 100 need approval', '{"threshold": 100}', '{refunds}') returning id::text as key`,
      [tenantId, agent.id],
    ),
  )
  add(
    'trust_ledger',
    await insert(
      `insert into public.trust_ledger (agent_id, day, tenant_id, approved_no_edit, edited, rejected, score)
       values ($1, current_date, $2, 3, 1, 0, 0.75) returning agent_id || '|' || day as key`,
      [agent.id, tenantId],
    ),
  )
  add(
    'cost_transactions',
    await insert(
      `insert into public.cost_transactions (tenant_id, agent_id, task_id, provider, model, input_tokens, output_tokens, cost_amount)
       values ($1, $2, $3, 'openai', 'gpt-4o', 1200, 300, 0.004500) returning id::text as key`,
      [tenantId, agent.id, task.id],
    ),
  )
  add(
    'outbox',
    await insert(`insert into public.outbox (tenant_id, action_id) values ($1, $2) returning id::text as key`, [
      tenantId,
      action.id,
    ]),
  )
  const audit = await createAuditEntry(tenantId, {
    db,
    actorType: 'agent',
    actorId: agent.id,
    action: 'approval.requested',
    entityType: 'approval',
    entityId: approval.id,
    afterState: { status: 'pending', amount: 125.5 },
  })
  add('audit_log', audit.id)
  return { ...chain, evidence, keys }
}
