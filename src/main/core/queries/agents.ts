// The Agents view from the replica: each agent's trust (approved without edit / edited / rejected)
// and spend against budget, and the trust ledger day by day.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { AgentListItem, TrustDay } from '../../../shared/contract-domain'
import { SqlParams } from './inbox'

const DAY_MS = 86_400_000

export async function listAgents(db: PGliteInterface, now: Date, tenantId?: string): Promise<z.infer<typeof AgentListItem>[]> {
  const p = new SqlParams()
  const since = p.add(new Date(now.getTime() - 30 * DAY_MS).toISOString().slice(0, 10))
  const today = p.add(now.toISOString().slice(0, 10))
  const tenant = tenantId ? `and g.tenant_id = ${p.add(tenantId)}` : ''
  const res = await db.query<{
    id: string
    tenant_id: string
    name: string
    role: string | null
    kind: string
    tier: number
    autonomy: string
    status: string
    score: string | null
    approved_no_edit: number
    edited: number
    rejected: number
    cost_today: string
    cost_30: string
    max_cost_per_day: string | null
  }>(
    `select g.id, g.tenant_id, g.name, g.role, g.kind, g.tier, g.autonomy, g.status, g.max_cost_per_day::text as max_cost_per_day,
            (select l.score::text from trust_ledger l where l.agent_id = g.id and l.score is not null order by l.day desc limit 1) as score,
            coalesce(t.approved_no_edit, 0)::int as approved_no_edit, coalesce(t.edited, 0)::int as edited,
            coalesce(t.rejected, 0)::int as rejected,
            coalesce((select sum(c.cost_amount) from cost_transactions c
                       where c.agent_id = g.id and c.created_at >= ${today}::date), 0)::numeric(14,2)::text as cost_today,
            coalesce((select sum(c.cost_amount) from cost_transactions c
                       where c.agent_id = g.id and c.created_at >= ${since}::date), 0)::numeric(14,2)::text as cost_30
       from agents g
       left join lateral (select sum(l.approved_no_edit) as approved_no_edit, sum(l.edited) as edited, sum(l.rejected) as rejected
                            from trust_ledger l where l.agent_id = g.id and l.day >= ${since}::date) t on true
      where g.deleted_at is null ${tenant}
      order by g.name, g.id`,
    p.values,
  )
  return res.rows.map((g) => ({
    agent: {
      id: g.id,
      tenantId: g.tenant_id,
      name: g.name,
      role: g.role,
      kind: g.kind,
      tier: g.tier,
      autonomy: g.autonomy,
      status: g.status,
      trustScore: g.score === null ? null : Number(g.score),
    },
    approvedNoEdit: g.approved_no_edit,
    edited: g.edited,
    rejected: g.rejected,
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
