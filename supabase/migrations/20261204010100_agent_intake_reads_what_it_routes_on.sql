-- The intake reads an agent's trust score, and its tenant's local hour, only when a rule of the
-- policy routing the request looks at them (issue 12, intake throughput). Most tools' policies
-- route on amount and risk alone, or are the tool's default without rules, and the trust score's
-- query over the agent's last 30 days of trust_ledger was ~0.15 ms of PostgreSQL CPU per proposal
-- (a SQL function is set up again in each transaction, and every proposal is one). A policy routes
-- exactly as before: agent_policy_route reads the trust and the hour only for a rule with a trust
-- or an hour condition. What changes is the request's recorded origin: `trust` is the score the
-- policy saw, so it is null when no rule looked at it (as it already was for an agent without a
-- score). agent_intake of 20261203180000_agent_propose_many.sql otherwise unchanged.

create or replace function public.agent_intake(
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
  v_conditions jsonb;
  v_routed jsonb;
  v_route text;
  v_rule text;
  v_rejected public.approvals;
  v_flag_id uuid;
  v_action public.actions;
  v_approval public.approvals;
  v_kind text := coalesce(p_kind, 'tool_call');
  v_answer jsonb;
  v_audit jsonb;
begin
  select a.* into v_agent from public.agents a where a.id = public.current_agent_id() and a.deleted_at is null;
  if not found then
    return jsonb_build_object('answer', public.agent_refusal('not_an_agent', 'Only a signed-in agent credential may propose actions.'));
  end if;
  if v_agent.status <> 'active' then
    return jsonb_build_object('answer', public.agent_refusal('agent_suspended', format('This agent is %s; its proposals are refused.', v_agent.status)));
  end if;

  -- The call's shape.
  if jsonb_typeof(p_tool) = 'string' and (p_tool #>> '{}') ~ '^[^.]+\.[^.].*$' then
    v_app := split_part(p_tool #>> '{}', '.', 1);
    v_key := substr(p_tool #>> '{}', length(v_app) + 2);
  elsif jsonb_typeof(p_tool) = 'object' and jsonb_typeof(p_tool -> 'app') = 'string' and jsonb_typeof(p_tool -> 'key') = 'string' then
    v_app := p_tool ->> 'app';
    v_key := p_tool ->> 'key';
  else
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'tool must be {"app", "key"} or "app.key"'));
  end if;
  if jsonb_typeof(p_args) is distinct from 'object' then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'args must be a JSON object'));
  end if;
  if octet_length(p_args::text) > 262144 then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'args are larger than 256 KiB'));
  end if;
  if p_external_id is null or length(p_external_id) not between 1 and 200 then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'external_id (the idempotency key) must be 1 to 200 characters'));
  end if;
  if v_kind not in ('tool_call', 'refund', 'payout', 'journal_posting', 'spend') then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'kind must be one of tool_call, refund, payout, journal_posting, spend'));
  end if;
  if p_risk is not null and p_risk not between 0 and 5 then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'risk must be between 0 and 5'));
  end if;
  if length(p_title) > 500 or length(p_summary) > 20000 then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'title is at most 500 and summary at most 20,000 characters'));
  end if;
  v_args_hash := public.canonical_hash(p_args);

  -- Idempotency: duplicates of one key serialize here; the second finds the first's request.
  perform pg_advisory_xact_lock(hashtextextended('agent_propose:' || v_agent.tenant_id || ':' || p_external_id, 0));
  select * into v_prior from public.actions where tenant_id = v_agent.tenant_id and external_id = p_external_id;
  if found then
    select * into v_prior_approval from public.approvals where action_id = v_prior.id order by created_at limit 1;
    if v_prior.agent_id is distinct from v_agent.id or v_prior.tool ->> 'app' <> v_app or v_prior.tool ->> 'key' <> v_key
       or (v_prior_approval.origin ->> 'args_hash') is distinct from v_args_hash then
      return jsonb_build_object('answer', public.agent_refusal('idempotency_conflict',
        'This idempotency key was already used for a different call; use a new key for a new call.'));
    end if;
    return jsonb_build_object('answer', jsonb_build_object('status', 'replayed', 'request', public.agent_request_view(v_prior, v_prior_approval)));
  end if;

  select * into v_tool from public.tools
  where tenant_id = v_agent.tenant_id and app = v_app and tool_key = v_key and deleted_at is null;
  if not found then
    return jsonb_build_object('answer', public.agent_refusal('unknown_tool', format('No tool %s.%s in this tenant.', v_app, v_key)));
  end if;
  if not v_tool.write_allowed then
    return jsonb_build_object('answer', public.agent_refusal('tool_not_writable', format('%s.%s is not allowed to write.', v_app, v_key)));
  end if;
  v_errors := public.json_schema_errors(v_tool.json_schema, p_args);
  if cardinality(v_errors) > 0 then
    return jsonb_build_object('answer', public.agent_refusal('invalid_args', 'The arguments do not match the tool’s schema: '
                                || array_to_string(v_errors[1:5], '; ')));
  end if;
  if p_task_id is not null and not exists (
    select 1 from public.tasks t where t.id = p_task_id and t.tenant_id = v_agent.tenant_id
      and (t.agent_id is null or t.agent_id = v_agent.id) and t.deleted_at is null) then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'task_id names no task of this agent'));
  end if;

  v_eff := public.agent_effective_policy(v_tool, v_agent.id);
  v_policy := v_eff -> 'policy';
  v_risk := greatest(coalesce((v_policy ->> 'risk')::int, v_tool.risk_default), coalesce(p_risk, 0));

  -- Autonomy (seed 003): A1 agents only read and suggest, A2 and A3 may propose writes. The
  -- agent's risk tier is the highest risk it may ask for at all.
  if v_agent.autonomy = 'A1' then
    return jsonb_build_object('answer', public.agent_refusal('autonomy_forbids', 'An A1 (suggest-only) agent may not propose actions.'));
  end if;
  if v_risk > v_agent.risk_tier then
    return jsonb_build_object('answer', public.agent_refusal('agent_tier_forbids',
      format('This call is risk %s; this agent may ask for up to risk %s.', v_risk, v_agent.risk_tier)));
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
    return jsonb_build_object('answer', public.agent_refusal('repeat_after_rejection',
      'The same call was already rejected; change it or escalate instead of asking again.')
      || jsonb_build_object('rejected_approval_id', v_rejected.id));
  end if;

  -- Route.
  v_money := public.agent_request_money(v_tool, v_kind, p_args);
  -- An amount beyond any real payment is refused outright; any other unreadable amount is unknown.
  if (v_money ->> 'amount')::numeric >= 1e12 then
    return jsonb_build_object('answer', public.agent_refusal('invalid_input', 'amount is out of range: ' || (v_money ->> 'problem')));
  end if;
  v_amount_base := (v_money ->> 'amount_base')::numeric;
  -- The agent's trust score and the tenant's hour are read only when a rule looks at them.
  v_conditions := jsonb_path_query_array(v_policy, '$.rules[*].when.keyvalue().key', '{}', true);
  if v_conditions ?| array['trust_below', 'trust_at_least'] then
    v_trust := public.agent_trust_score(v_agent.id);
  end if;
  v_routed := public.agent_policy_route(v_policy, v_amount_base, v_risk, v_trust,
    case when v_conditions ?| array['from_hour', 'until_hour'] then public.agent_tenant_hour(v_agent.tenant_id, now()) end);
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
    return jsonb_build_object('answer', public.agent_refusal('rate_limited',
      format('The %s rate limit is reached; try again shortly.', v_tool.rate_bucket)));
  end;

  v_answer := jsonb_build_object('status', 'accepted', 'request', public.agent_request_view(v_action, v_approval));
  v_audit := jsonb_build_object(
    'tenant_id', v_agent.tenant_id, 'actor_type', 'agent', 'actor_id', v_agent.id,
    'action', case v_route when 'auto' then 'approval.auto_approved' when 'deny' then 'approval.policy_denied'
                           else 'approval.requested' end,
    'entity_type', 'approval', 'entity_id', v_approval.id::text,
    'after_state', public.push_approval_state(v_approval),
    'metadata', jsonb_build_object('action_id', v_action.id, 'external_id', p_external_id, 'tool', v_action.tool,
                                   'policy_id', v_eff ->> 'id', 'route', v_route, 'rule', v_rule));

  return jsonb_build_object('answer', v_answer, 'audit', v_audit);
end
$$;

revoke all on function public.agent_intake(jsonb, jsonb, text, uuid, text, text, text, int)
  from public, anon, authenticated, service_role;
