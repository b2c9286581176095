// The Agents view from the replica: each agent's trust (approved without edit / edited / rejected)
// and spend against budget, the trust ledger day by day, and one agent's detail — both day by day
// for the charts, and its recent requests with how they were decided.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { AgentDetail, AgentListItem, AgentRequest, AgentSummary, TrustDay } from '../../shared/contract-domain'
import { ApiError } from '../../shared/errors'
import { policyActorName } from './audit-names'
import { SqlParams } from './sql-params'

const DAY_MS = 86_400_000
/** Model providers bill in USD, the cost_transactions default: the budget's currency when none was spent. */
const DEFAULT_COST_CURRENCY = 'USD'

/** An agent as every view shows it (AgentSummary), on `g`: its own columns and its latest trust score. */
export const AGENT_COLUMNS = `g.id, g.tenant_id, g.name, g.role, g.kind, g.tier, g.autonomy, g.status,
  (select l.score::text from trust_ledger l where l.agent_id = g.id and l.score is not null order by l.day desc limit 1) as score`

/** AGENT_COLUMNS as SQL hands them back. */
export interface AgentRow {
  id: string
  tenant_id: string
  name: string
  role: string | null
  kind: string
  tier: number
  autonomy: string
  status: string
  score: string | null
}

export function toAgentSummary(g: AgentRow): z.infer<typeof AgentSummary> {
  return {
    id: g.id,
    tenantId: g.tenant_id,
    name: g.name,
    role: g.role,
    kind: g.kind,
    tier: g.tier,
    autonomy: g.autonomy,
    status: g.status,
    trustScore: g.score === null ? null : Number(g.score),
  }
}

export async function listAgents(
  db: PGliteInterface,
  now: Date,
  tenantId?: string,
  agentId?: string,
): Promise<z.infer<typeof AgentListItem>[]> {
  const p = new SqlParams()
  const since = p.add(new Date(now.getTime() - 30 * DAY_MS).toISOString().slice(0, 10))
  const today = p.add(now.toISOString().slice(0, 10))
  const tenant = tenantId ? `and g.tenant_id = ${p.add(tenantId)}` : ''
  const agent = agentId ? `and g.id = ${p.add(agentId)}` : ''
  const res = await db.query<
    AgentRow & {
      approved_no_edit: number
      edited: number
      rejected: number
      cost_currency: string
      cost_today: string
      cost_30: string
      max_cost_per_day: string | null
    }
  >(
    `select ${AGENT_COLUMNS}, g.max_cost_per_day::text as max_cost_per_day,
            coalesce(t.approved_no_edit, 0)::int as approved_no_edit, coalesce(t.edited, 0)::int as edited,
            coalesce(t.rejected, 0)::int as rejected,
            coalesce(c.currency, '${DEFAULT_COST_CURRENCY}') as cost_currency,
            coalesce(c.today, 0)::numeric(14,2)::text as cost_today, coalesce(c.last_30, 0)::numeric(14,2)::text as cost_30
       from agents g
       left join lateral (select sum(l.approved_no_edit) as approved_no_edit, sum(l.edited) as edited, sum(l.rejected) as rejected
                            from trust_ledger l where l.agent_id = g.id and l.day >= ${since}::date) t on true
       -- Spend in the currency the agent spent most in over the 30 days; other currencies are never summed in.
       left join lateral (select c.currency::text as currency, sum(c.cost_amount) as last_30,
                                 sum(c.cost_amount) filter (where c.created_at >= ${today}::date) as today
                            from cost_transactions c where c.agent_id = g.id and c.created_at >= ${since}::date
                           group by c.currency order by last_30 desc, c.currency limit 1) c on true
      where g.deleted_at is null ${tenant} ${agent}
      order by g.name, g.id`,
    p.values,
  )
  return res.rows.map((g) => ({
    agent: toAgentSummary(g),
    approvedNoEdit: g.approved_no_edit,
    edited: g.edited,
    rejected: g.rejected,
    costCurrency: g.cost_currency,
    costToday: g.cost_today,
    costLast30Days: g.cost_30,
    maxCostPerDay: g.max_cost_per_day,
  }))
}

export async function agentTrust(db: PGliteInterface, now: Date, agentId: string, days: number): Promise<z.infer<typeof TrustDay>[]> {
  const since = new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10)
  const res = await db.query<{
    day: string
    approved_no_edit: number
    edited: number
    rejected: number
    errors: number
    complaints: number
    score: string | null
  }>(
    `select day::text as day, approved_no_edit, edited, rejected, errors, complaints, score::text as score
       from trust_ledger where agent_id = $1 and day >= $2::date order by day`,
    [agentId, since],
  )
  return res.rows.map((d) => ({
    day: d.day,
    approvedNoEdit: d.approved_no_edit,
    edited: d.edited,
    rejected: d.rejected,
    errors: d.errors,
    complaints: d.complaints,
    score: d.score === null ? null : Number(d.score),
  }))
}

