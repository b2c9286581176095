-- The agents' side of the control loop (issue 12): tool policies that decide what needs a human,
-- per-bucket rate limits, and the one intake RPC through which an agent proposes an action.
--
-- Intake answers are values, not exceptions: {status: 'accepted' | 'replayed' | 'refused', code,
-- message, request}. A refusal is a normal business answer (as in sync_push's results), and some
-- refusals must leave a trace that an exception would roll back (the loop guard's flag).

-- ───────────────────────── schema changes ─────────────────────────

-- The idempotency key is the tenant's (it is also the key at the tool's provider, one account per
-- tenant), so it is unique per tenant rather than across every customer of the service.
alter table public.actions drop constraint if exists actions_external_id_key;
create unique index actions_tenant_external_id_key on public.actions (tenant_id, external_id);

-- An agent may withdraw a request it no longer needs.
alter table public.actions drop constraint if exists actions_approval_state_check;
alter table public.actions add constraint actions_approval_state_check check (approval_state in (
  'not_required', 'pending', 'approved', 'rejected', 'expired', 'cancelled'));

-- Where a request came from and what routed it, shown in the approval's detail:
-- {agent_id, agent_name, external_id, policy_id, policy_name, route, rule, args_hash, amount_base}.
-- Null for requests filed by other means (the seed, people).
alter table public.approvals add column if not exists origin jsonb
  check (origin is null or jsonb_typeof(origin) = 'object');

-- Loop guard look-up: this agent's earlier rejected calls of a tool.
create index actions_agent_state_idx on public.actions (agent_id, approval_state);

-- ───────────────────────── tool policies ─────────────────────────

-- One policy per (tool) for the tenant, and optionally one per (tool, agent) overriding it.
-- `policy` is validated by agent_policy_errors(); see agent_policy_route() for its meaning.
create table public.tool_policies (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  tool_id uuid not null references public.tools (id) on delete restrict,
  agent_id uuid references public.agents (id) on delete restrict,
  policy jsonb not null,
  updated_by uuid references public.profiles (id) on delete restrict,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create unique index tool_policies_scope_key on public.tool_policies
  (tool_id, coalesce(agent_id, '00000000-0000-0000-0000-000000000000'::uuid)) where deleted_at is null;
create index tool_policies_tenant_idx on public.tool_policies (tenant_id, tool_id);
create trigger tool_policies_updated_at before update on public.tool_policies
  for each row execute function public.set_updated_at();
alter table public.tool_policies enable row level security;
alter table public.tool_policies force row level security;
create policy tool_policies_read on public.tool_policies for select to authenticated
  using (tenant_id = any ((select public.visible_tenant_ids())::uuid[]));
revoke all on public.tool_policies from anon, authenticated;
grant select on public.tool_policies to authenticated;

-- Token buckets shared by every tool naming the bucket (tools.rate_bucket), per tenant: the
-- provider's limit is per account. A bucket without a row here is not limited.
create table public.rate_buckets (
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  bucket text not null check (length(bucket) between 1 and 100),
  per_minute int not null check (per_minute between 1 and 1000000),
  tokens numeric not null,
  refilled_at timestamptz not null default now(),
  primary key (tenant_id, bucket)
);
alter table public.rate_buckets enable row level security;
alter table public.rate_buckets force row level security;
create policy rate_buckets_read on public.rate_buckets for select to authenticated
  using (tenant_id = any ((select public.visible_tenant_ids())::uuid[]));
revoke all on public.rate_buckets from anon, authenticated;
grant select on public.rate_buckets to authenticated;

-- ───────────────────────── policy rules ─────────────────────────

-- The shape of a policy: a default route and ordered rules; the first rule whose conditions all
-- hold decides. Routes: auto (approved at once, by the policy), required (one human), four_eyes
-- (two different humans), deny (rejected at once). Hours are the tenant's local hours
-- (tenants.settings.timezone, UTC by default): from_hour <= hour < until_hour, wrapping midnight
-- when from_hour > until_hour. Amounts are the request's money in the tenant's base currency (see
-- agent_request_money).
create or replace function public.agent_policy_schema() returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'type', 'object', 'additionalProperties', false, 'required', jsonb_build_array('approval'),
    'properties', jsonb_build_object(
      'name', jsonb_build_object('type', 'string', 'maxLength', 200),
      'approval', jsonb_build_object('enum', jsonb_build_array('auto', 'required', 'four_eyes', 'deny')),
      'risk', jsonb_build_object('type', jsonb_build_array('integer', 'null'), 'minimum', 0, 'maximum', 5),
      'expires_in_seconds', jsonb_build_object('type', 'integer', 'minimum', 60, 'maximum', 2592000),
      'approver_ids', jsonb_build_object('type', 'array', 'maxItems', 50, 'uniqueItems', true,
        'items', jsonb_build_object('type', 'string',
          'pattern', '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')),
      'rules', jsonb_build_object('type', 'array', 'maxItems', 50, 'items', jsonb_build_object(
        'type', 'object', 'additionalProperties', false, 'required', jsonb_build_array('name', 'route', 'when'),
        'properties', jsonb_build_object(
          'name', jsonb_build_object('type', 'string', 'minLength', 1, 'maxLength', 100),
          'route', jsonb_build_object('enum', jsonb_build_array('auto', 'required', 'four_eyes', 'deny')),
          'when', jsonb_build_object('type', 'object', 'additionalProperties', false, 'properties', jsonb_build_object(
            'amount_above', jsonb_build_object('type', 'number', 'minimum', 0),
            'amount_at_most', jsonb_build_object('type', 'number', 'minimum', 0),
            'risk_above', jsonb_build_object('type', 'integer', 'minimum', 0, 'maximum', 5),
            'risk_at_most', jsonb_build_object('type', 'integer', 'minimum', 0, 'maximum', 5),
            'trust_below', jsonb_build_object('type', 'number', 'minimum', 0, 'maximum', 1),
            'trust_at_least', jsonb_build_object('type', 'number', 'minimum', 0, 'maximum', 1),
            'from_hour', jsonb_build_object('type', 'integer', 'minimum', 0, 'maximum', 23),
            'until_hour', jsonb_build_object('type', 'integer', 'minimum', 1, 'maximum', 24)))))))
  )
$$;

create or replace function public.agent_policy_errors(p_policy jsonb) returns text[]
language sql
immutable
set search_path = ''
as $$ select public.json_schema_errors(public.agent_policy_schema(), p_policy) $$;

-- The route a policy gives a request, and the rule that gave it ('default' when none matched):
-- {route, rule}. A rule whose condition cannot be judged (an amount that cannot be read or
-- converted, an agent without a trust score yet) does not match; and once such a rule was
-- passed over, the request goes to a person rather than being auto-approved — an unknown
-- never loosens. Used by agent_propose and by the backtest alike.
create or replace function public.agent_policy_route(
  p_policy jsonb, p_amount_base numeric, p_risk int, p_trust numeric, p_hour int
) returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_rule jsonb;
  v_when jsonb;
  v_route text;
  -- One entry per condition: true (met or absent), false, or null (its value is unknown).
  v_conds boolean[];
  v_unknown text; -- the first rule passed over for an unknown value
begin
  for v_rule in select r from jsonb_array_elements(coalesce(p_policy -> 'rules', '[]'::jsonb)) r loop
    v_when := coalesce(v_rule -> 'when', '{}'::jsonb);
    v_route := v_rule ->> 'route';
    v_conds := array[
      case when v_when ? 'amount_above' then p_amount_base > (v_when ->> 'amount_above')::numeric else true end,
      case when v_when ? 'amount_at_most' then p_amount_base <= (v_when ->> 'amount_at_most')::numeric else true end,
      case when v_when ? 'risk_above' then p_risk > (v_when ->> 'risk_above')::int else true end,
      case when v_when ? 'risk_at_most' then p_risk <= (v_when ->> 'risk_at_most')::int else true end,
      case when v_when ? 'trust_below' then p_trust < (v_when ->> 'trust_below')::numeric else true end,
      case when v_when ? 'trust_at_least' then p_trust >= (v_when ->> 'trust_at_least')::numeric else true end,
      case when v_when ? 'from_hour' or v_when ? 'until_hour' then
        (select case when f <= u then p_hour >= f and p_hour < u else p_hour >= f or p_hour < u end
         from (select coalesce((v_when ->> 'from_hour')::int, 0) as f,
                      coalesce((v_when ->> 'until_hour')::int, 24) as u) h)
      else true end];
    if false = any (v_conds) then
      continue;
    end if;
    if exists (select 1 from unnest(v_conds) c where c is null) then
      v_unknown := coalesce(v_unknown, v_rule ->> 'name');
      continue;
    end if;
    if v_route = 'auto' and v_unknown is not null then
      return jsonb_build_object('route', 'required', 'rule', format('unknown value for rule "%s"', v_unknown));
    end if;
    return jsonb_build_object('route', v_route, 'rule', v_rule ->> 'name');
  end loop;
  if v_unknown is not null and coalesce(p_policy ->> 'approval', 'required') = 'auto' then
    return jsonb_build_object('route', 'required', 'rule', format('unknown value for rule "%s"', v_unknown));
  end if;
  return jsonb_build_object('route', coalesce(p_policy ->> 'approval', 'required'), 'rule', 'default');
end
$$;

-- The money a proposed call moves, read as push_approval_decide will read it when a person decides
-- (the x-money annotation of push_payload_schema's schema: the tool's, else the kind's built-in one,
-- through payload_money), and that amount in the tenant's base currency at today's fx_rates.
-- {amount, currency, amount_base, problem}: amount and currency null when the call names none;
-- amount_base null when the amount cannot be read or no rate converts it — an unknown amount, which
-- agent_policy_route never lets loosen a route (the request goes to a person).
create or replace function public.agent_request_money(p_tool public.tools, p_kind text, p_args jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select case when s.spec is null then jsonb_build_object('amount', null, 'currency', null, 'amount_base', null)
         else jsonb_build_object(
           'amount', m.o_amount, 'currency', m.o_currency, 'problem', m.o_problem,
           'amount_base', case when m.o_problem is null
                               then m.o_amount * public.fx_rate_on(m.o_currency, t.base_currency, current_date) end)
         end
  from public.tenants t
  cross join lateral (select coalesce(case when p_tool.json_schema <> '{}'::jsonb then p_tool.json_schema end,
                                      public.money_kind_schema(p_kind)) -> 'x-money' as spec) s
  left join lateral public.payload_money(s.spec, p_args, t.base_currency) m on s.spec is not null
  where t.id = p_tool.tenant_id
$$;

-- The agent's trust over the last 30 days (approved as asked = 1, edited = 0.5, rejected = 0),
-- the same weights as the daily ledger; null until something was decided.
create or replace function public.agent_trust_score(p_agent uuid) returns numeric
language sql
stable
set search_path = ''
as $$
  select round((sum(approved_no_edit) + 0.5 * sum(edited))
               / nullif(sum(approved_no_edit + edited + rejected + errors + complaints), 0), 4)
  from public.trust_ledger
  where agent_id = p_agent and day > (now() at time zone 'UTC')::date - 30
$$;

-- The policy that applies to an agent's call of a tool: the agent's override, else the tenant's
-- policy for the tool, else one made of the tool's own defaults. {id, policy} (id null = defaults).
create or replace function public.agent_effective_policy(p_tool public.tools, p_agent uuid) returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select jsonb_build_object('id', p.id, 'policy', p.policy)
     from public.tool_policies p
     where p.tool_id = p_tool.id and p.deleted_at is null and (p.agent_id = p_agent or p.agent_id is null)
     order by p.agent_id nulls last
     limit 1),
    jsonb_build_object('id', null, 'policy', jsonb_build_object(
      'name', 'tool default',
      'approval', case p_tool.approval_default when 'auto' then 'auto' when 'never' then 'deny' else 'required' end)))
