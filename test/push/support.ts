// Helpers for sync_push tests: pushing intents as a reviewer (exactly as the gateway would call the
// RPC), building decide intents from an approval as the reviewer saw it, and reading back what a
// push wrote so tests can prove a refusal wrote nothing.
import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { PushResponse, type MutationResult } from '../../src/shared/sync-protocol'
import type { DecisionKind, IntentKind } from '../../src/shared/contract-domain'
import { admin, asUser } from '../support/db'

export interface Mutation {
  client_mutation_id: string
  kind: IntentKind | string
  args: Record<string, unknown>
  client_created_at: string
}

export function mutation(kind: IntentKind | string, args: Record<string, unknown>, id = randomUUID()): Mutation {
  return { client_mutation_id: id, kind, args, client_created_at: new Date().toISOString() }
}

/** Pushes as the reviewer in its own committed transaction and checks the answer's wire shape. */
export async function push(userId: string, mutations: unknown): Promise<MutationResult[]> {
  const raw = await asUser(
    userId,
    async (c) => (await c.query('select public.sync_push($1::jsonb) as r', [JSON.stringify(mutations)])).rows[0].r,
    { commit: true },
  )
  return PushResponse.parse(raw).results
}

export async function pushOne(userId: string, m: Mutation): Promise<MutationResult> {
  const results = await push(userId, [m])
  expect(results).toHaveLength(1)
  const result = only(results)
  expect(result.client_mutation_id).toBe(m.client_mutation_id)
  return result
}

/** The single element of a list that must have exactly one. */
export function only<T>(items: readonly T[]): T {
  const [item, ...rest] = items
  if (item === undefined || rest.length > 0) throw new Error(`expected exactly one item, got ${items.length}`)
  return item
}

export interface SeenApproval {
  id: string
  version: number
  payload_hash: string
}

/** The approval as a reviewer's replica would show it now. */
export async function seen(approvalId: string): Promise<SeenApproval> {
  const { rows } = await admin().query('select id, version, payload_hash from public.approvals where id = $1', [approvalId])
  return rows[0]
}

export function decideArgs(
  approval: SeenApproval,
  decision: DecisionKind,
  extra: { reason?: string; edited_payload?: unknown; on_behalf_of?: string } = {},
): Record<string, unknown> {
  return {
    approval_id: approval.id,
    decision,
    version_seen: approval.version,
    payload_hash_seen: approval.payload_hash,
    ...extra,
  }
}

/** Decides the approval as currently stored (fresh version and hash). */
export async function decide(
  userId: string,
  approvalId: string,
  decision: DecisionKind,
  extra: Parameters<typeof decideArgs>[2] = {},
): Promise<MutationResult> {
  return pushOne(userId, mutation('approval.decide', decideArgs(await seen(approvalId), decision, extra)))
}

/** Everything an accepted decision on this approval would touch, for "nothing was written" checks. */
export async function footprint(approvalId: string) {
  const { rows } = await admin().query(
    `select a.status, a.version, a.payload_hash, a.escalation_count,
            (select count(*)::int from public.approval_decisions d where d.approval_id = a.id) as decisions,
            (select approval_state from public.actions ac where ac.id = a.action_id) as action_state,
            (select count(*)::int from public.outbox o where o.action_id = a.action_id) as outbox,
            (select count(*)::int from public.memory_entries m where a.id = any (m.related_ids)) as memories,
            (select count(*)::int from public.audit_log l where l.tenant_id = a.tenant_id) as audit_entries,
            (select coalesce(sum(approved_no_edit + edited + rejected), 0)::int from public.trust_ledger t
              where t.agent_id = a.requested_by_agent_id) as trust_events,
            (select count(*)::int from public.escalations e where e.approval_id = a.id) as escalations
     from public.approvals a where a.id = $1`,
    [approvalId],
  )
  return rows[0] as {
    status: string
    version: number
    payload_hash: string
    escalation_count: number
    decisions: number
    action_state: string | null
    outbox: number
    memories: number
    audit_entries: number
    trust_events: number
    escalations: number
  }
}

export async function ledgerRows(clientMutationId: string): Promise<number> {
  const { rows } = await admin().query('select count(*)::int as n from public.sync_mutations where client_mutation_id = $1', [
    clientMutationId,
  ])
  return rows[0].n
}

/** Null when the tenant's audit chain verifies, else the first broken entry. */
export async function auditChainBreak(tenantId: string): Promise<unknown> {
  const { rows } = await admin().query('select public.verify_audit_chain($1) as b', [tenantId])
  return rows[0].b
}
