// The reviewer's standing in each visible tenant, read from the replica: role, approval limit,
// risk ceiling, permissions, delegations (and their delegators' standing), tool schemas and
// exchange rates. Pre-flight evaluates the one rule set (src/shared/decision-rules.ts) over it to
// say, before anything is sent, why the server would refuse a decision — with the server's code.
import type { PGliteInterface } from '@electric-sql/pglite'
import { canonicalJson } from '../../shared/audit-chain'
import { formatDecimal, parseDecimal, type Decimal } from '../../shared/decimal'
import {
  evaluateDecision,
  type ApprovalFacts,
  type DecisionInput,
  type DecisionKind,
  type DelegationFact,
  type MemberStanding,
  type Refusal,
  type ReviewerFacts,
} from '../../shared/decision-rules'
import { DerivedCache } from './derived-cache'

export interface Standing {
  role: string
  /** Base-currency limit as numeric text; null = no limit. */
  approvalLimit: string | null
  maxRisk: number
  /** null when the replica holds no role permissions yet: the check is left to the server. */
  permissions: Set<string> | null
}

interface TenantFacts {
  parentTenantId: string | null
  /** The parent is a holding: its members reach this tenant. */
  parentIsHolding: boolean
  baseCurrency: string
}

interface RateRow {
  from: string
  to: string
  validOn: string
  rate: Decimal
}

export interface ReviewerContext {
  userId: string
  now: Date
  /** My standing in each visible tenant (direct membership wins over one through the holding). */
  standing: Map<string, Standing>
  delegations: DelegationFact[]
  tenants: Map<string, TenantFacts>
  /** Memberships of the people who delegated to me, by tenant then user (their standing as delegators). */
  delegatorMembers: Map<string, Map<string, Standing>>
  /** Tool schemas by `${tenant_id}/${app}/${tool_key}`. */
  toolSchemas: Map<string, unknown>
  rates: RateRow[]
}

/** The approval as the rules read it (src/shared/decision-rules.ts ApprovalFacts), less the tenant's facts. */
export type PreflightSubject = Omit<ApprovalFacts, 'parentTenantId' | 'baseCurrency' | 'toolSchema'> & {
  tool: { app: string; key: string } | null
}

