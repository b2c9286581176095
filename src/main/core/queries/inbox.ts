// The inbox: pending approvals the reviewer can act on now, most urgent first (expiring soon, then
// risk, then age). It is derived from synced rows plus the reviewer's intents — an approval with a
// queued decision is left out, one whose decision was refused comes back carrying the refusal —
// and never by editing a synced row. Each urgency bucket follows its own index, so the first page
// is read without sorting the whole table.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { ApprovalListItem, InboxFilter } from '../../../shared/contract-domain'
import { APPROVAL_SEARCH_EXPR } from '../replica/view-indexes'
import { loadReviewerContext, preflight, type ReviewerContext } from './standing'

/** Items expiring within this window sort before everything else. */
export const EXPIRING_SOON_MS = 4 * 60 * 60 * 1000

export class SqlParams {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/**
 * The inbox condition on `a` (approvals): pending, live, visible, not hidden by my snooze, not
 * already decided by me, and not carrying an intent of mine still on its way.
 */
export function inboxWhere(p: SqlParams, userId: string, now: Date, filter: InboxFilter): string {
  const me = p.add(userId)
  const at = p.add(now)
  const where = [
    `a.status = 'pending'`,
    `a.deleted_at is null`,
    `(a.expires_at is null or a.expires_at > ${at})`,
    `a.id not in (select d.approval_id from approval_decisions d where d.actor_id = ${me})`,
    `not exists (select 1 from pending_mutations pm where pm.target_id = a.id and pm.user_id = ${me} and (
        (pm.kind = 'approval.decide' and (pm.state in ('held', 'queued', 'sending')
          or (pm.state = 'applied' and a.version <= (pm.args->>'version_seen')::int)))
        or (pm.kind = 'snooze.set' and pm.state in ('held', 'queued', 'sending', 'applied')
          and (pm.args->>'until')::timestamptz > ${at}
          and (pm.state <> 'applied' or not exists (select 1 from review_snoozes s2
                where s2.approval_id = a.id and s2.user_id = ${me} and s2.updated_at >= pm.created_at)))))`,
    `a.id not in (select s.approval_id from review_snoozes s where s.user_id = ${me} and s.until > ${at}
        and not exists (select 1 from pending_mutations pu where pu.target_id = s.approval_id and pu.user_id = ${me}
          and pu.kind = 'snooze.set' and pu.state in ('held', 'queued', 'sending') and pu.args->>'until' is null))`,
  ]
  if (filter.kinds && filter.kinds.length > 0) where.push(`a.kind = any(${p.add(filter.kinds)}::text[])`)
  if (filter.minRisk !== undefined) where.push(`a.risk_level >= ${p.add(filter.minRisk)}`)
  if (filter.agentId) where.push(`a.requested_by_agent_id = ${p.add(filter.agentId)}`)
  if (filter.tenantId) where.push(`a.tenant_id = ${p.add(filter.tenantId)}`)
  if (filter.amountMin !== undefined) where.push(`a.amount >= ${p.add(filter.amountMin)}`)
  if (filter.amountMax !== undefined) where.push(`a.amount <= ${p.add(filter.amountMax)}`)
  const text = filter.text?.trim().toLowerCase()
  if (text) {
    // Every word must appear somewhere; the trigram index answers each ilike without a scan.
    for (const word of text.split(/\s+/).slice(0, 8)) {
      where.push(`${APPROVAL_SEARCH_EXPR} like ${p.add(`%${escapeLike(word)}%`)}`)
    }
  }
  return where.join('\n    and ')
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

interface InboxRow {
  id: string
  tenant_id: string
  kind: ApprovalListItem['kind']
  title: string
  risk_level: number
  amount: string | null
  currency: string | null
  counterparty: string | null
  status: ApprovalListItem['status']
  created_at: Date
  expires_at: Date | null
  agent_id: string | null
  agent_name: string | null
  policy_flags: string[]
  required_approvals: number
  requested_by_user_id: string | null
  approver_ids: string[]
}

const ITEM_COLUMNS = `a.id, a.tenant_id, a.kind, a.title, a.risk_level, a.amount::text as amount, a.currency::text as currency,
  a.counterparty, a.status, a.created_at, a.expires_at, a.requested_by_agent_id as agent_id, a.policy_flags,
  a.required_approvals, a.requested_by_user_id, a.approver_ids`

export interface InboxPage {
  items: ApprovalListItem[]
  total: number
}

export async function listInbox(
  db: PGliteInterface,
  userId: string,
  now: Date,
  filter: InboxFilter,
  limit: number,
  offset: number,
  ctx?: ReviewerContext,
): Promise<InboxPage> {
  const p = new SqlParams()
  const where = inboxWhere(p, userId, now, filter)
  const sharedParams = p.values.length
  const soon = p.add(new Date(now.getTime() + EXPIRING_SOON_MS))
  const upto = p.add(limit + offset)
  const lim = p.add(limit)
  const off = p.add(offset)
  // Two buckets, each read in index order and cut at offset+limit, then merged.
  const sql = `
    select * from (
      (select ${ITEM_COLUMNS}, 0 as bucket from approvals a
        where ${where} and a.expires_at <= ${soon}
        order by a.expires_at, a.risk_level desc limit ${upto})
      union all
      (select ${ITEM_COLUMNS}, 1 as bucket from approvals a
        where ${where} and (a.expires_at is null or a.expires_at > ${soon})
        order by a.risk_level desc, a.created_at, a.id limit ${upto})
    ) page
    order by bucket, case when bucket = 0 then expires_at end, risk_level desc, created_at, id
    limit ${lim} offset ${off}`
  const countSql = `select count(*)::int as n from approvals a where ${where}`
  const [rows, count] = await Promise.all([
    db.query<InboxRow>(sql, p.values),
    db.query<{ n: number }>(countSql, p.values.slice(0, sharedParams)),
  ])
  const reviewer = ctx ?? (await loadReviewerContext(db, userId, now))
  const items = await decorate(db, reviewer, rows.rows)
  return { items, total: count.rows[0]?.n ?? 0 }
}

/** Adds what a list row shows beyond the approval itself: agent, approvals so far, refusals, pre-flight. */
export async function decorate(db: PGliteInterface, ctx: ReviewerContext, rows: InboxRow[]): Promise<ApprovalListItem[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [agents, approvals, refusals, mine] = await Promise.all([
    db.query<{ id: string; name: string }>(`select id, name from agents where id = any($1::uuid[])`, [
      [...new Set(rows.map((r) => r.agent_id).filter((x): x is string => x !== null))],
    ]),
    db.query<{ approval_id: string; n: number }>(
      `select approval_id, count(*)::int as n from approval_decisions
        where approval_id = any($1::uuid[]) and decision in ('approve', 'approve_with_edits')
        group by approval_id`,
      [ids],
    ),
    db.query<{ target_id: string; refusal_code: string; refusal_message: string | null }>(
      `select distinct on (target_id) target_id, refusal_code, refusal_message from pending_mutations
        where target_id = any($1::uuid[]) and user_id = $2 and kind = 'approval.decide'
          and state in ('rejected', 'conflict') and dismissed_at is null
        order by target_id, seq desc`,
      [ids, ctx.userId],
    ),
    db.query<{ approval_id: string }>(
      `select distinct approval_id from approval_decisions where approval_id = any($1::uuid[]) and actor_id = $2`,
      [ids, ctx.userId],
    ),
  ])
  const agentName = new Map(agents.rows.map((a) => [a.id, a.name]))
  const soFar = new Map(approvals.rows.map((a) => [a.approval_id, a.n]))
  const refusal = new Map(refusals.rows.map((r) => [r.target_id, r]))
  const decidedByMe = new Set(mine.rows.map((r) => r.approval_id))
  return rows.map((r) => {
    const refused = refusal.get(r.id)
    return {
      id: r.id,
      tenantId: r.tenant_id,
      kind: r.kind,
      title: r.title,
      riskLevel: r.risk_level,
      amount: r.amount,
      currency: r.currency,
      counterparty: r.counterparty,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      expiresAt: r.expires_at ? r.expires_at.toISOString() : null,
      agentId: r.agent_id,
      agentName: r.agent_id ? (agentName.get(r.agent_id) ?? null) : null,
      policyFlags: r.policy_flags ?? [],
      requiredApprovals: r.required_approvals,
      approvalsSoFar: soFar.get(r.id) ?? 0,
      lastRefusal: refused ? { code: refused.refusal_code, message: refused.refusal_message ?? refused.refusal_code } : null,
      preflight: preflight(ctx, {
        tenantId: r.tenant_id,
        riskLevel: r.risk_level,
        amount: r.amount,
        status: r.status,
        expiresAt: r.expires_at,
        requestedByUserId: r.requested_by_user_id,
        approverIds: r.approver_ids ?? [],
        decidedByMe: decidedByMe.has(r.id),
      }),
    }
  })
}

export type { InboxRow }
