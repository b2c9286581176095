// Audit entries as a reader names what they touch: who acted (a reviewer or agent by name, the policy
// that decided on its own) and what it was done to (an approval by its title, counterparty and
// amount; an action by tool and agent; an agent, tenant, user or policy by name). Resolved from the
// replica in the query that reads the entries, one join per page rather than a lookup per row.
import { formatMoneyText, parseDecimal } from '../../shared/decimal'

const UUID_TEXT = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`

/**
 * The entries `inner` selects (AUDIT_COLUMNS of audit_log, in its own order), each with the names
 * of its actor and its entity. Every branch of the lateral join matches at most one row, and only
 * for its own entity type; an entity the replica does not hold (never synced, or gone) names nothing.
 */
export function namedAuditQuery(inner: string, orderBy: string): string {
  return `select l.*,
       case l.actor_type
         when 'agent' then (select g.name from agents g where g.id = l.actor_id::uuid)
         when 'user' then (select coalesce(p.full_name, p.email) from profiles p where p.id = l.actor_id::uuid)
       end as actor_name,
       n.name as entity_name, n.counterparty as entity_counterparty, n.amount as entity_amount,
       n.currency as entity_currency, n.policy_name as entity_policy_name
  from (${inner}) l
  cross join lateral (select case when l.entity_id ~* ${UUID_TEXT} then l.entity_id::uuid end as uid) k
  left join lateral (
    select a.title as name, a.counterparty, a.amount::text as amount, a.currency::text as currency,
           a.origin ->> 'policy_name' as policy_name
      from approvals a where l.entity_type = 'approval' and a.id = k.uid
    union all
    select coalesce(t.name, (ac.tool ->> 'app') || '.' || (ac.tool ->> 'key')) || coalesce(' by ' || g.name, ''), null, null, null, null
      from actions ac
      left join agents g on g.id = ac.agent_id
      left join tools t on t.tenant_id = ac.tenant_id and t.app = ac.tool ->> 'app' and t.tool_key = ac.tool ->> 'key'
     where l.entity_type = 'action' and ac.id = k.uid
    union all
    select 'Run of ' || coalesce(t.name, (ac.tool ->> 'app') || '.' || (ac.tool ->> 'key')) || coalesce(' by ' || g.name, ''), null, null, null, null
      from outbox o
      join actions ac on ac.id = o.action_id
      left join agents g on g.id = ac.agent_id
      left join tools t on t.tenant_id = ac.tenant_id and t.app = ac.tool ->> 'app' and t.tool_key = ac.tool ->> 'key'
     where l.entity_type = 'outbox' and o.id = k.uid
    union all
    select g.name, null, null, null, null from agents g where l.entity_type = 'agent' and g.id = k.uid
    union all
    select t.name, null, null, null, null from tenants t where l.entity_type = 'tenant' and t.id = k.uid
    union all
    select coalesce(p.full_name, p.email), null, null, null, null
      from profiles p where l.entity_type in ('user', 'profile') and p.id = k.uid
    union all
    select c.title, null, null, null, null from changesets c where l.entity_type = 'changeset' and c.id = k.uid
    union all
    select concat_ws(' · ', g.name, a.title), null, null, null, null
      from hallucination_flags f
      left join agents g on g.id = f.agent_id
      left join approvals a on a.id = f.approval_id
     where l.entity_type = 'hallucination_flag' and f.id = k.uid
    union all
    select concat_ws(' · ', g.name, e.trigger), null, null, null, null
      from escalations e left join agents g on g.id = e.from_agent_id
     where l.entity_type = 'escalation' and e.id = k.uid
    union all
    select 'From ' || coalesce(p.full_name, p.email, g.name, 'someone'), null, null, null, null
      from messages m
      left join profiles p on p.id = m.from_user_id
      left join agents g on g.id = m.from_agent_id
     where l.entity_type = 'message' and m.id = k.uid
    union all
    select coalesce(fr.full_name, fr.email, 'someone') || ' to ' || coalesce(tp.full_name, tp.email, 'someone'), null, null, null, null
      from approval_delegations d
      left join profiles fr on fr.id = d.delegator_id
      left join profiles tp on tp.id = d.delegate_id
     where l.entity_type = 'approval_delegation' and d.id = k.uid
    union all
    -- Tool policies are not replicated; the entry itself carries the policy it set and the tool.
    select coalesce(l.after_state -> 'policy' ->> 'name', l.before_state -> 'policy' ->> 'name',
                    'Policy for ' || (l.metadata ->> 'tool')), null, null, null, null
     where l.entity_type = 'tool_policy'
    limit 1
  ) n on true
 order by ${orderBy}`
}

export interface AuditNameColumns {
  action: string
  actor_type: 'user' | 'agent' | 'system'
  actor_id: string | null
  metadata: unknown
  actor_name: string | null
  entity_name: string | null
  entity_counterparty: string | null
  entity_amount: string | null
  entity_currency: string | null
  entity_policy_name: string | null
}

/** The audit actions of a request a tool policy decided without a person. */
const DECIDED_BY_POLICY: Record<string, 'auto' | 'deny'> = {
  'approval.auto_approved': 'auto',
  'approval.policy_denied': 'deny',
}

/**
 * The policy that decided a request on its own, as an actor: "Policy: refunds under 500 EUR (auto)".
 * It is named by the rule that matched, else (no rule matched, its default route decided) by the policy.
 */
export function policyActorName(route: 'auto' | 'deny', rule: string | null, policyName: string | null): string {
  const which = rule && rule !== 'default' ? rule : (policyName ?? 'the tool’s default')
  return `Policy: ${which} (${route === 'auto' ? 'auto' : 'denied'})`
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null
}

/** Who did it, in words, and whether that was a policy deciding (not the agent that asked). */
export function auditActor(r: AuditNameColumns): { actorName: string; byPolicy: boolean } {
  const route = DECIDED_BY_POLICY[r.action]
  if (route) {
    const meta = (r.metadata ?? {}) as Record<string, unknown>
    return { actorName: policyActorName(route, text(meta['rule']), r.entity_policy_name), byPolicy: true }
  }
  if (r.actor_type === 'system' || !r.actor_id) return { actorName: 'System', byPolicy: false }
  if (r.actor_name) return { actorName: r.actor_name, byPolicy: false }
  return { actorName: r.actor_type === 'agent' ? 'An agent not on this console' : 'A reviewer not on this console', byPolicy: false }
}

const MAX_NAME = 120

/** What the entry touched, in words; null when the replica does not hold it (the view then names its kind). */
export function auditEntityName(r: AuditNameColumns): string | null {
  if (!r.entity_name) return null
  let name = r.entity_name.length > MAX_NAME ? `${r.entity_name.slice(0, MAX_NAME - 1)}…` : r.entity_name
  // A title often already names its counterparty ("Pay Globex"): say it once.
  if (r.entity_counterparty && !name.includes(r.entity_counterparty)) name += ` to ${r.entity_counterparty}`
  const amount = r.entity_amount ? parseDecimal(r.entity_amount) : null
  if (amount && r.entity_currency) name += ` · ${formatMoneyText(amount, r.entity_currency.trim())}`
  return name
}