/** A day's spend in `currency` (the list's), and the other currencies' totals kept apart. */
function splitCosts(
  rows: { day: string; currency: string; amount: string }[],
  currency: string,
): { byDay: Map<string, string>; others: { currency: string; amount: string }[] } {
  const byDay = new Map<string, string>()
  const others = new Map<string, number>()
  for (const r of rows) {
    if (r.currency === currency) byDay.set(r.day, r.amount)
    else others.set(r.currency, (others.get(r.currency) ?? 0) + Number(r.amount))
  }
  return { byDay, others: [...others].map(([c, amount]) => ({ currency: c, amount: amount.toFixed(2) })) }
}

export async function agentDetail(
  db: PGliteInterface,
  now: Date,
  o: { agentId: string; days: number; requests: number },
): Promise<z.infer<typeof AgentDetail>> {
  const [item] = await listAgents(db, now, undefined, o.agentId)
  if (!item) throw new ApiError('not_found')
  const first = new Date(now.getTime() - (o.days - 1) * DAY_MS).toISOString().slice(0, 10)
  const last = now.toISOString().slice(0, 10)
  const [agent, trust, costs, requests] = await Promise.all([
    db.query<{ department: string | null }>('select department from agents where id = $1', [o.agentId]),
    db.query<{ day: string; approved_no_edit: number; edited: number; rejected: number; score: string | null }>(
      `select d.day::date::text as day, coalesce(l.approved_no_edit, 0) as approved_no_edit, coalesce(l.edited, 0) as edited,
              coalesce(l.rejected, 0) as rejected, l.score::text as score
         from generate_series($2::date, $3::date, interval '1 day') d(day)
         left join trust_ledger l on l.agent_id = $1 and l.day = d.day::date
        order by d.day`,
      [o.agentId, first, last],
    ),
    // Days in UTC, as the server counts the trust ledger's days.
    db.query<{ day: string; currency: string; amount: string }>(
      `select (c.created_at at time zone 'UTC')::date::text as day, c.currency, sum(c.cost_amount)::numeric(14,2)::text as amount
         from cost_transactions c
        where c.agent_id = $1 and c.created_at >= $2::date::timestamp at time zone 'UTC'
        group by 1, 2`,
      [o.agentId, first],
    ),
    db.query<AgentRequestRow>(
      `select a.id, a.tenant_id, a.kind, a.title, a.risk_level, a.amount::text as amount, a.currency, a.status, a.created_at,
              d.decision, coalesce(p.full_name, p.email) as decided_by_name, coalesce(d.created_at, a.decided_at) as decided_at,
              coalesce(d.reason, a.decision_reason) as reason,
              case when a.origin->>'route' in ('auto', 'deny') then a.origin->>'rule' end as policy_rule,
              a.origin->>'route' as route, a.origin->>'policy_name' as policy_name
         from approvals a
         left join lateral (select x.decision, x.actor_id, x.reason, x.created_at from approval_decisions x
                             where x.approval_id = a.id order by x.created_at desc limit 1) d on true
         left join profiles p on p.id = coalesce(d.actor_id, a.decided_by)
        where a.requested_by_agent_id = $1 and a.deleted_at is null
        order by a.created_at desc, a.id
        limit $2`,
      [o.agentId, o.requests],
    ),
  ])
  const spend = splitCosts(costs.rows, item.costCurrency)
  return {
    item,
    department: agent.rows[0]?.department ?? null,
    days: trust.rows.map((d) => ({
      day: d.day,
      approvedNoEdit: d.approved_no_edit,
      edited: d.edited,
      rejected: d.rejected,
      score: d.score === null ? null : Number(d.score),
      cost: spend.byDay.get(d.day) ?? '0.00',
    })),
    otherCosts: spend.others,
    requests: requests.rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      kind: r.kind,
      title: r.title,
      riskLevel: r.risk_level,
      amount: r.amount,
      currency: r.currency,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      decision: r.decision,
      // No person decided what a policy approved or denied on its own: the policy is the decider.
      decidedByName:
        r.decision === null && (r.route === 'auto' || r.route === 'deny')
          ? policyActorName(r.route, r.policy_rule, r.policy_name)
          : r.decided_by_name,
      decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
      reason: r.reason,
      policyRule: r.policy_rule,
    })),
  }
}

type Request = z.infer<typeof AgentRequest>

interface AgentRequestRow {
  id: string
  tenant_id: string
  kind: Request['kind']
  title: string
  risk_level: number
  amount: string | null
  currency: string | null
  status: Request['status']
  created_at: Date
  decision: Request['decision']
  decided_by_name: string | null
  decided_at: Date | null
  reason: string | null
  policy_rule: string | null
  route: string | null
  policy_name: string | null
}
