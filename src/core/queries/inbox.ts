// The inbox: pending approvals the reviewer can act on now, most urgent first (expiring soon, then
// risk, then age). It is derived from synced rows plus the reviewer's intents — an approval with a
// queued decision is left out, one whose decision was refused comes back carrying the refusal —
// and never by editing a synced row. Each urgency bucket follows its own index, so the first page
// is read without sorting the whole table.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { ApprovalListItem, InboxFilter } from '../../shared/contract-domain'
import { APPROVAL_SEARCH_EXPR } from '../replica/view-indexes'
import { laneCondition } from './lanes'
import { SqlParams } from './sql-params'
import { preflight, subjectFromRow, type ReviewerContext } from './standing'

/** Items expiring within this window sort before everything else. */
export const EXPIRING_SOON_MS = 4 * 60 * 60 * 1000

/**
 * The inbox condition on `a` (approvals): pending, not among the reviewer's exclusions (decided by
 * them, decision on its way, snoozed: see hidden.ts), and the reviewer's filters. Expiry is left to
 * the caller, which splits it into urgency buckets that each follow an index.
 */
export function inboxWhere(p: SqlParams, hidden: string[], filter: InboxFilter): string {
  const where = [`a.status = 'pending'`, `a.deleted_at is null`]
  if (hidden.length > 0) where.push(`a.id <> all(${p.add(hidden)}::uuid[])`)
  if (filter.kinds && filter.kinds.length > 0) where.push(`a.kind = any(${p.add(filter.kinds)}::text[])`)
  if (filter.minRisk !== undefined) where.push(`a.risk_level >= ${p.add(filter.minRisk)}`)
  if (filter.agentId) where.push(`a.requested_by_agent_id = ${p.add(filter.agentId)}`)
  if (filter.tenantId) where.push(`a.tenant_id = ${p.add(filter.tenantId)}`)
  if (filter.amountMin !== undefined) where.push(`a.amount >= ${p.add(filter.amountMin)}`)
  if (filter.amountMax !== undefined) where.push(`a.amount <= ${p.add(filter.amountMax)}`)
  if (filter.currency) where.push(`a.currency = ${p.add(filter.currency)}`)
  const text = filter.text?.trim().toLowerCase()
  if (text) {
    // Every word must appear somewhere; the trigram index answers each like without a scan.
    for (const word of text.split(/\s+/).slice(0, 8)) {
      where.push(`${APPROVAL_SEARCH_EXPR} like ${p.add(`%${escapeLike(word)}%`)}`)
    }
  }
  return where.join('\n    and ')
}