$$;

-- The tenant's local hour now, or at a given moment.
create or replace function public.agent_tenant_hour(p_tenant uuid, p_at timestamptz) returns int
language sql
stable
set search_path = ''
as $$
  select extract(hour from p_at at time zone coalesce(nullif(t.settings ->> 'timezone', ''), 'UTC'))::int
  from public.tenants t where t.id = p_tenant
$$;

-- ───────────────────────── intake ─────────────────────────

create or replace function public.agent_refusal(p_code text, p_message text) returns jsonb
language sql
immutable
set search_path = ''
as $$ select jsonb_build_object('status', 'refused', 'code', p_code, 'message', p_message) $$;

-- What an agent learns about one of its requests (also the answer of a replayed proposal).
-- state: pending | approved | rejected | expired | cancelled; expired as soon as expires_at has
-- passed, even before anyone marks it (an expired request is denied by default).
create or replace function public.agent_request_view(p_action public.actions, p_approval public.approvals)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'action_id', p_action.id, 'approval_id', p_approval.id, 'external_id', p_action.external_id,
    'tool', p_action.tool, 'state', s.state,
    'route', p_approval.origin ->> 'route', 'rule', p_approval.origin ->> 'rule',
    'policy_id', p_approval.origin ->> 'policy_id', 'risk', p_approval.risk_level,
    'required_approvals', p_approval.required_approvals, 'expires_at', p_approval.expires_at,
    'decided_at', p_approval.decided_at,
    -- Exactly what may run: the approved payload and its hash (edited or not).
    'args', case when s.state = 'approved' then p_approval.payload end,
    'payload_hash', case when s.state = 'approved' then p_approval.payload_hash end,
    'edited', case when s.state = 'approved' then p_approval.payload_hash <> (p_approval.origin ->> 'args_hash') end,
    'reason', case when s.state in ('rejected', 'cancelled') then p_approval.decision_reason end,
    'reason_code', case when s.state = 'rejected' then
                     case when p_approval.origin ->> 'route' = 'deny' then 'policy_denied' else 'reviewer_rejected' end
                   when s.state = 'expired' then 'expired' end)
  from (select case
                 when p_approval.status in ('pending', 'escalated') and p_approval.expires_at <= now() then 'expired'
                 when p_approval.status = 'escalated' then 'pending'
                 else p_approval.status
               end as state) s
