// The detail of one approval, all from the replica: what is asked (payload, tool and its schema),
// who asks (agent with trust score), the evidence rows behind it, earlier decisions, the audit
// trail, and the message thread including messages still queued locally.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { ApprovalDetail } from '../../shared/contract-domain'
import { payloadSchema } from '../../shared/decision-rules'
import { ApiError } from '../../shared/errors'
import { quoteIdent } from '../replica/tables'
import { AGENT_COLUMNS, toAgentSummary, type AgentRow } from './agents'
import { itemsById } from './inbox'
import type { ReviewerContext } from './standing'
import { AUDIT_COLUMNS, namedAudit } from './audit'
import { executionOf } from './outbox'

/** Tables an approval's evidence may point at, with how to name a row of each. */
const EVIDENCE_LABELS: Record<string, (r: Record<string, unknown>) => string> = {
  orders: (r) => `Order ${str(r.source_id) ?? short(r.id)}`,
  payments: (r) => `Payment ${str(r.source_id) ?? short(r.id)}`,
  refunds: (r) => `Refund ${str(r.source_id) ?? short(r.id)}`,
  payouts: (r) => `Payout ${str(r.source_id) ?? short(r.id)}`,
  payout_lines: (r) => `Payout line ${str(r.source_id) ?? short(r.id)}`,
  disputes: (r) => `Dispute ${str(r.source_id) ?? short(r.id)}`,
  journal_postings: (r) => `Journal posting ${str(r.source_id) ?? short(r.id)}`,
  tasks: (r) => `Task: ${str(r.title) ?? short(r.id)}`,
  actions: (r) => `Action ${short(r.id)}`,
  changesets: (r) => `Change set: ${str(r.title) ?? short(r.id)}`,
}
// Evidence reads as the business record, not the database row: keys, sync and housekeeping columns
// mean nothing to a reviewer ("Synced at", "Dedupe key", "Deleted at —").
const HIDDEN_FIELDS = new Set(['tenant_id', 'id', 'deleted_at', 'dedupe_key', 'synced_at', 'updated_at', 'integrity_hash'])
const HIDDEN_PREFIXES = ['sync_', 'raw_']

function isHiddenField(key: string): boolean {
  return HIDDEN_FIELDS.has(key) || HIDDEN_PREFIXES.some((p) => key.startsWith(p))
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null
}
function short(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 8) : '?'
}

interface ApprovalRow {
  id: string
  agent_id: string | null
  requested_by_user_id: string | null
  summary: string | null
  payload: unknown
  payload_hash: string
  version: number
  action_id: string | null
  evidence: unknown
  origin: Record<string, unknown> | null
}

export async function approvalDetail(db: PGliteInterface, ctx: ReviewerContext, id: string): Promise<ApprovalDetail> {
  const userId = ctx.userId
  const res = await db.query<ApprovalRow>(
    `select a.id, a.requested_by_agent_id as agent_id, a.requested_by_user_id,
            a.summary, a.payload, a.payload_hash, a.version, a.action_id, a.evidence, a.origin
       from approvals a where a.id = $1 and a.deleted_at is null`,
    [id],
  )
  const a = res.rows[0]
  if (!a) throw new ApiError('not_found')
  const [item] = await itemsById(db, ctx, [a.id])
  const [tool, agent, evidence, decisions, audit, messages, execution] = await Promise.all([
    toolOf(db, a),
    agentOf(db, a.agent_id),
    evidenceOf(db, a.evidence),
    decisionsOf(db, a.id),
    auditOf(db, a.id),
    messagesOf(db, userId, a.id),
    executionOf(db, a.action_id),
  ])
  return {
    item: item!,
    execution,
    summary: a.summary,
    payload: a.payload,
    payloadHash: a.payload_hash,
    version: a.version,
    // What an edit is checked against: the tool's schema, else the built-in one of a money kind.
    toolSchema: payloadSchema({ kind: item!.kind, toolSchema: tool?.schema ?? null }) ?? null,
    tool: tool ? { app: tool.app, key: tool.key } : null,
    requestedByUserId: a.requested_by_user_id,
    agent,
    origin: originOf(a.origin),
    evidence,
    decisions,
    audit,
    messages,
    changeset: await changesetOf(db, a),
  }
}