/** Not yet expired at `at` (a parameter holding now): what "can be decided now" means for time. */
export function liveAt(at: string): string {
  return `(a.expires_at is null or a.expires_at > ${at})`
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

interface ItemRow {
  id: string
  tenant_id: string
  kind: ApprovalListItem['kind']
  title: string
  risk_level: number
  amount: string | null
  currency: string | null
  counterparty: string | null
  status: ApprovalListItem['status']
  created_at: string
  expires_at: string | null
  agent_id: string | null
  agent_name: string | null
  policy_flags: string[]
  required_approvals: number
  requested_by_user_id: string | null
  approver_ids: string[]
  version: number
  payload_hash: string
  payload: unknown
  tool_app: string | null
  tool_key: string | null
  approvals_so_far: number
  approved_this_payload_by: string[]
  refusal_code: string | null
  refusal_message: string | null
}

/**
 * Everything a list row shows, for the approvals named by `source` (a relation with `id`, and
 * `ord` to keep its order): the approval, its agent, approvals so far, my last refusal on it.
 */
export function itemsSql(source: string, me: string): string {
  return `with src as ${source}
    select src.ord, a.id, a.tenant_id, a.kind, a.title, a.risk_level, a.amount::text as amount, a.currency::text as currency,
      a.counterparty, a.status, a.created_at, a.expires_at, a.requested_by_agent_id as agent_id, g.name as agent_name,
      a.policy_flags, a.required_approvals, a.requested_by_user_id, a.approver_ids,
      a.version, a.payload_hash, a.payload, ac.tool ->> 'app' as tool_app, ac.tool ->> 'key' as tool_key,
      coalesce(d.approvals, 0)::int as approvals_so_far, coalesce(d.approvers, '{}') as approved_this_payload_by,
      r.refusal_code, r.refusal_message
    from src
    join approvals a on a.id = src.id
    left join agents g on g.id = a.requested_by_agent_id
    left join actions ac on ac.id = a.action_id
    -- One pass over the page's decisions instead of a subquery per row. Four-eyes counts approvals
    -- of the payload that will run (an edit restarts the count), one per principal.
    left join (
      select x.approval_id,
             count(distinct coalesce(x.on_behalf_of, x.actor_id)) as approvals,
             array_remove(array_agg(x.actor_id) || array_agg(x.on_behalf_of), null) as approvers
        from approval_decisions x join approvals y on y.id = x.approval_id
       where x.approval_id in (select id from src) and x.payload_hash_approved = y.payload_hash
       group by x.approval_id) d on d.approval_id = a.id
    left join lateral (
      select pm.refusal_code, pm.refusal_message from pending_mutations pm
       where pm.target_id = a.id and pm.user_id = ${me} and pm.kind = 'approval.decide'
         and pm.state in ('rejected', 'conflict') and pm.dismissed_at is null
       order by pm.seq desc limit 1) r on true`
}

/**
 * The rows as one JSON document: PGlite then hands back a single value that JSON.parse reads
 * natively, instead of decoding every column of every row in JavaScript (the largest part, and
 * the jitter, of a page's time). `extra` adds columns beside the rows (the page's total).
 */
function asJson(itemsQuery: string, extra = ''): string {
  return `select coalesce((select json_agg(x order by x.ord) from (${itemsQuery}) x), '[]') as rows ${extra}`
}

export interface InboxPage {
  items: ApprovalListItem[]
  total: number
}

export async function listInbox(
  db: PGliteInterface,
  ctx: ReviewerContext,
  hidden: string[],
  filter: InboxFilter,
  limit: number,
  offset: number,
  /** The Others lane (lanes.ts), needed when the filter names a lane. */
  others: string[] = [],
): Promise<InboxPage> {
  const { userId, now } = ctx
  const p = new SqlParams()
  let where = inboxWhere(p, hidden, filter)
  if (filter.lane) where += `\n    and ${laneCondition(filter.lane, p.add(others))}`
  const at = p.add(now)
  const soon = p.add(new Date(now.getTime() + EXPIRING_SOON_MS))
  const upto = p.add(limit + offset)
  const lim = p.add(limit)
  const off = p.add(offset)
  const me = p.add(userId)
  // Two urgency buckets, each read in its index's order and cut at offset+limit, then merged; only
  // the page's rows are then dressed with what the list shows.
  const page = `(select id, row_number() over () as ord from (
      select * from (
        (select a.id, 0 as bucket, a.expires_at, a.risk_level, a.created_at from approvals a
          where ${where} and a.expires_at > ${at} and a.expires_at <= ${soon}
          order by a.expires_at, a.risk_level desc limit ${upto})
        union all
        (select a.id, 1 as bucket, a.expires_at, a.risk_level, a.created_at from approvals a
          where ${where} and (a.expires_at is null or a.expires_at > ${soon})
          order by a.risk_level desc, a.created_at, a.id limit ${upto})
      ) u
      order by bucket, case when bucket = 0 then expires_at end, risk_level desc, created_at, id
      limit ${lim} offset ${off}) ordered)`
  // One round trip: the page's rows and the filter's total (a plain count over the covering index).
  const total = `, (select count(*) from approvals a where ${where} and ${liveAt(at)})::int as total`
  const res = await db.query<{ rows: ItemRow[]; total: number }>(asJson(itemsSql(page, me), total), p.values)
  const out = res.rows[0]
  return { items: (out?.rows ?? []).map((r) => toItem(ctx, r)), total: out?.total ?? 0 }
}

/** A word the palette reads as an amount to look for: "1250", "1,250.50". */
const AMOUNT_WORD = /^\d[\d,]*(\.\d{1,2})?$/

/**
 * Pending requests (either lane) matching what was typed in the palette: every word in the title,
 * counterparty or kind (the trigram index), except a number, which may also be the amount itself.
 * Ordered like the inbox's main bucket (riskiest, then oldest), at most `limit`.
 */
export async function findInInbox(db: PGliteInterface, ctx: ReviewerContext, hidden: string[], query: string, limit: number): Promise<ApprovalListItem[]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)
  const amounts = words.filter((w) => AMOUNT_WORD.test(w))
  const p = new SqlParams()
  let where = inboxWhere(p, hidden, { text: words.filter((w) => !AMOUNT_WORD.test(w)).join(' ') || undefined })
  for (const w of amounts) {
    const n = Number(w.replace(/,/g, ''))
    where += `\n    and (a.amount = ${p.add(n)} or ${APPROVAL_SEARCH_EXPR} like ${p.add(`%${escapeLike(w)}%`)})`
  }
  const at = p.add(ctx.now)
  const lim = p.add(limit)
  const me = p.add(ctx.userId)
  const found = `(select id, row_number() over () as ord from (
      select a.id from approvals a where ${where} and ${liveAt(at)}
      order by a.risk_level desc, a.created_at, a.id limit ${lim}) f)`
  const res = await db.query<{ rows: ItemRow[] }>(asJson(itemsSql(found, me)), p.values)
  return (res.rows[0]?.rows ?? []).map((r) => toItem(ctx, r))
}

/** List rows for the given approvals (any status), in the given order: the detail view's header. */
export async function itemsById(db: PGliteInterface, ctx: ReviewerContext, ids: string[]): Promise<ApprovalListItem[]> {
  if (ids.length === 0) return []
  const res = await db.query<{ rows: ItemRow[] }>(
    asJson(itemsSql(`(select id, ord from unnest($1::uuid[]) with ordinality as x(id, ord))`, '$2')),
    [ids, ctx.userId],
  )
  return (res.rows[0]?.rows ?? []).map((r) => toItem(ctx, r))
}

function toItem(ctx: ReviewerContext, r: ItemRow): ApprovalListItem {
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
    createdAt: isoOf(r.created_at),
    expiresAt: r.expires_at ? isoOf(r.expires_at) : null,
    agentId: r.agent_id,
    agentName: r.agent_name,
    policyFlags: r.policy_flags ?? [],
    requiredApprovals: r.required_approvals,
    approvalsSoFar: r.approvals_so_far,
    lastRefusal: r.refusal_code ? { code: r.refusal_code, message: r.refusal_message ?? r.refusal_code } : null,
    preflight: preflight(ctx, subjectFromRow({ ...r, approvers: r.approved_this_payload_by })),
  }
}

/** JSON renders timestamps with the session's offset; the contract speaks UTC ISO 8601. */
function isoOf(value: string): string {
  return new Date(value).toISOString()
}