export async function loadReviewerContext(db: PGliteInterface, userId: string, now: Date): Promise<ReviewerContext> {
  const tenantRows = await db.query<{ id: string; parent_tenant_id: string | null; parent_kind: string | null; base_currency: string }>(
    `select t.id, t.parent_tenant_id, h.kind as parent_kind, t.base_currency::text as base_currency
       from tenants t left join tenants h on h.id = t.parent_tenant_id and h.is_active and h.deleted_at is null
      where t.is_active and t.deleted_at is null`,
  )
  const tenants = new Map<string, TenantFacts>()
  for (const t of tenantRows.rows) {
    tenants.set(t.id, { parentTenantId: t.parent_tenant_id, parentIsHolding: t.parent_kind === 'holding', baseCurrency: t.base_currency })
  }
  const perms = await db.query<{ role: string; permission: string }>('select role, permission from role_permissions')
  const byRole = new Map<string, Set<string>>()
  for (const p of perms.rows) {
    const set = byRole.get(p.role) ?? new Set<string>()
    set.add(p.permission)
    byRole.set(p.role, set)
  }
  const delegations = await db.query<{
    id: string
    delegator_id: string
    tenant_id: string
    risk_levels: number[]
    starts_at: Date
    ends_at: Date
  }>(
    `select id, delegator_id, tenant_id, risk_levels, starts_at, ends_at from approval_delegations
      where delegate_id = $1 and is_active and deleted_at is null and ends_at > $2`,
    [userId, now],
  )
  const people = [userId, ...new Set(delegations.rows.map((d) => d.delegator_id))]
  const members = await db.query<{ tenant_id: string; user_id: string; role: string; approval_limit: string | null; max_risk: number }>(
    `select tenant_id, user_id, role, approval_limit::text as approval_limit, max_risk
       from tenant_members where user_id = any ($1::uuid[]) and is_active and deleted_at is null`,
    [people],
  )
  // Each person's standing in every tenant: a direct membership, else one in the tenant's holding.
  const direct = new Map<string, Standing>()
  for (const m of members.rows) {
    direct.set(`${m.tenant_id}/${m.user_id}`, {
      role: m.role,
      approvalLimit: m.approval_limit,
      maxRisk: m.max_risk,
      permissions: perms.rows.length === 0 ? null : (byRole.get(m.role) ?? new Set()),
    })
  }
  const standingIn = (tenantId: string, user: string): Standing | undefined => {
    const t = tenants.get(tenantId)
    return direct.get(`${tenantId}/${user}`) ?? (t?.parentIsHolding ? direct.get(`${t.parentTenantId}/${user}`) : undefined)
  }
  const standing = new Map<string, Standing>()
  const delegatorMembers = new Map<string, Map<string, Standing>>()
  for (const tenantId of tenants.keys()) {
    const mine = standingIn(tenantId, userId)
    if (mine) standing.set(tenantId, mine)
    const theirs = new Map<string, Standing>()
    for (const p of people.slice(1)) {
      const s = standingIn(tenantId, p)
      if (s) theirs.set(p, s)
    }
    delegatorMembers.set(tenantId, theirs)
  }
  const tools = await db.query<{ tenant_id: string; app: string; tool_key: string; json_schema: unknown }>(
    `select tenant_id, app, tool_key, json_schema from tools where deleted_at is null`,
  )
  const rates = await db.query<{ from_currency: string; to_currency: string; valid_on: string; rate: string }>(
    `select from_currency::text as from_currency, to_currency::text as to_currency, valid_on::text as valid_on, rate::text as rate
       from fx_rates order by valid_on desc`,
  )
  return {
    userId,
    now,
    standing,
    tenants,
    delegatorMembers,
    delegations: delegations.rows.map((d) => ({
      id: d.id,
      delegatorId: d.delegator_id,
      tenantId: d.tenant_id,
      riskLevels: d.risk_levels,
      startsAt: new Date(d.starts_at),
      endsAt: new Date(d.ends_at),
    })),
    toolSchemas: new Map(tools.rows.map((t) => [`${t.tenant_id}/${t.app}/${t.tool_key}`, t.json_schema])),
    rates: rates.rows.map((r) => ({ from: r.from_currency, to: r.to_currency, validOn: r.valid_on, rate: parseDecimal(r.rate) as Decimal })),
  }
}

/** The rules' facts about approval `a` that an inbox row shows as well (inbox.ts reads these alone). */
export const SHOWN_SUBJECT_COLUMNS = `a.tenant_id, a.kind, a.status, a.expires_at, a.risk_level,
  a.amount::text as amount, a.currency::text as currency`

/**
 * The rules' facts about approval `a` (left-joined to its action as `ac`), named as SubjectRow names
 * them. `approvers` is left to each reader: SUBJECT_APPROVERS for a few rows, one join for a page.
 */
export const SUBJECT_COLUMNS = `${SHOWN_SUBJECT_COLUMNS}, a.version, a.payload_hash, a.payload,
  a.requested_by_user_id, a.approver_ids, ac.tool ->> 'app' as tool_app, ac.tool ->> 'key' as tool_key`

/** Who approved `a`'s current payload hash, in person or as the principal of a delegate. */
export const SUBJECT_APPROVERS = `(select array_remove(array_agg(d.actor_id) || array_agg(d.on_behalf_of), null)
    from approval_decisions d where d.approval_id = a.id and d.payload_hash_approved = a.payload_hash) as approvers`

/** The rules' facts about one approval as SQL hands them back (SUBJECT_COLUMNS and SUBJECT_APPROVERS). */
export interface SubjectRow {
  tenant_id: string
  kind: string
  status: string
  expires_at: Date | string | null
  version: number
  payload_hash: string
  payload: unknown
  risk_level: number
  amount: string | null
  currency: string | null
  requested_by_user_id: string | null
  approver_ids: string[] | null
  tool_app: string | null
  tool_key: string | null
  /** Who approved the current payload hash, in person or as the principal of a delegate. */
  approvers: string[] | null
}

