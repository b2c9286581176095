// The inbox: pending approvals the reviewer can act on now, most urgent first (expiring soon, then
// risk, then age). It is derived from synced rows plus the reviewer's intents — an approval with a
// queued decision is left out, one whose decision was refused comes back carrying the refusal —
// and never by editing a synced row. Each urgency bucket follows its own index, so the first page
// is read without sorting the whole table.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { ApprovalListItem, InboxFilter } from '../../shared/contract-domain'
import type { Refusal } from '../../shared/decision-rules'
import type { ReplicaReads } from '../replica/prepared'
import { APPROVAL_SEARCH_EXPR } from '../replica/view-indexes'
import { laneCondition, type OthersLane } from './lanes'
import { SqlParams } from './sql-params'
import { preflight, SHOWN_SUBJECT_COLUMNS, SUBJECT_COLUMNS, subjectFromRow, type ReviewerContext, type SubjectRow } from './standing'

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

/** What a list row shows. */
interface ItemRow {
  id: string
  tenant_id: string
  kind: ApprovalListItem['kind']
  status: ApprovalListItem['status']
  expires_at: string | null
  risk_level: number
  amount: string | null
  currency: string | null
  title: string
  counterparty: string | null
  created_at: string
  agent_id: string | null
  agent_name: string | null
  policy_flags: string[]
  required_approvals: number
  /** Who each approval of the current payload counts for (the same person may appear twice). */
  principals: string[]
  refusal_code: string | null
  refusal_message: string | null
}

/** A list row with the rules' facts about the approval, to judge its pre-flight from. */
type JudgedItemRow = ItemRow & SubjectRow

/**
 * Everything a list row shows, for the approvals named by `source` (a relation with `id`, and
 * `ord` to keep its order): the approval, its agent, approvals so far, my last refusal on it; and
 * with `facts`, what the rules read of it (its payload, its tool, who approved it), for rows whose
 * pre-flight no lane has judged.
 */
export function itemsSql(source: string, me: string, facts: boolean): string {
  // The agent is a lookup by key, the decisions a lateral read of the row's own, my refusals one
  // join on the few there are: PGlite plans this query on every call, and with less to reorder it
  // plans in about half the time. No per-row sort either (a count distinct or an order by per row
  // costs more than the lookups themselves): the principals are counted from their list, and the
  // latest refusal per approval is picked once.
  // With the rules' facts: the approval's own, its tool, and who approved its payload in person or for whom.
  const columns = facts ? `${SUBJECT_COLUMNS}, coalesce(d.approvers, '{}') as approvers` : SHOWN_SUBJECT_COLUMNS
  const tool = facts ? `left join actions ac on ac.id = a.action_id` : ''
  const approvers = facts ? `, array_remove(array_agg(x.actor_id) || array_agg(x.on_behalf_of), null) as approvers` : ''
  return `with src as ${source},
    refused as (
      select distinct on (pm.target_id) pm.target_id, pm.refusal_code, pm.refusal_message from pending_mutations pm
       where pm.user_id = ${me} and pm.state in ('rejected', 'conflict') and pm.kind = 'approval.decide'
         and pm.dismissed_at is null
       order by pm.target_id, pm.seq desc)
    select src.ord, a.id, ${columns},
      a.title, a.counterparty, a.created_at, a.requested_by_agent_id as agent_id,
      (select g.name from agents g where g.id = a.requested_by_agent_id) as agent_name,
      a.policy_flags, a.required_approvals, coalesce(d.principals, '{}') as principals,
      r.refusal_code, r.refusal_message
    from src
    join approvals a on a.id = src.id
    ${tool}
    -- Four-eyes counts approvals of the payload that will run (an edit restarts the count), one per
    -- principal: the person, or whom they approved for.
    left join lateral (
      select array_agg(coalesce(x.on_behalf_of, x.actor_id)) as principals${approvers}
        from approval_decisions x
       where x.approval_id = a.id and x.payload_hash_approved = a.payload_hash) d on true
    left join refused r on r.target_id = a.id`
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
  db: ReplicaReads,
  ctx: ReviewerContext,
  hidden: string[],
  filter: InboxFilter,
  limit: number,
  offset: number,
  /** The Others lane (lanes.ts): the lane a filter names, and each row's pre-flight. */
  lane: OthersLane,
  /** Totals already counted for this filter (the page itself is always read). */
  totals?: InboxTotals,
): Promise<InboxPage> {
  const { userId, now } = ctx
  const others = lane.ids
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
  // the page's rows are then dressed with what the list shows. Each cut orders exactly as the merge
  // does, ties included: a cut that broke ties its own way kept different rows for different
  // offsets, and paging met some requests twice and others never (test/core/inbox-paging).
  const page = `(select id, row_number() over () as ord from (
      select * from (
        (select a.id, 0 as bucket, a.expires_at, a.risk_level, a.created_at from approvals a
          where ${where} and a.expires_at > ${at} and a.expires_at <= ${soon}
          order by a.expires_at, a.risk_level desc, a.created_at, a.id limit ${upto})
        union all
        (select a.id, 1 as bucket, a.expires_at, a.risk_level, a.created_at from approvals a
          where ${where} and (a.expires_at is null or a.expires_at > ${soon})
          order by a.risk_level desc, a.created_at, a.id limit ${upto})
      ) u
      order by bucket, case when bucket = 0 then expires_at end, risk_level desc, created_at, id
      limit ${lim} offset ${off}) ordered)`
  // One round trip: the page's rows and, unless already known, the filter's total (a count over the
  // covering index: the largest part of the query) with the moment it goes stale by time alone.
  const kept = totals?.get(filter, hidden, others, now)
  const total =
    kept === undefined
      ? `, (select count(*) from approvals a where ${where} and ${liveAt(at)})::int as total,
           (select extract(epoch from min(a.expires_at)) * 1000 from approvals a
             where a.status = 'pending' and a.deleted_at is null and a.expires_at > ${at})::float8 as next_expiry`
      : ''
  const version = totals?.version()
  const res = await db.query<{ rows: ItemRow[]; total?: number; next_expiry?: number | null }>(asJson(itemsSql(page, me, false), total), p.values)
  const out = res.rows[0]
  if (kept === undefined && out?.total !== undefined && version !== undefined) {
    totals?.set(version, filter, hidden, others, now, out.total, out.next_expiry ?? null)
  }
  return { items: (out?.rows ?? []).map((r) => toItem(r, refusalIn(lane, r.id))), total: kept ?? out?.total ?? 0 }
}

