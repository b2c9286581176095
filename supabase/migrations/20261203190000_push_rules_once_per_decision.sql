-- Replay of offline decisions (issue 16, replay_1000_s): push_approval_decide read the rule table
-- (decision_rules(), 18 rows) once per check — two function calls for each of ~18 checks of every
-- decision, a fifth of sync_push's time. The rules that bind the decision are now read once per
-- decision into a list, and each check asks that list (push_rule_binds(rule, list), plain SQL the
-- planner inlines). The checks, their order and their refusals are unchanged; the rule table is
-- still the one source (test/push/decision-rules.test.ts reads the order from this function).
-- Four-eyes no longer re-hashes an unedited payload: the approval's payload_hash is its hash
-- (approvals_payload_hash keeps it so).

-- Whether a rule binds, asked of the rules read once for the decision. No SET clause, so it is
-- inlined into the caller's expression (pg_catalog's = any is found whatever the search_path).
create or replace function public.push_rule_binds(p_rule text, p_binding text[])
returns boolean
language sql
immutable
parallel safe
as $$
  select p_rule = any (p_binding)
$$;

-- Returns {tenant_id, row: the approval after the decision, trust, audit}; refuses with push_refuse.
create or replace function public.push_approval_decide(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_approval_id uuid;
  v_decision text;
  v_version_seen int;
  v_hash_seen text;
  v_reason text;
  v_edited jsonb;
  v_on_behalf uuid;
  v_principal uuid;
  a public.approvals;
  v_after public.approvals;
  v_member record;
  v_delegator record;    -- the delegator's standing when deciding under a delegation
  v_max_risk int;        -- the stricter of the reviewer's and the delegator's ceilings
  v_limit numeric;
  v_releasing boolean;   -- approve or approve_with_edits
  v_binds text[];        -- the rules that bind this decision (decision_rules), read once
  v_base_currency text;
  v_schema jsonb;        -- the tool's schema, or the kind's built-in one
  v_to_run jsonb;        -- the payload that will run if this decision releases it
  v_money record;
  v_amount numeric;      -- what the payload to run moves, in v_currency
  v_currency text;
  v_rate numeric;
  v_base_amount numeric;
  v_errors text[];
  v_approvals_now int;   -- distinct principals who approved the payload that will run
  v_outcome text;        -- the approval's status after this decision
  v_was_edited boolean;  -- the approved payload differs from what the agent asked for
  v_decision_id uuid;
  v_escalation_id uuid;
  v_target uuid;
  v_trust jsonb;       -- the agent's trust event, applied by sync_push at the end of the batch
  v_audit jsonb;       -- the audit entry, appended by sync_push once the decision is applied
begin
  -- Arguments (IntentArgs['approval.decide']).
  perform public.push_args_only(p_args, array['approval_id', 'decision', 'version_seen', 'payload_hash_seen',
                                               'reason', 'edited_payload', 'on_behalf_of']);
  v_approval_id := public.push_arg_uuid(p_args, 'approval_id');
  v_decision := public.push_arg_enum(p_args, 'decision', array['approve', 'approve_with_edits', 'reject', 'escalate']);
  if jsonb_typeof(p_args -> 'version_seen') is distinct from 'number'
     or (p_args ->> 'version_seen')::numeric <> trunc((p_args ->> 'version_seen')::numeric)
     or (p_args ->> 'version_seen')::numeric not between 0 and 2147483647 then
    perform public.push_refuse('invalid_input', 'version_seen must be a whole number');
  end if;
  v_version_seen := (p_args ->> 'version_seen')::int;
  if jsonb_typeof(p_args -> 'payload_hash_seen') is distinct from 'string'
     or length(p_args ->> 'payload_hash_seen') > 200 then
    perform public.push_refuse('invalid_input', 'payload_hash_seen must be the hash the reviewer saw');
  end if;
  v_hash_seen := p_args ->> 'payload_hash_seen';
  v_reason := public.push_arg_text(p_args, 'reason');
  v_on_behalf := public.push_arg_uuid(p_args, 'on_behalf_of', false);
  if v_on_behalf = p_uid then
    v_on_behalf := null; -- acting for oneself is just acting
  end if;
  v_edited := nullif(p_args -> 'edited_payload', 'null'::jsonb);
  if (v_decision = 'approve_with_edits') <> (v_edited is not null) then
    perform public.push_refuse('invalid_input', 'edited_payload comes with approve_with_edits, and only with it');
  end if;
  v_releasing := v_decision in ('approve', 'approve_with_edits');
  v_binds := array(select r.rule from public.decision_rules() r where v_decision = any (r.binds));

  -- visible: a tenant the reviewer does not see answers exactly like a missing approval.
  select * into a from public.approvals where id = v_approval_id and deleted_at is null for update;
  if public.push_rule_binds('visible', v_binds) and not found then
    perform public.push_refuse('not_found');
  end if;
  select * into v_member from public.effective_membership(a.tenant_id, p_uid);
  if public.push_rule_binds('visible', v_binds) and not found then
    perform public.push_refuse('not_found');
  end if;
  if public.push_rule_binds('may_decide', v_binds) and not exists (
    select 1 from public.role_permissions rp where rp.role = v_member.role and rp.permission = 'approvals:decide') then
    perform public.push_refuse('forbidden', format('Your role (%s) may not decide approvals here.', v_member.role));
  end if;

  -- Open: an escalated approval still is (it waits for a higher authority), until it expires.
  if public.push_rule_binds('not_expired', v_binds)
     and (a.status = 'expired' or (a.status in ('pending', 'escalated') and a.expires_at <= now())) then
    perform public.push_refuse('approval_expired');
  end if;
  if public.push_rule_binds('not_withdrawn', v_binds) and a.status = 'cancelled' then
    perform public.push_refuse('invalid_state', 'This request was withdrawn.');
  end if;
  if public.push_rule_binds('still_open', v_binds) and a.status not in ('pending', 'escalated') then
    perform public.push_refuse('already_decided', format('This request was already %s.', a.status));
  end if;

  -- Bound to what was shown.
  if public.push_rule_binds('as_seen', v_binds) and (v_version_seen <> a.version or v_hash_seen <> a.payload_hash) then
    perform public.push_refuse('stale_version');
  end if;

  -- Risk ≥ 4 is never rejected without saying why (console.md "Safety by risk").
  if public.push_rule_binds('reason_for_high_risk', v_binds) and a.risk_level >= 4 and v_reason is null then
    perform public.push_refuse('reason_required');
  end if;

  -- Segregation of duties: not the requester, nor a delegate acting for the requester.
  if public.push_rule_binds('not_requester', v_binds) and a.requested_by_user_id = p_uid then
    perform public.push_refuse('self_approval');
  end if;
  if public.push_rule_binds('delegate_not_for_requester', v_binds) and v_on_behalf is not null
     and a.requested_by_user_id = v_on_behalf then
    perform public.push_refuse('self_approval', 'A delegate cannot decide a request raised by the person they act for.');
  end if;
  if public.push_rule_binds('delegation_covers', v_binds) and v_on_behalf is not null
     and (public.push_covering_delegation(a, v_on_behalf, p_uid) is null
          or not public.has_permission(a.tenant_id, v_on_behalf, 'approvals:decide')) then
    perform public.push_refuse('forbidden',
      format('No active delegation lets you decide risk-%s requests for that reviewer now.', a.risk_level));
  end if;

  -- The approver list, reached directly or through a delegation from someone on it.
  if cardinality(a.approver_ids) > 0 and coalesce(v_on_behalf, p_uid) <> all (a.approver_ids) then
    if v_on_behalf is null then
      select d.delegator_id into v_on_behalf
      from public.approval_delegations d
      where d.delegate_id = p_uid and d.delegator_id = any (a.approver_ids)
        and d.delegator_id is distinct from a.requested_by_user_id
        and public.push_covering_delegation(a, d.delegator_id, p_uid) = d.id
        and public.has_permission(a.tenant_id, d.delegator_id, 'approvals:decide')
      order by d.ends_at desc, d.id
      limit 1;
    end if;
    if public.push_rule_binds('named_approver', v_binds) and (v_on_behalf is null or v_on_behalf <> all (a.approver_ids)) then
      perform public.push_refuse('not_an_approver');
    end if;
  end if;
  v_principal := coalesce(v_on_behalf, p_uid);

  -- The ceilings of whoever releases: a delegate stays within the stricter of their own and the
  -- delegator's (a delegation lends authority, it never raises it).
  v_max_risk := v_member.max_risk;
  v_limit := v_member.approval_limit;
  if v_on_behalf is not null then
    select * into v_delegator from public.effective_membership(a.tenant_id, v_on_behalf);
    v_max_risk := least(v_max_risk, v_delegator.max_risk);
    v_limit := case when v_limit is null then v_delegator.approval_limit
                    when v_delegator.approval_limit is null then v_limit
                    else least(v_limit, v_delegator.approval_limit) end;
  end if;
  if public.push_rule_binds('risk_ceiling', v_binds) and v_max_risk < a.risk_level then
    perform public.push_refuse('risk_above_max',
      format('This request is risk %s; you may decide up to risk %s.', a.risk_level, v_max_risk));
  end if;

  -- Nobody approves the same payload twice, in person or through a delegate. (An edit makes a new
  -- payload: who approved the old one may approve the new one.)
  if public.push_rule_binds('once_per_version', v_binds) and exists (
    select 1 from public.approval_decisions d
    where d.approval_id = a.id and d.payload_hash_approved = a.payload_hash
      and (d.actor_id in (p_uid, v_principal) or d.on_behalf_of in (p_uid, v_principal))
  ) then
    perform public.push_refuse('duplicate_approver');
  end if;

  -- An edit is a new payload: an object valid against the tool's (or the kind's) schema.
  v_schema := public.push_payload_schema(a);
  if public.push_rule_binds('edit_schema', v_binds) then
    if v_schema is null then
      perform public.push_refuse('invalid_payload',
        format('A %s request has no schema to check an edit against; approve or reject it as it is.', a.kind));
    end if;
    if jsonb_typeof(v_edited) is distinct from 'object' then
      perform public.push_refuse('invalid_payload', 'The edited payload must be an object.');
    end if;
    v_errors := public.json_schema_errors(v_schema, v_edited);
    if cardinality(v_errors) > 0 then
      perform public.push_refuse('invalid_payload',
        'The edited payload does not match the tool’s schema: ' || array_to_string(v_errors[1:5], '; '));
    end if;
  end if;

  -- Money is checked on what will run: the amount the payload to run moves (where its schema's
  -- x-money points), else the amount the request declares; in the tenant's base currency.
  v_to_run := coalesce(v_edited, a.payload);
  select t.base_currency into v_base_currency from public.tenants t where t.id = a.tenant_id;
  if v_schema ? 'x-money' then
    select * into v_money from public.payload_money(v_schema -> 'x-money', v_to_run, v_base_currency);
    if public.push_rule_binds('sane_amount', v_binds) and v_money.o_problem is not null then
      perform public.push_refuse('invalid_amount', format('The amount to release cannot be trusted: %s.', v_money.o_problem));
    end if;
    v_amount := v_money.o_amount;
    v_currency := v_money.o_currency;
  elsif a.amount is not null then
    if public.push_rule_binds('sane_amount', v_binds) and a.amount < 0 then
      perform public.push_refuse('invalid_amount', 'The amount to release cannot be trusted: the amount is negative.');
    end if;
    v_amount := a.amount;
    v_currency := a.currency;
  end if;
  if v_amount is not null then
    v_rate := public.fx_rate_on(v_currency, v_base_currency, current_date);
    if public.push_rule_binds('rate_known', v_binds) and v_rate is null then
      perform public.push_refuse('fx_rate_missing',
        format('No exchange rate from %s to %s is on record, so the amount cannot be checked against your limit.',
               v_currency, v_base_currency));
    end if;
    v_base_amount := v_amount * v_rate;
  end if;
  if public.push_rule_binds('within_limit', v_binds) and v_limit is not null and v_base_amount > v_limit then
    perform public.push_refuse('over_limit',
      format('%s (%s) is above your approval limit of %s.', public.money_text(v_amount, v_currency),
             public.money_text(v_base_amount, v_base_currency), public.money_text(v_limit, v_base_currency)));
  end if;

  -- Escalating again returns the open escalation; nothing is written twice.
  if v_decision = 'escalate' then
    select e.id into v_escalation_id from public.escalations e
    where e.approval_id = a.id and e.status <> 'resolved' and e.deleted_at is null;
    if found then
      return jsonb_build_object('tenant_id', a.tenant_id, 'row', to_jsonb(a), 'escalation_id', v_escalation_id);
    end if;
  end if;

  -- The write set, all or nothing with the ledger row sync_push adds.
  insert into public.approval_decisions (tenant_id, approval_id, decision, actor_id, on_behalf_of, edited_payload,
    reason, payload_hash_seen, version_seen, client_mutation_id, client_decided_at, amount, currency, fx_rate, base_amount)
  values (a.tenant_id, a.id, v_decision, p_uid, v_on_behalf, v_edited, v_reason, v_hash_seen, v_version_seen,
          p_mutation_id, p_client_at,
          case when v_releasing then v_amount end, case when v_releasing then v_currency end,
          case when v_releasing then v_rate end, case when v_releasing then v_base_amount end)
  returning id into v_decision_id;

  -- Four-eyes counts distinct principals who approved the payload that will run; an edit restarts
  -- the count (approvals of the earlier payload no longer count). One reject decides.
  select count(distinct coalesce(d.on_behalf_of, d.actor_id))::int into v_approvals_now
  from public.approval_decisions d
  where d.approval_id = a.id
    -- Unedited, the payload to run is the stored one, whose hash the row already holds.
    and d.payload_hash_approved = case when v_edited is null then a.payload_hash else public.canonical_hash(v_to_run) end;
  v_outcome := case v_decision
    when 'reject' then 'rejected'
    when 'escalate' then 'escalated'
    else case when v_approvals_now >= a.required_approvals then 'approved' else a.status end
  end;

  update public.approvals set
    status = v_outcome,
    version = version + 1,
    payload = v_to_run,
    -- The request now declares what its payload moves.
    amount = case when v_edited is not null and v_amount is not null then round(v_amount, 2) else amount end,
    currency = case when v_edited is not null and v_amount is not null then v_currency else currency end,
    decided_by = case when v_outcome in ('approved', 'rejected') then p_uid else decided_by end,
    decided_at = case when v_outcome in ('approved', 'rejected') then now() else decided_at end,
    decision_reason = case when v_outcome in ('approved', 'rejected', 'escalated') then v_reason else decision_reason end,
    escalation_count = escalation_count + (v_decision = 'escalate')::int
  where id = a.id
  returning * into v_after;

  if v_outcome in ('approved', 'rejected') then
    -- Edited = some approver changed what they were shown (an "edit" that changes nothing is not).
    v_was_edited := v_outcome = 'approved' and exists (
      select 1 from public.approval_decisions d
      where d.approval_id = a.id and d.decision = 'approve_with_edits'
        and d.payload_hash_approved <> d.payload_hash_seen);
    if a.action_id is not null then
      -- Every kind runs with exactly the payload that was approved, and the outbox names its hash.
      update public.actions set
        approval_state = v_outcome,
        args = case when v_outcome = 'approved' then v_after.payload else args end
      where id = a.action_id;
      if v_outcome = 'approved' then
        insert into public.outbox (tenant_id, action_id, payload_hash) values (a.tenant_id, a.action_id, v_after.payload_hash)
        on conflict (action_id) do nothing;
      end if;
    end if;
    if a.requested_by_agent_id is not null then
      v_trust := jsonb_build_object('tenant_id', a.tenant_id, 'agent_id', a.requested_by_agent_id, 'outcome',
        case when v_outcome = 'rejected' then 'rejected' when v_was_edited then 'edited' else 'approved_no_edit' end);
    end if;
  end if;

  if v_decision = 'escalate' and a.requested_by_agent_id is not null then
    v_target := public.push_escalation_target(a, p_uid);
    if v_target is not null then
      insert into public.escalations (tenant_id, from_agent_id, to_user_id, type, trigger, context, impact,
                                      recommendation, related_task_id, approval_id)
      values (a.tenant_id, a.requested_by_agent_id, v_target, 'action_required',
              case when a.risk_level >= 4 then 'material_risk' else 'scope_exceeded' end,
              format('Approval "%s" was escalated by a reviewer.', a.title),
              concat_ws(' · ', 'risk ' || a.risk_level, a.amount || ' ' || a.currency, a.counterparty),
              v_reason, a.task_id, a.id)
      returning id into v_escalation_id;
    end if;
  end if;

  -- The requesting agent remembers what was decided and why (a person's request has no agent memory).
  if a.requested_by_agent_id is not null then
    insert into public.memory_entries (tenant_id, agent_id, type, summary, details, importance, tags, related_ids)
    values (
      a.tenant_id, a.requested_by_agent_id, 'decision',
      concat(case v_outcome
               when 'approved' then case when v_was_edited then 'Approved with edits' else 'Approved' end
               when 'rejected' then 'Rejected'
               when 'escalated' then 'Escalated'
               else format('Approved (%s of %s approvals)', v_approvals_now, a.required_approvals)
             end,
             ': ', a.title, case when v_reason is not null then ' — ' || v_reason end),
      jsonb_build_object('approval_id', a.id, 'decision', v_decision, 'outcome', v_outcome, 'actor_id', p_uid,
                         'on_behalf_of', v_on_behalf, 'reason', v_reason, 'edited', v_decision = 'approve_with_edits',
                         'version', v_after.version, 'escalation_id', v_escalation_id),
      case when a.risk_level >= 4 then 'high' when a.risk_level >= 2 then 'medium' else 'low' end,
      array['approval', a.kind, v_decision],
      array_remove(array[a.id, a.action_id, a.task_id], null));
  end if;

  v_audit := public.push_audit_entry(a.tenant_id, p_uid, 'approval.' || v_decision, 'approval', a.id,
    public.push_approval_state(a) || case when v_edited is not null then jsonb_build_object('payload', a.payload) else '{}' end,
    public.push_approval_state(v_after) || case when v_edited is not null then jsonb_build_object('payload', v_after.payload) else '{}' end,
    jsonb_strip_nulls(jsonb_build_object('decision_id', v_decision_id, 'client_mutation_id', p_mutation_id,
                      'on_behalf_of', v_on_behalf, 'reason', v_reason, 'escalation_id', v_escalation_id,
                      'amount', case when v_releasing then v_amount end,
                      'currency', case when v_releasing then v_currency end,
                      'fx_rate', case when v_releasing then v_rate end)));

  return jsonb_build_object('tenant_id', a.tenant_id, 'row', to_jsonb(v_after), 'trust', v_trust, 'audit', v_audit);
end
$$;

revoke all on function public.push_rule_binds(text, text[]), public.push_approval_decide(uuid, uuid, jsonb, timestamptz)
  from public, anon, authenticated;