export function subjectFromRow(r: SubjectRow): PreflightSubject {
  return {
    tenantId: r.tenant_id,
    kind: r.kind,
    status: r.status,
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    version: r.version,
    payloadHash: r.payload_hash,
    payload: r.payload,
    riskLevel: r.risk_level,
    amount: r.amount,
    currency: r.currency,
    requestedByUserId: r.requested_by_user_id,
    approverIds: r.approver_ids ?? [],
    tool: r.tool_app && r.tool_key ? { app: r.tool_app, key: r.tool_key } : null,
    approvedThisPayloadBy: r.approvers ?? [],
  }
}

/** One approval as the rules read it, from the replica (or any database with the same tables). */
export async function loadPreflightSubject(db: PGliteInterface, approvalId: string): Promise<PreflightSubject | null> {
  const res = await db.query<SubjectRow>(
    `select ${SUBJECT_COLUMNS}, ${SUBJECT_APPROVERS}
       from approvals a left join actions ac on ac.id = a.action_id
      where a.id = $1 and a.deleted_at is null`,
    [approvalId],
  )
  const r = res.rows[0]
  return r ? subjectFromRow(r) : null
}

function asMember(s: Standing | undefined): MemberStanding | null {
  return s ? { role: s.role, approvalLimit: s.approvalLimit, maxRisk: s.maxRisk, permissions: s.permissions ?? new Set() } : null
}

/**
 * The rules' view of the reviewer in each tenant, built once per context: a list page asks it for
 * every row, and its facts depend only on the context (its moment included) and the tenant.
 */
const REVIEWER_FACTS = new WeakMap<ReviewerContext, Map<string, ReviewerFacts>>()

function reviewerFacts(ctx: ReviewerContext, tenantId: string): ReviewerFacts {
  let byTenant = REVIEWER_FACTS.get(ctx)
  if (!byTenant) REVIEWER_FACTS.set(ctx, (byTenant = new Map()))
  let facts = byTenant.get(tenantId)
  if (!facts) {
    const delegators = ctx.delegatorMembers.get(tenantId)
    facts = {
      userId: ctx.userId,
      now: ctx.now,
      member: asMember(ctx.standing.get(tenantId)),
      delegations: ctx.delegations,
      standingOf: (user) => asMember(user === ctx.userId ? ctx.standing.get(tenantId) : delegators?.get(user)),
      rate: (from, to, now) => {
        const day = now.toISOString().slice(0, 10)
        return ctx.rates.find((r) => r.from === from && r.to === to && r.validOn <= day)?.rate ?? null
      },
    }
    byTenant.set(tenantId, facts)
  }
  return facts
}

/** The rules' view of the reviewer and of one approval, from the replica. */
export function decisionFacts(ctx: ReviewerContext, a: PreflightSubject): { reviewer: ReviewerFacts; approval: ApprovalFacts | null } {
  const reviewer = reviewerFacts(ctx, a.tenantId)
  const tenant = ctx.tenants.get(a.tenantId)
  if (!tenant) return { reviewer, approval: null }
  const tool = a.tool
  // Spelled out rather than spread (`{ ...a }`): this runs for every list row.
  const approval: ApprovalFacts = {
    tenantId: a.tenantId,
    parentTenantId: tenant.parentTenantId,
    baseCurrency: tenant.baseCurrency,
    kind: a.kind,
    status: a.status,
    expiresAt: a.expiresAt,
    version: a.version,
    payloadHash: a.payloadHash,
    payload: a.payload,
    riskLevel: a.riskLevel,
    amount: a.amount,
    currency: a.currency,
    requestedByUserId: a.requestedByUserId,
    approverIds: a.approverIds,
    toolSchema: tool ? (ctx.toolSchemas.get(`${a.tenantId}/${tool.app}/${tool.key}`) ?? null) : null,
    approvedThisPayloadBy: a.approvedThisPayloadBy,
  }
  return { reviewer, approval }
}