$$;

-- The rows of a request are written first and its rate-limit token is taken just before its audit
-- entry (itself last: see 20261203130000_audit_chain_short_lock.sql), so a bucket's row and the
-- tenant's chain head are both held only for the append and the commit; a dry bucket undoes the
-- rows (written in a sub-block) and refuses.

-- One token from a tenant's rate bucket, refilled continuously at per_minute: true when there was
-- one, false when the bucket is dry (the take still counts: a caller that keeps asking keeps the
-- bucket in debt), null when the bucket is not limited (no row for it, or no bucket named). Locks
-- the bucket's row until commit.
create or replace function public.agent_take_token(p_tenant uuid, p_bucket text) returns boolean
language sql
volatile
set search_path = ''
as $$
  update public.rate_buckets b set
    tokens = least(b.per_minute, b.tokens + extract(epoch from clock_timestamp() - b.refilled_at) * b.per_minute / 60.0) - 1,
    refilled_at = clock_timestamp()
  where b.tenant_id = p_tenant and b.bucket = p_bucket
  returning b.tokens >= 0
$$;
revoke all on function public.agent_take_token(uuid, text) from public, anon, authenticated, service_role;

-- agent_propose: one proposal from the signed-in agent. p_tool is {app, key} or "app.key";
-- p_external_id is the idempotency key (the same key returns the same request); p_kind the
-- approval kind the console files it under (tool_call by default); p_risk may only raise the
-- policy's risk. Checks, in order, each with its stable code (src/shared/errors.ts):
-- not_an_agent, agent_suspended, invalid_input, idempotency_conflict (a key reused for another
-- call), unknown_tool, tool_not_writable, invalid_args, autonomy_forbids, agent_tier_forbids,
-- repeat_after_rejection (loop guard; flags the agent), rate_limited.
create or replace function public.agent_propose(
  p_tool jsonb,
  p_args jsonb,
  p_external_id text,
  p_task_id uuid default null,
  p_title text default null,
  p_summary text default null,
  p_kind text default null,
  p_risk int default null
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_agent public.agents;
  v_app text;
  v_key text;
  v_tool public.tools;
  v_prior public.actions;
  v_prior_approval public.approvals;
  v_args_hash text;
  v_errors text[];
  v_eff jsonb;
  v_policy jsonb;
  v_risk int;
  v_money jsonb;
  v_amount_base numeric;
  v_trust numeric;
  v_routed jsonb;
  v_route text;
  v_rule text;
  v_rejected public.approvals;
  v_flag_id uuid;
  v_action public.actions;
  v_approval public.approvals;
  v_kind text := coalesce(p_kind, 'tool_call');
  v_answer jsonb;
begin
  select a.* into v_agent from public.agents a where a.id = public.current_agent_id() and a.deleted_at is null;
  if not found then
    return public.agent_refusal('not_an_agent', 'Only a signed-in agent credential may propose actions.');
  end if;
  if v_agent.status <> 'active' then
    return public.agent_refusal('agent_suspended', format('This agent is %s; its proposals are refused.', v_agent.status));
  end if;

  -- The call's shape.
  if jsonb_typeof(p_tool) = 'string' and (p_tool #>> '{}') ~ '^[^.]+\.[^.].*$' then
    v_app := split_part(p_tool #>> '{}', '.', 1);
    v_key := substr(p_tool #>> '{}', length(v_app) + 2);
  elsif jsonb_typeof(p_tool) = 'object' and jsonb_typeof(p_tool -> 'app') = 'string' and jsonb_typeof(p_tool -> 'key') = 'string' then
    v_app := p_tool ->> 'app';
    v_key := p_tool ->> 'key';
  else
    return public.agent_refusal('invalid_input', 'tool must be {"app", "key"} or "app.key"');
  end if;
  if jsonb_typeof(p_args) is distinct from 'object' then
    return public.agent_refusal('invalid_input', 'args must be a JSON object');
  end if;
  if octet_length(p_args::text) > 262144 then
    return public.agent_refusal('invalid_input', 'args are larger than 256 KiB');
  end if;
  if p_external_id is null or length(p_external_id) not between 1 and 200 then
    return public.agent_refusal('invalid_input', 'external_id (the idempotency key) must be 1 to 200 characters');
  end if;
  if v_kind not in ('tool_call', 'refund', 'payout', 'journal_posting', 'spend') then
    return public.agent_refusal('invalid_input', 'kind must be one of tool_call, refund, payout, journal_posting, spend');
  end if;
  if p_risk is not null and p_risk not between 0 and 5 then
    return public.agent_refusal('invalid_input', 'risk must be between 0 and 5');
  end if;
  if length(p_title) > 500 or length(p_summary) > 20000 then
    return public.agent_refusal('invalid_input', 'title is at most 500 and summary at most 20,000 characters');
  end if;
  v_args_hash := public.canonical_hash(p_args);

  -- Idempotency: duplicates of one key serialize here; the second finds the first's request.
  perform pg_advisory_xact_lock(hashtextextended('agent_propose:' || v_agent.tenant_id || ':' || p_external_id, 0));
  select * into v_prior from public.actions where tenant_id = v_agent.tenant_id and external_id = p_external_id;
  if found then
    select * into v_prior_approval from public.approvals where action_id = v_prior.id order by created_at limit 1;
    if v_prior.agent_id is distinct from v_agent.id or v_prior.tool ->> 'app' <> v_app or v_prior.tool ->> 'key' <> v_key
       or (v_prior_approval.origin ->> 'args_hash') is distinct from v_args_hash then
      return public.agent_refusal('idempotency_conflict',
        'This idempotency key was already used for a different call; use a new key for a new call.');
    end if;
    return jsonb_build_object('status', 'replayed', 'request', public.agent_request_view(v_prior, v_prior_approval));
  end if;

  select * into v_tool from public.tools
  where tenant_id = v_agent.tenant_id and app = v_app and tool_key = v_key and deleted_at is null;
  if not found then
    return public.agent_refusal('unknown_tool', format('No tool %s.%s in this tenant.', v_app, v_key));
  end if;
  if not v_tool.write_allowed then
    return public.agent_refusal('tool_not_writable', format('%s.%s is not allowed to write.', v_app, v_key));
  end if;
  v_errors := public.json_schema_errors(v_tool.json_schema, p_args);
  if cardinality(v_errors) > 0 then
    return public.agent_refusal('invalid_args', 'The arguments do not match the tool’s schema: '
                                || array_to_string(v_errors[1:5], '; '));
  end if;
  if p_task_id is not null and not exists (
    select 1 from public.tasks t where t.id = p_task_id and t.tenant_id = v_agent.tenant_id
      and (t.agent_id is null or t.agent_id = v_agent.id) and t.deleted_at is null) then
    return public.agent_refusal('invalid_input', 'task_id names no task of this agent');
  end if;

  v_eff := public.agent_effective_policy(v_tool, v_agent.id);
  v_policy := v_eff -> 'policy';
  v_risk := greatest(coalesce((v_policy ->> 'risk')::int, v_tool.risk_default), coalesce(p_risk, 0));

  -- Autonomy (seed 003): A1 agents only read and suggest, A2 and A3 may propose writes. The
  -- agent's risk tier is the highest risk it may ask for at all.
  if v_agent.autonomy = 'A1' then
    return public.agent_refusal('autonomy_forbids', 'An A1 (suggest-only) agent may not propose actions.');
  end if;
  if v_risk > v_agent.risk_tier then
    return public.agent_refusal('agent_tier_forbids',
      format('This call is risk %s; this agent may ask for up to risk %s.', v_risk, v_agent.risk_tier));
  end if;

  -- Loop guard: the very call a human or a policy already rejected, asked again.
  select ap.* into v_rejected
  from public.actions ac
  join public.approvals ap on ap.action_id = ac.id
  where ac.agent_id = v_agent.id and ac.approval_state = 'rejected'
    and ac.tool ->> 'app' = v_app and ac.tool ->> 'key' = v_key and ap.origin ->> 'args_hash' = v_args_hash
  order by ap.decided_at desc nulls last
  limit 1;
  if found then
    if not exists (select 1 from public.hallucination_flags f
                   where f.approval_id = v_rejected.id and f.status = 'pending' and f.deleted_at is null) then
      insert into public.hallucination_flags (tenant_id, agent_id, task_id, approval_id, detection_method,
                                              confidence_score, flagged_content, notes)
      values (v_agent.tenant_id, v_agent.id, coalesce(p_task_id, v_rejected.task_id), v_rejected.id, 'pattern', 1,
              format('%s proposed %s.%s again with the same arguments after it was rejected%s.',
                     v_agent.name, v_app, v_key, coalesce(' ("' || v_rejected.decision_reason || '")', '')),
              'Raised by the intake loop guard.')
      returning id into v_flag_id;
      perform public.push_write_audit(jsonb_build_object(
        'tenant_id', v_agent.tenant_id, 'actor_type', 'agent', 'actor_id', v_agent.id, 'action', 'agent.loop_guard',
        'entity_type', 'hallucination_flag', 'entity_id', v_flag_id::text,
        'metadata', jsonb_build_object('rejected_approval_id', v_rejected.id, 'external_id', p_external_id)));
    end if;
    return public.agent_refusal('repeat_after_rejection',
      'The same call was already rejected; change it or escalate instead of asking again.')
      || jsonb_build_object('rejected_approval_id', v_rejected.id);
  end if;

  -- Route.
  v_money := public.agent_request_money(v_tool, v_kind, p_args);
  -- An amount beyond any real payment is refused outright; any other unreadable amount is unknown.
  if (v_money ->> 'amount')::numeric >= 1e12 then
    return public.agent_refusal('invalid_input', 'amount is out of range: ' || (v_money ->> 'problem'));
  end if;
  v_amount_base := (v_money ->> 'amount_base')::numeric;
  v_trust := public.agent_trust_score(v_agent.id);
  v_routed := public.agent_policy_route(v_policy, v_amount_base, v_risk, v_trust, public.agent_tenant_hour(v_agent.tenant_id, now()));
  v_route := v_routed ->> 'route';
  v_rule := v_routed ->> 'rule';
  -- An A2 agent is trusted to act alone only on low-risk calls.
  if v_route = 'auto' and v_agent.autonomy = 'A2' and v_risk > 2 then
    v_route := 'required';
    v_rule := 'autonomy A2: risk above 2 needs a human';
  end if;

  -- Filed, then rate-limited. The bucket's row stays locked from the token's take to commit and
  -- every proposal of the tenant through that bucket waits for it, as for the audit chain's head:
  -- so the token is taken after the request's rows are written and just before the audit entry
  -- (appended last of all), and a dry bucket undoes this block's rows. The refused call still
  -- costs its token, as a take always has (the bucket goes into debt).
  begin
    insert into public.actions (tenant_id, task_id, agent_id, tool, args, risk, approval_state, external_id)
    values (v_agent.tenant_id, p_task_id, v_agent.id, jsonb_build_object('app', v_app, 'key', v_key), p_args, v_risk,
            case v_route when 'auto' then 'approved' when 'deny' then 'rejected' else 'pending' end, p_external_id)
    returning * into v_action;

    insert into public.approvals (tenant_id, kind, task_id, action_id, title, summary, risk_level, amount, currency,
                                  status, requested_by_agent_id, approver_ids, required_approvals, payload,
                                  decided_at, decision_reason, expires_at, origin, policy_flags)
    values (
      v_agent.tenant_id, v_kind, p_task_id, v_action.id,
      coalesce(nullif(btrim(p_title), ''), format('%s.%s', v_app, v_key)),
      p_summary, v_risk,
      case when v_money ->> 'problem' is null then (v_money ->> 'amount')::numeric end,
      case when v_money ->> 'problem' is null then v_money ->> 'currency' end,
      case v_route when 'auto' then 'approved' when 'deny' then 'rejected' else 'pending' end,
      v_agent.id,
      coalesce(array(select jsonb_array_elements_text(v_policy -> 'approver_ids'))::uuid[], '{}'),
      case when v_route = 'four_eyes' then 2 else 1 end,
      p_args,
      case when v_route in ('auto', 'deny') then now() end,
      case v_route when 'auto' then format('Approved by policy "%s", rule "%s".', coalesce(v_policy ->> 'name', 'unnamed'), v_rule)
                   when 'deny' then format('Denied by policy "%s", rule "%s".', coalesce(v_policy ->> 'name', 'unnamed'), v_rule) end,
      now() + make_interval(secs => coalesce((v_policy ->> 'expires_in_seconds')::int, 86400)),
      jsonb_build_object('agent_id', v_agent.id, 'agent_name', v_agent.name, 'external_id', p_external_id,
                         'policy_id', v_eff ->> 'id', 'policy_name', v_policy ->> 'name', 'route', v_route, 'rule', v_rule,
                         'args_hash', v_args_hash, 'amount_base', v_amount_base, 'trust', v_trust),
      case v_route when 'auto' then '{auto_approved}'::text[] when 'deny' then '{policy_denied}'::text[]
                   when 'four_eyes' then '{four_eyes}'::text[] else '{}'::text[] end)
    returning * into v_approval;

    -- Approved by the policy: queued for the executor exactly as a human approval would be, naming
    -- the hash of the payload approved (the args as proposed: actions.args already holds them).
    if v_route = 'auto' then
      insert into public.outbox (tenant_id, action_id, payload_hash) values (v_agent.tenant_id, v_action.id, v_approval.payload_hash);
    end if;

    if v_tool.rate_bucket is not null then
      if public.agent_take_token(v_agent.tenant_id, v_tool.rate_bucket) is false then
        raise sqlstate 'OC429'; -- caught below: undoes this block's rows
      end if;
    end if;
  exception when sqlstate 'OC429' then
    perform public.agent_take_token(v_agent.tenant_id, v_tool.rate_bucket);
    return public.agent_refusal('rate_limited',
      format('The %s rate limit is reached; try again shortly.', v_tool.rate_bucket));
  end;

  -- The answer is built before the audit entry: after it, only the commit remains.
  v_answer := jsonb_build_object('status', 'accepted', 'request', public.agent_request_view(v_action, v_approval));
  perform public.push_write_audit(jsonb_build_object(
    'tenant_id', v_agent.tenant_id, 'actor_type', 'agent', 'actor_id', v_agent.id,
    'action', case v_route when 'auto' then 'approval.auto_approved' when 'deny' then 'approval.policy_denied'
                           else 'approval.requested' end,
    'entity_type', 'approval', 'entity_id', v_approval.id::text,
    'after_state', public.push_approval_state(v_approval),
    'metadata', jsonb_build_object('action_id', v_action.id, 'external_id', p_external_id, 'tool', v_action.tool,
                                   'policy_id', v_eff ->> 'id', 'route', v_route, 'rule', v_rule)));

  return v_answer;
end
$$;

-- The state of the caller's own requests, by action id (what the SDK polls). Reads as the caller,
-- so RLS alone decides: another agent's id simply is not there.
create or replace function public.agent_requests(p_action_ids uuid[])
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(public.agent_request_view(ac, ap) order by ac.created_at), '[]'::jsonb)
  from public.actions ac
  join lateral (select * from public.approvals a where a.action_id = ac.id order by a.created_at limit 1) ap on true
  where ac.id = any (p_action_ids[1:500]) and ac.agent_id = public.current_agent_id()
$$;

-- An agent withdraws its own pending request (no longer needed); decided ones stay as decided.
create or replace function public.agent_cancel(p_action_id uuid, p_reason text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_agent_id uuid := public.current_agent_id();
  v_action public.actions;
  v_before public.approvals;
  v_after public.approvals;
begin
  if v_agent_id is null then
    return public.agent_refusal('not_an_agent', 'Only a signed-in agent credential may cancel its requests.');
  end if;
  select * into v_action from public.actions where id = p_action_id and agent_id = v_agent_id for update;
  if not found then
    return public.agent_refusal('not_found', 'No such request of this agent.');
  end if;
  select * into v_before from public.approvals where action_id = v_action.id order by created_at limit 1 for update;
  if v_before.status not in ('pending', 'escalated') or v_before.expires_at <= now() then
    return jsonb_build_object('status', 'replayed', 'request', public.agent_request_view(v_action, v_before));
  end if;
  update public.approvals set status = 'cancelled', version = version + 1,
    decision_reason = coalesce(nullif(btrim(left(p_reason, 2000)), ''), 'Withdrawn by the agent.')
  where id = v_before.id returning * into v_after;
  update public.actions set approval_state = 'cancelled' where id = v_action.id returning * into v_action;
  perform public.push_write_audit(jsonb_build_object(
    'tenant_id', v_after.tenant_id, 'actor_type', 'agent', 'actor_id', v_agent_id, 'action', 'approval.cancelled',
    'entity_type', 'approval', 'entity_id', v_after.id::text,
    'before_state', public.push_approval_state(v_before), 'after_state', public.push_approval_state(v_after)));
  return jsonb_build_object('status', 'accepted', 'request', public.agent_request_view(v_action, v_after));
end
$$;

-- The tools catalog as the signed-in agent's tenant holds it, for the MCP approval gateway (issue
-- 13): which upstream tools exist here at all (others are refused) and which may write (those go
-- through agent_propose and a reviewer; the rest pass straight through). An agent reads no table of
-- the catalog directly; anyone who is not an agent gets an empty list.
create or replace function public.agent_tools() returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'app', t.app, 'key', t.tool_key, 'write_allowed', t.write_allowed, 'description', t.description)
         order by t.app, t.tool_key), '[]'::jsonb)
  from public.tools t
  join public.agents a on a.tenant_id = t.tenant_id
  where a.id = public.current_agent_id() and t.deleted_at is null