const ROUTES = new Set(['auto', 'required', 'four_eyes', 'deny'])

/** approvals.origin as the detail shows it; anything malformed reads as unknown, never as a crash. */
function originOf(o: Record<string, unknown> | null): ApprovalDetail['origin'] {
  if (!o || typeof o !== 'object') return null
  const text = (v: unknown) => (typeof v === 'string' ? v : null)
  const policyId = text(o['policy_id'])
  const route = text(o['route'])
  return {
    agentName: text(o['agent_name']),
    externalId: text(o['external_id']),
    policyId: policyId && /^[0-9a-f-]{36}$/i.test(policyId) ? policyId : null,
    policyName: text(o['policy_name']),
    route: route && ROUTES.has(route) ? (route as 'auto') : null,
    rule: text(o['rule']),
  }
}

async function toolOf(db: PGliteInterface, a: ApprovalRow) {
  if (!a.action_id) return null
  const res = await db.query<{ app: string; key: string; json_schema: unknown }>(
    `select ac.tool->>'app' as app, ac.tool->>'key' as key, t.json_schema
       from actions ac
       left join tools t on t.tenant_id = ac.tenant_id and t.app = ac.tool->>'app' and t.tool_key = ac.tool->>'key'
                        and t.deleted_at is null
      where ac.id = $1`,
    [a.action_id],
  )
  const row = res.rows[0]
  return row ? { app: row.app, key: row.key, schema: row.json_schema ?? null } : null
}

export async function agentOf(db: PGliteInterface, agentId: string | null): Promise<ApprovalDetail['agent']> {
  if (!agentId) return null
  const res = await db.query<AgentRow>(`select ${AGENT_COLUMNS} from agents g where g.id = $1`, [agentId])
  const g = res.rows[0]
  return g ? toAgentSummary(g) : null
}

async function evidenceOf(db: PGliteInterface, evidence: unknown): Promise<ApprovalDetail['evidence']> {
  if (!Array.isArray(evidence)) return []
  const out: ApprovalDetail['evidence'] = []
  for (const ref of evidence.slice(0, 50)) {
    if (!ref || typeof ref !== 'object') continue
    const { table, id } = ref as { table?: unknown; id?: unknown }
    if (typeof table !== 'string' || typeof id !== 'string' || !Object.hasOwn(EVIDENCE_LABELS, table)) continue
    if (!/^[0-9a-f-]{36}$/i.test(id)) continue
    const res = await db
      .query<{ row: Record<string, unknown> }>(`select to_jsonb(t) as row from ${quoteIdent(table)} t where t.id = $1`, [id])
      .catch(() => ({ rows: [] as { row: Record<string, unknown> }[] }))
    const row = res.rows[0]?.row
    if (!row || row.deleted_at) continue
    const fields: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(row)) if (!isHiddenField(k)) fields[k] = v
    out.push({ table, id, label: EVIDENCE_LABELS[table]!(row), fields })
  }
  return journalEntries(out)
}

/** What a journal line keeps once it sits in its entry's list (the entry carries the rest). */
const LINE_FIELDS = ['line_no', 'account_id', 'account', 'description', 'amount', 'debit', 'credit']

/**
 * A posted journal entry is one piece of evidence, not one per line: its lines are rows of
 * journal_postings, and listed one by one they read as the posting's lines shown a second time.
 * Lines of one entry (same tran_id) become one row holding them as a list; the entry's own fields
 * (date, period, memo, currency) are said once.
 */
function journalEntries(evidence: ApprovalDetail['evidence']): ApprovalDetail['evidence'] {
  const entries = new Map<string, ApprovalDetail['evidence'][number]>()
  const out: ApprovalDetail['evidence'] = []
  for (const e of evidence) {
    const tranId = e.table === 'journal_postings' ? str(e.fields['tran_id']) : null
    if (!tranId) {
      out.push(e)
      continue
    }
    const line = Object.fromEntries(LINE_FIELDS.filter((k) => k in e.fields).map((k) => [k, e.fields[k]]))
    const entry = entries.get(tranId)
    if (entry) {
      ;(entry.fields['lines'] as unknown[]).push(line)
      continue
    }
    const head = Object.fromEntries(Object.entries(e.fields).filter(([k]) => !LINE_FIELDS.includes(k) && k !== 'source_id'))
    const created = { table: e.table, id: e.id, label: `Journal entry ${tranId}`, fields: { ...head, lines: [line] } }
    entries.set(tranId, created)
    out.push(created)
  }
  return out
}