/** A decision with nothing beside it (the list rows' pre-flight of a plain approve). */
const NO_INPUT: DecisionInput = Object.freeze({})

/**
 * Why the server would refuse this decision, when the replica can already tell (the rule set of
 * src/shared/decision-rules.ts, evaluated over the replica); null when it looks fine. Left to the
 * server when the replica has no role permissions yet.
 */
export function preflight(
  ctx: ReviewerContext,
  a: PreflightSubject,
  act: DecisionKind = 'approve',
  input: DecisionInput = NO_INPUT,
): Refusal | null {
  if (ctx.standing.get(a.tenantId)?.permissions === null) return null
  const facts = decisionFacts(ctx, a)
  return evaluateDecision(facts.reviewer, facts.approval, act, input).refusal
}

/**
 * The money an approval would release as the rules read it — from the edited payload when there is
 * one — as decimal text; null when the rules find none or would refuse the decision.
 */
export function releasedMoney(
  ctx: ReviewerContext,
  a: PreflightSubject,
  act: DecisionKind,
  input: DecisionInput = {},
): { amount: string; currency: string } | null {
  if (ctx.standing.get(a.tenantId)?.permissions === null) return null
  const facts = decisionFacts(ctx, a)
  const verdict = evaluateDecision(facts.reviewer, facts.approval, act, input)
  return verdict.refusal === null && verdict.money ? { amount: formatDecimal(verdict.money.amount), currency: verdict.money.currency } : null
}

/** Tables whose change can change a reviewer's standing. */
export const STANDING_TABLES = new Set(['tenants', 'tenant_members', 'role_permissions', 'approval_delegations', 'tools', 'fx_rates'])

/** A map as an object: canonicalJson writes its entries in key order, whatever order the rows came in. */
const entries = <V>(m: Map<string, V>, f: (v: V) => unknown = (v) => v) => Object.fromEntries([...m].map(([k, v]) => [k, f(v)]))

const standingFacts = (s: Standing) => [s.role, s.approvalLimit, s.maxRisk, s.permissions && [...s.permissions].sort()]

/** Each kept context's facts, written out once (a kept context is compared at every reading). */
const FACTS = new WeakMap<ReviewerContext, string>()

/**
 * Every fact of a context the rules read, as one text (its moment aside): two readings with the same
 * text give every approval the same verdict.
 */
function contextFacts(c: ReviewerContext): string {
  let facts = FACTS.get(c)
  if (facts === undefined) FACTS.set(c, (facts = writeFacts(c)))
  return facts
}

function writeFacts(c: ReviewerContext): string {
  return canonicalJson({
    userId: c.userId,
    standing: entries(c.standing, standingFacts),
    delegations: entries(new Map(c.delegations.map((d) => [d.id, d]))),
    tenants: entries(c.tenants),
    delegatorMembers: entries(c.delegatorMembers, (members) => entries(members, standingFacts)),
    toolSchemas: entries(c.toolSchemas),
    // A rate as decimal text: canonicalJson would turn its bigint units into a rounded number.
    rates: c.rates.map((r) => `${r.from}/${r.to}/${r.validOn}/${r.rate.units}e-${r.rate.scale}`).sort(),
  })
}

/**
 * The reviewer's context, read once and kept until a pull changes one of STANDING_TABLES (or a
 * minute passes, for delegations that start or end with time): every list row needs it. A context
 * read again with the same facts (a change to another reviewer's membership or delegation) is handed
 * back as the one kept, its maps the same objects: what was judged with it (the Others lane) stands.
 */
export class ReviewerContextCache extends DerivedCache<ReviewerContext> {
  constructor(
    private readonly db: PGliteInterface,
    private readonly userId: string,
  ) {
    super(STANDING_TABLES, 60_000, (kept, fresh) => contextFacts(kept) === contextFacts(fresh))
  }

  async get(now: Date): Promise<ReviewerContext> {
    const ctx = await this.read(now, () => loadReviewerContext(this.db, this.userId, now))
    return { ...ctx, now }
  }
}