$$;
revoke all on function public.agent_tools() from public, anon;
grant execute on function public.agent_tools() to authenticated;

-- ───────────────────────── policy changes (console intent) ─────────────────────────

-- policy.set: {tool_id, agent_id?, policy}. Needs policies:manage in the tool's tenant; every
-- approver named must be able to decide there; audited with the policy before and after.
create or replace function public.push_intent_policy_set(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_tool public.tools;
  v_agent_id uuid;
  v_policy jsonb := p_args -> 'policy';
  v_errors text[];
  v_before public.tool_policies;
  v_after public.tool_policies;
  v_approver text;
begin
  perform public.push_args_only(p_args, array['tool_id', 'agent_id', 'policy']);
  select * into v_tool from public.tools where id = public.push_arg_uuid(p_args, 'tool_id') and deleted_at is null;
  if not found then
    perform public.push_refuse('not_found');
  end if;
  perform public.push_require_visible(v_tool.tenant_id, p_uid);
  perform public.push_require_permission(v_tool.tenant_id, p_uid, 'policies:manage');
  v_agent_id := public.push_arg_uuid(p_args, 'agent_id', false);
  if v_agent_id is not null and not exists (
    select 1 from public.agents a where a.id = v_agent_id and a.tenant_id = v_tool.tenant_id and a.deleted_at is null) then
    perform public.push_refuse('not_found', 'No such agent in the tool’s tenant.');
  end if;
  v_errors := public.agent_policy_errors(v_policy);
  if cardinality(v_errors) > 0 then
    perform public.push_refuse('invalid_policy', 'The policy is not valid: ' || array_to_string(v_errors[1:5], '; '));
  end if;
  -- Four-eyes needs two different approvers; a list naming one person could never complete.
  if jsonb_array_length(coalesce(v_policy -> 'approver_ids', '[]')) = 1
     and (v_policy ->> 'approval' = 'four_eyes' or exists (
       select 1 from jsonb_array_elements(coalesce(v_policy -> 'rules', '[]')) r where r ->> 'route' = 'four_eyes')) then
    perform public.push_refuse('invalid_policy', 'Four-eyes needs at least two approvers; name two or none.');
  end if;
  for v_approver in select jsonb_array_elements_text(coalesce(v_policy -> 'approver_ids', '[]')) loop
    if not public.has_permission(v_tool.tenant_id, v_approver::uuid, 'approvals:decide') then
      perform public.push_refuse('invalid_policy', format('Approver %s cannot decide approvals in this tenant.', v_approver));
    end if;
  end loop;

  select * into v_before from public.tool_policies
  where tool_id = v_tool.id and agent_id is not distinct from v_agent_id and deleted_at is null
  for update;
  if found then
    update public.tool_policies set policy = v_policy, updated_by = p_uid where id = v_before.id returning * into v_after;
  else
    insert into public.tool_policies (tenant_id, tool_id, agent_id, policy, updated_by)
    values (v_tool.tenant_id, v_tool.id, v_agent_id, v_policy, p_uid)
    returning * into v_after;
  end if;
  return jsonb_build_object('tenant_id', v_tool.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(v_tool.tenant_id, p_uid, 'policy.set', 'tool_policy', v_after.id,
      case when v_before.id is not null then jsonb_build_object('policy', v_before.policy) end,
      jsonb_build_object('policy', v_after.policy),
      jsonb_strip_nulls(jsonb_build_object('tool', v_tool.app || '.' || v_tool.tool_key, 'agent_id', v_agent_id))));
end
$$;

-- ───────────────────────── backtest ─────────────────────────

-- What a draft policy would have done with the last p_days of requests for a tool that people
-- decided: how many it would have auto-approved, and how many of those a person had rejected or
-- approved only after editing. Risk, amount (as asked) and hour are the request's own; trust is the agent's
-- current score (the ledger keeps days, not the score as it stood). Read-only; needs
-- policies:manage in the tool's tenant. p_agent_id limits it to one agent (an override's draft).
create or replace function public.agent_policy_backtest(p_tool_id uuid, p_policy jsonb, p_agent_id uuid default null,
                                                        p_days int default 90)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_tool public.tools;
  v_base_currency text;
  v_errors text[];
  v_out jsonb;