async function decisionsOf(db: PGliteInterface, approvalId: string): Promise<ApprovalDetail['decisions']> {
  const res = await db.query<{
    id: string
    decision: ApprovalDetail['decisions'][number]['decision']
    actor_id: string
    actor_name: string | null
    on_behalf_of: string | null
    reason: string | null
    created_at: Date
  }>(
    `select d.id, d.decision, d.actor_id, coalesce(p.full_name, p.email) as actor_name, d.on_behalf_of, d.reason, d.created_at
       from approval_decisions d left join profiles p on p.id = d.actor_id
      where d.approval_id = $1 order by d.created_at, d.id`,
    [approvalId],
  )
  return res.rows.map((d) => ({
    id: d.id,
    decision: d.decision,
    actorId: d.actor_id,
    actorName: d.actor_name,
    onBehalfOf: d.on_behalf_of,
    reason: d.reason,
    createdAt: d.created_at.toISOString(),
  }))
}

async function auditOf(db: PGliteInterface, approvalId: string): Promise<ApprovalDetail['audit']> {
  return namedAudit(
    db,
    `select ${AUDIT_COLUMNS} from audit_log where entity_id = $1 order by occurred_at, audit_log.id limit 200`,
    'l.occurred_at, l.id::bigint',
    [approvalId],
  )
}

async function messagesOf(db: PGliteInterface, userId: string, approvalId: string): Promise<ApprovalDetail['messages']> {
  const res = await db.query<{
    id: string
    from_type: 'user' | 'agent'
    from_id: string
    from_name: string | null
    body: string
    created_at: Date
    queued: boolean
  }>(
    `select m.id, case when m.from_user_id is not null then 'user' else 'agent' end as from_type,
            coalesce(m.from_user_id, m.from_agent_id) as from_id,
            coalesce(p.full_name, p.email, g.name) as from_name, m.body, m.created_at, false as queued
       from messages m
       left join profiles p on p.id = m.from_user_id
       left join agents g on g.id = m.from_agent_id
      where m.approval_id = $1
        and (m.client_mutation_id is null or m.client_mutation_id not in (
              select client_mutation_id from pending_mutations where user_id = $2 and kind = 'message.send'
                and state in ('held', 'queued', 'sending')))
     union all
     select pm.client_mutation_id, 'user', pm.user_id, coalesce(p.full_name, p.email), pm.args->>'body', pm.created_at, true
       from pending_mutations pm left join profiles p on p.id = pm.user_id
      where pm.user_id = $2 and pm.kind = 'message.send' and pm.target_id = $1
        and (pm.state in ('held', 'queued', 'sending')
             or (pm.state = 'applied' and not exists (select 1 from messages m2 where m2.client_mutation_id = pm.client_mutation_id)))
     order by created_at`,
    [approvalId, userId],
  )
  return res.rows.map((m) => ({
    id: m.id,
    fromType: m.from_type,
    fromId: m.from_id,
    fromName: m.from_name,
    body: m.body,
    createdAt: m.created_at.toISOString(),
    queued: m.queued,
  }))
}

async function changesetOf(db: PGliteInterface, a: ApprovalRow): Promise<ApprovalDetail['changeset']> {
  const payload = (a.payload ?? {}) as Record<string, unknown>
  let id = typeof payload.changeset_id === 'string' ? payload.changeset_id : null
  if (!id && Array.isArray(a.evidence)) {
    const ref = (a.evidence as { table?: unknown; id?: unknown }[]).find((e) => e?.table === 'changesets')
    id = typeof ref?.id === 'string' ? ref.id : null
  }
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null
  const cs = await db.query<{ id: string; title: string; status: string }>(
    `select id, title, status from changesets where id = $1 and deleted_at is null`,
    [id],
  )
  const row = cs.rows[0]
  if (!row) return null
  const patches = await db.query<{ path: string; diff: string }>(
    `select path, diff from changeset_patches where changeset_id = $1 and deleted_at is null order by position, path`,
    [id],
  )
  return { ...row, patches: patches.rows }
}