// A total counts approvals minus the exclusions (and, for a lane, in or out of the Others list):
// what decisions, snoozes, my intents and my standing do to it reaches it through those lists,
// each a new array exactly when it holds other approvals (derived-cache.ts).
const TOTAL_SOURCES = new Set(['approvals'])
/** Filters whose totals are kept at once: the views and lanes a reviewer moves between. */
const KEPT_TOTALS = 64

/**
 * The inbox's total per filter, kept while paging or coming back to a view: until a table it reads
 * changes, the next pending approval expires, or the exclusions (or, for a lane, the Others list)
 * are read anew — their caches hand back the same list until then, so a new list means stale totals.
 */
export class InboxTotals {
  private current = 0
  private kept: {
    version: number
    hidden: string[]
    at: number
    nextExpiry: number | null
    byFilter: Map<string, { total: number; others: string[] | null }>
  } | null = null

  invalidate(tables?: string[]): void {
    if (!tables || tables.some((t) => TOTAL_SOURCES.has(t))) this.current += 1
  }

  /** Read before the query: a change while it runs leaves its total unkept. */
  version(): number {
    return this.current
  }

  get(filter: InboxFilter, hidden: string[], others: string[], now: Date): number | undefined {
    const k = this.kept
    const t = now.getTime()
    if (!k || k.version !== this.current || k.hidden !== hidden || t < k.at || (k.nextExpiry !== null && t >= k.nextExpiry)) return undefined
    const entry = k.byFilter.get(filterKey(filter))
    return entry && (!filter.lane || entry.others === others) ? entry.total : undefined
  }

  set(version: number, filter: InboxFilter, hidden: string[], others: string[], now: Date, total: number, nextExpiry: number | null): void {
    if (version !== this.current) return
    const k = this.kept
    const same = k && k.version === version && k.hidden === hidden && k.nextExpiry === nextExpiry
    const kept = same && k.byFilter.size < KEPT_TOTALS ? k : { version, hidden, at: now.getTime(), nextExpiry, byFilter: new Map() }
    kept.byFilter.set(filterKey(filter), { total, others: filter.lane ? others : null })
    this.kept = kept
  }
}

/** The same filter gives the same key whatever order its fields and kinds came in. */
function filterKey(filter: InboxFilter): string {
  const f: Record<string, unknown> = { ...filter }
  if (filter.kinds) f.kinds = [...filter.kinds].sort()
  return JSON.stringify(Object.keys(f).sort().map((k) => [k, f[k]]))
}

/** A word the palette reads as an amount to look for: "1250", "1,250.50". */
const AMOUNT_WORD = /^\d[\d,]*(\.\d{1,2})?$/

/**
 * Pending requests (either lane) matching what was typed in the palette: every word in the title,
 * counterparty or kind (the trigram index), except a number, which may also be the amount itself.
 * Ordered like the inbox's main bucket (riskiest, then oldest), at most `limit`.
 */
export async function findInInbox(
  db: ReplicaReads,
  ctx: ReviewerContext,
  hidden: string[],
  /** The Others lane (lanes.ts): each row's pre-flight. */
  lane: OthersLane,
  query: string,
  limit: number,
): Promise<ApprovalListItem[]> {
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
  const res = await db.query<{ rows: ItemRow[] }>(asJson(itemsSql(found, me, false)), p.values)
  return (res.rows[0]?.rows ?? []).map((r) => toItem(r, refusalIn(lane, r.id)))
}

/** List rows for the given approvals (any status), in the given order: the detail view's header. */
export async function itemsById(db: PGliteInterface, ctx: ReviewerContext, ids: string[]): Promise<ApprovalListItem[]> {
  if (ids.length === 0) return []
  const res = await db.query<{ rows: JudgedItemRow[] }>(
    asJson(itemsSql(`(select id, ord from unnest($1::uuid[]) with ordinality as x(id, ord))`, '$2', true)),
    [ids, ctx.userId],
  )
  return (res.rows[0]?.rows ?? []).map((r) => toItem(r, preflight(ctx, subjectFromRow(r))))
}

/**
 * A pending, live approval's pre-flight as its lane was judged: a refusal for a member of Others,
 * none for one the reviewer may approve. Both readers ask for pending, live approvals only, which the
 * lane judged all of (lanes.ts). It is what the row shows; a decision is judged afresh when it is
 * made (queue/create.ts), whatever the row said.
 */
function refusalIn(lane: OthersLane, id: string): Refusal | null {
  return lane.refusals.get(id) ?? null
}

function toItem(r: ItemRow, preflight: Refusal | null): ApprovalListItem {
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
    approvalsSoFar: new Set(r.principals).size,
    lastRefusal: r.refusal_code ? { code: r.refusal_code, message: r.refusal_message ?? r.refusal_code } : null,
    preflight,
  }
}

/** JSON renders timestamps with the session's offset; the contract speaks UTC ISO 8601. */
function isoOf(value: string): string {
  return new Date(value).toISOString()
}