begin
  select * into v_tool from public.tools where id = p_tool_id and deleted_at is null;
  if not found or auth.uid() is null or not public.has_permission(v_tool.tenant_id, auth.uid(), 'policies:manage') then
    raise exception 'not_found' using errcode = 'OC400', detail = 'No such tool, or no permission to manage its policy.';
  end if;
  select t.base_currency into v_base_currency from public.tenants t where t.id = v_tool.tenant_id;
  v_errors := public.agent_policy_errors(p_policy);
  if cardinality(v_errors) > 0 then
    raise exception 'invalid_policy' using errcode = 'OC400',
      detail = 'The policy is not valid: ' || array_to_string(v_errors[1:5], '; ');
  end if;
  with decided as (
    select ap.id, ap.status,
           exists (select 1 from public.approval_decisions d
                   where d.approval_id = ap.id and d.decision = 'approve_with_edits'
                     and public.canonical_hash(d.edited_payload) <> d.payload_hash_seen) as edited,
           -- The amount as the policy saw it when the request came in (an edit changes the
           -- approval's amount afterwards); for requests not filed through the intake, the
           -- approval's amount at the rate of its day.
           public.agent_policy_route(p_policy,
             case when ap.origin ? 'amount_base' then (ap.origin ->> 'amount_base')::numeric
                  else ap.amount * public.fx_rate_on(ap.currency, v_base_currency, ap.created_at::date) end,
             ap.risk_level, public.agent_trust_score(ac.agent_id),
             public.agent_tenant_hour(ap.tenant_id, ap.created_at)) ->> 'route' as route
    from public.approvals ap
    join public.actions ac on ac.id = ap.action_id
    where ap.tenant_id = v_tool.tenant_id
      and ac.tool ->> 'app' = v_tool.app and ac.tool ->> 'key' = v_tool.tool_key
      and (p_agent_id is null or ac.agent_id = p_agent_id)
      and ap.status in ('approved', 'rejected') and ap.decided_by is not null
      and ap.created_at >= now() - make_interval(days => least(greatest(coalesce(p_days, 90), 1), 366))
      and ap.deleted_at is null
  )
  select jsonb_build_object(
    'days', least(greatest(coalesce(p_days, 90), 1), 366),
    'decided', count(*),
    'would_auto_approve', count(*) filter (where route = 'auto'),
    'would_auto_approve_rejected', count(*) filter (where route = 'auto' and status = 'rejected'),
    'would_auto_approve_edited', count(*) filter (where route = 'auto' and status = 'approved' and edited),
    'would_deny', count(*) filter (where route = 'deny'),
    'would_deny_approved', count(*) filter (where route = 'deny' and status = 'approved'),
    'would_require', count(*) filter (where route in ('required', 'four_eyes')),
    -- The requests a reviewer should look at before saving: auto-approved, yet a person said no or edited.
    'auto_approved_but_rejected_or_edited', coalesce(
      (array_agg(id order by id) filter (where route = 'auto' and (status = 'rejected' or edited)))[1:50], '{}'))
  into v_out
  from decided;
  return v_out;
end
$$;

revoke all on function public.agent_policy_schema(), public.agent_policy_errors(jsonb),
  public.agent_policy_route(jsonb, numeric, int, numeric, int),
  public.agent_request_money(public.tools, text, jsonb), public.agent_trust_score(uuid),
  public.agent_effective_policy(public.tools, uuid),
  public.agent_tenant_hour(uuid, timestamptz), public.agent_refusal(text, text),
  public.agent_request_view(public.actions, public.approvals),
  public.push_intent_policy_set(uuid, uuid, jsonb, timestamptz)
  from public, anon, authenticated;
grant execute on function public.agent_request_view(public.actions, public.approvals) to authenticated;
revoke all on function public.agent_propose(jsonb, jsonb, text, uuid, text, text, text, int),
  public.agent_requests(uuid[]), public.agent_cancel(uuid, text),
  public.agent_policy_backtest(uuid, jsonb, uuid, int)
  from public, anon;
grant execute on function public.agent_propose(jsonb, jsonb, text, uuid, text, text, text, int),
  public.agent_requests(uuid[]), public.agent_cancel(uuid, text),
  public.agent_policy_backtest(uuid, jsonb, uuid, int)
  to authenticated, service_role;
