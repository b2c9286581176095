// Test rig for the executor: a tenant whose agent asks to run demo-upstream tools, approvals
// decided through sync_push exactly as a reviewer's console sends them, and workers limited to the
// test's tenant so parallel test files never see each other's envelopes.
import { randomUUID } from 'node:crypto'
import { inject, vi } from 'vitest'
import { parseConfig, type ExecutorConfig } from '../../src/executor/config'
import { startExecutor, type ExecutorHandle } from '../../src/executor/run'
import { TOOLS } from '../../src/stack/seed/tools'
import { admin } from '../support/db'
import { createAgent, createMember, createTenant, type UserRef } from '../support/fixtures'
import { mutation, push } from '../push/support'

export interface Rig {
  tenantId: string
  approver: UserRef
  agentId: string
}

/** A tenant with a finance approver, an agent and the demo tools in its catalog. */
export async function createRig(): Promise<Rig> {
  const tenant = await createTenant()
  const approver = await createMember(tenant.id, 'finance', { label: 'approver' })
  const agent = await createAgent(tenant.id)
  for (const spec of Object.values(TOOLS)) {
    await admin().query(
      `insert into public.tools (tenant_id, app, tool_key, name, category, json_schema, risk_default, approval_default, write_allowed)
       values ($1, $2, $3, $3, $4, $5, $6, $7, $8)`,
      [tenant.id, spec.app, spec.key, spec.category, JSON.stringify(spec.json_schema), spec.risk_default, spec.approval_default, spec.write_allowed],
    )
  }
  return { tenantId: tenant.id, approver, agentId: agent.id }
}

/** A Stripe refund an agent might ask for; `n` makes each one distinct. */
export function refundArgs(n: number): Record<string, unknown> {
  return {
    charge: `ch_${String(n).padStart(14, '0')}`,
    amount: 1000 + n,
    currency: 'usd',
    reason: 'requested_by_customer',
    metadata: { order_number: `ORD-${n}` },
  }
}

export interface Approved {
  actionId: string
  approvalId: string
  outboxId: string
}

/**
 * Actions the agent proposed (pending tool-call approvals), approved by the rig's approver in one
 * sync_push. `edits` maps an index to the arguments the reviewer approved instead.
 */
export async function approveActions(
  rig: Rig,
  argsList: Record<string, unknown>[],
  opts: { edits?: Map<number, Record<string, unknown>>; tool?: { app: string; key: string } } = {},
): Promise<Approved[]> {
  const tool = opts.tool ?? { app: 'stripe', key: 'refund' }
  const actionIds = argsList.map(() => randomUUID())
  const { rows } = await admin().query<{ action_id: string; approval_id: string; version: number; payload_hash: string }>(
    `with a as (
       insert into public.actions (id, tenant_id, agent_id, tool, args, risk, approval_state)
       select x.id, $1, $2, $3, x.args, 2, 'pending' from unnest($4::uuid[], $5::jsonb[]) x(id, args)
       returning id, args
     )
     insert into public.approvals (tenant_id, kind, action_id, title, risk_level, requested_by_agent_id, payload, expires_at)
     select $1, 'tool_call', a.id, 'Run ' || $6, 2, $2, a.args, now() + interval '1 day' from a
     returning action_id, id as approval_id, version, payload_hash`,
    [rig.tenantId, rig.agentId, JSON.stringify(tool), actionIds, argsList.map((a) => JSON.stringify(a)), `${tool.app}.${tool.key}`],
  )
  const ordered = actionIds.map((id) => {
    const row = rows.find((r) => r.action_id === id)
    if (!row) throw new Error(`no approval for action ${id}`)
    return row
  })
  const results = await push(
    rig.approver.id,
    ordered.map((r, i) => {
      const edited = opts.edits?.get(i)
      return mutation('approval.decide', {
        approval_id: r.approval_id,
        decision: edited ? 'approve_with_edits' : 'approve',
        version_seen: r.version,
        payload_hash_seen: r.payload_hash,
        ...(edited ? { edited_payload: edited } : {}),
      })
    }),
  )
  const refused = results.filter((r) => r.status !== 'applied')
  if (refused.length) throw new Error(`approval refused: ${JSON.stringify(refused[0])}`)
  const { rows: outbox } = await admin().query<{ id: string; action_id: string }>(
    'select id, action_id from public.outbox where action_id = any ($1::uuid[])',
    [ordered.map((r) => r.action_id)],
  )
  return ordered.map((r) => ({
    actionId: r.action_id,
    approvalId: r.approval_id,
    outboxId: outbox.find((o) => o.action_id === r.action_id)?.id ?? '',
  }))
}

export const WEBHOOK_SECRET = 'test-webhook-secret'

/** A config for test workers: fast backoff, short lease, only the rig's tenant. */
export function testConfig(rig: Rig, routes: ExecutorConfig['routes'] | unknown[], overrides: Record<string, unknown> = {}): ExecutorConfig {
  return parseConfig({
    routes,
    tenant_ids: [rig.tenantId],
    lease_seconds: 5,
    max_attempts: 3,
    backoff_base_ms: 20,
    backoff_max_ms: 100,
    poll_ms: 50,
    batch_size: 8,
    ...overrides,
  })
}

export function webhookRoute(url: string, timeoutMs = 2000) {
  return { tools: ['*'], executor: { kind: 'webhook', url, secret_env: 'TEST_WEBHOOK_SECRET', timeout_ms: timeoutMs } }
}

export function runWorkers(config: ExecutorConfig, workers = 1, secret = WEBHOOK_SECRET): ExecutorHandle {
  return startExecutor({ dbUrl: inject('stack').dbUrl, config, workers, env: { TEST_WEBHOOK_SECRET: secret } })
}

export interface OutboxState {
  status: string
  retry_count: number
  last_error: string | null
  result: unknown
}

export async function outboxStates(ids: string[]): Promise<Map<string, OutboxState>> {
  const { rows } = await admin().query<OutboxState & { id: string }>(
    `select o.id, o.status, o.retry_count, o.last_error, ac.result
     from public.outbox o join public.actions ac on ac.id = o.action_id where o.id = any ($1::uuid[])`,
    [ids],
  )
  return new Map(rows.map((r) => [r.id, r]))
}

/** Waits until every envelope is in one of `statuses` (no fixed sleeps: polls the database). */
export async function settle(ids: string[], statuses: string[] = ['sent', 'dead', 'cancelled'], timeout = 30_000) {
  return vi.waitFor(
    async () => {
      const states = await outboxStates(ids)
      const open = ids.filter((id) => !statuses.includes(states.get(id)?.status ?? ''))
      if (open.length) throw new Error(`${open.length} envelope(s) not settled yet`)
      return states
    },
    { timeout, interval: 25 },
  )
}

export interface AuditEntry {
  action: string
  actor_type: string
  actor_id: string | null
  before_state: Record<string, unknown> | null
  after_state: Record<string, unknown> | null
  metadata: Record<string, unknown>
}

export async function outboxAudit(outboxId: string): Promise<AuditEntry[]> {
  const { rows } = await admin().query<AuditEntry>(
    `select action, actor_type, actor_id, before_state, after_state, metadata from public.audit_log
     where entity_type = 'outbox' and entity_id = $1 order by id`,
    [outboxId],
  )
  return rows
}
