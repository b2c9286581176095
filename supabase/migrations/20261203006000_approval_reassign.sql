-- Reassigning an approval to a named colleague (console `d`): the request then waits for that
-- reviewer alone in place of the one who handed it on (four-eyes keeps its other approvers). The
-- server checks the target with the one decision rule set (src/shared/decision-rules.ts,
-- 20261203001100_decision_rule_set.sql): the target must be someone who could APPROVE the request
-- as it stands, so the checks are the release rules run from the target's standing —
--   may_decide, not_requester, risk_ceiling, once_per_version (approvals of the current payload
--   hash, as four-eyes counts them), sane_amount, rate_known, within_limit —
-- with the money read as push_approval_decide reads it: the amount the payload moves where its
-- schema's x-money points (payload_money), else the declared amount, converted into the tenant's
-- base currency with fx_rate_on, and compared with the target's limit, which is in base currency.
-- So a reassignment can never hand a request to someone who could not decide it. A withdrawn
-- request is refused as push_approval_decide refuses it (not_withdrawn → invalid_state). The
-- console's typeahead (src/core/queries/reassignees.ts) runs the same rules through the pre-flight.
-- Audited as approval.reassign with both people; History and the detail name them.

create or replace function public.push_intent_approval_reassign(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_approval_id uuid;
  v_target uuid;
  v_version_seen int;
  v_note text;
  a public.approvals;
  v_after public.approvals;
  v_member record;
  v_target_member record;
  v_approvers uuid[];
  v_target_name text;
  v_base_currency text;
  v_schema jsonb;
  v_money record;
  v_amount numeric;      -- what the payload moves, in v_currency
  v_currency text;
  v_rate numeric;
  v_base_amount numeric;
begin
  perform public.push_args_only(p_args, array['approval_id', 'to_user_id', 'version_seen', 'note']);
  v_approval_id := public.push_arg_uuid(p_args, 'approval_id');
  v_target := public.push_arg_uuid(p_args, 'to_user_id');
  if jsonb_typeof(p_args -> 'version_seen') is distinct from 'number'
     or (p_args ->> 'version_seen')::numeric <> trunc((p_args ->> 'version_seen')::numeric)
     or (p_args ->> 'version_seen')::numeric not between 0 and 2147483647 then
    perform public.push_refuse('invalid_input', 'version_seen must be a whole number');
  end if;
  v_version_seen := (p_args ->> 'version_seen')::int;
  v_note := public.push_arg_text(p_args, 'note');

  -- The caller: sees it, may decide approvals here, and is (one of) the people it waits for.
  select * into a from public.approvals where id = v_approval_id and deleted_at is null for update;
  if not found then
    perform public.push_refuse('not_found');
  end if;
  select * into v_member from public.effective_membership(a.tenant_id, p_uid);
  if not found then
    perform public.push_refuse('not_found');
  end if;
  if not public.has_permission(a.tenant_id, p_uid, 'approvals:decide') then
    perform public.push_refuse('forbidden', format('Your role (%s) may not reassign approvals here.', v_member.role));
  end if;
  if a.status = 'expired' or (a.status in ('pending', 'escalated') and a.expires_at <= now()) then
    perform public.push_refuse('approval_expired');
  end if;
  if a.status = 'cancelled' then
    perform public.push_refuse('invalid_state', 'This request was withdrawn.');
  end if;
  if a.status not in ('pending', 'escalated') then
    perform public.push_refuse('already_decided', format('This request was already %s.', a.status));
  end if;
  if v_version_seen <> a.version then
    perform public.push_refuse('stale_version');
  end if;
  if a.requested_by_user_id = p_uid then
    perform public.push_refuse('self_approval', 'You cannot choose who decides a request you raised yourself.');
  end if;
  if cardinality(a.approver_ids) > 0 and p_uid <> all (a.approver_ids) then
    perform public.push_refuse('not_an_approver', 'Only a reviewer this request waits for can hand it on.');
  end if;

  -- The target: someone who could approve it, checked by the release rules from their standing.
  if v_target = p_uid then
    perform public.push_refuse('reassign_target_cannot_decide', 'Choose someone other than yourself.');
  end if;
  select * into v_target_member from public.effective_membership(a.tenant_id, v_target);
  if not found or not public.has_permission(a.tenant_id, v_target, 'approvals:decide') then
    perform public.push_refuse('reassign_target_cannot_decide', 'That person may not decide approvals in this tenant.');
  end if;
  if a.requested_by_user_id = v_target then
    perform public.push_refuse('reassign_target_cannot_decide', 'That person raised this request and cannot decide it.');
  end if;
  if v_target_member.max_risk < a.risk_level then
    perform public.push_refuse('reassign_target_cannot_decide',
      format('That person may decide up to risk %s; this request is risk %s.', v_target_member.max_risk, a.risk_level));
  end if;
  if exists (select 1 from public.approval_decisions d
             where d.approval_id = a.id and d.payload_hash_approved = a.payload_hash
               and v_target in (d.actor_id, d.on_behalf_of)) then
    perform public.push_refuse('reassign_target_cannot_decide', 'That person already approved this request.');
  end if;

  -- Money as push_approval_decide checks it: what the payload moves, in the tenant's base currency.
  -- An amount nobody could release, or one with no rate, is refused with the rule's own code.
  v_schema := public.push_payload_schema(a);
  select t.base_currency into v_base_currency from public.tenants t where t.id = a.tenant_id;
  if v_schema ? 'x-money' then
    select * into v_money from public.payload_money(v_schema -> 'x-money', a.payload, v_base_currency);
    if v_money.o_problem is not null then
      perform public.push_refuse('invalid_amount', format('The amount to release cannot be trusted: %s.', v_money.o_problem));
    end if;
    v_amount := v_money.o_amount;
    v_currency := v_money.o_currency;
  elsif a.amount is not null then
    if a.amount < 0 then
      perform public.push_refuse('invalid_amount', 'The amount to release cannot be trusted: the amount is negative.');
    end if;
    v_amount := a.amount;
    v_currency := a.currency;
  end if;
  if v_amount is not null then
    v_rate := public.fx_rate_on(v_currency, v_base_currency, current_date);
    if v_rate is null then
      perform public.push_refuse('fx_rate_missing',
        format('No exchange rate from %s to %s is on record, so the amount cannot be checked against a limit.',
               v_currency, v_base_currency));
    end if;
    v_base_amount := v_amount * v_rate;
  end if;
  if v_target_member.approval_limit is not null and v_base_amount > v_target_member.approval_limit then
    perform public.push_refuse('reassign_target_cannot_decide',
      format('%s (%s) is above that person''s approval limit of %s.', public.money_text(v_amount, v_currency),
             public.money_text(v_base_amount, v_base_currency), public.money_text(v_target_member.approval_limit, v_base_currency)));
  end if;

  -- Four-eyes keeps its other approvers: the target takes the caller's place in the list. With no
  -- list, the request now waits for the target alone — unless it needs more than one approver.
  if cardinality(a.approver_ids) > 0 then
    v_approvers := array_append(array_remove(a.approver_ids, p_uid), v_target);
  elsif a.required_approvals > 1 then
    perform public.push_refuse('invalid_state', 'A request that needs several approvers cannot be handed to one person.');
  else
    v_approvers := array[v_target];
  end if;

  update public.approvals set approver_ids = v_approvers, version = version + 1
  where id = a.id
  returning * into v_after;

  select coalesce(p.full_name, p.email) into v_target_name from public.profiles p where p.id = v_target;

  return jsonb_build_object('tenant_id', a.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(a.tenant_id, p_uid, 'approval.reassign', 'approval', a.id,
      jsonb_build_object('approver_ids', a.approver_ids, 'version', a.version),
      jsonb_build_object('approver_ids', v_after.approver_ids, 'version', v_after.version),
      jsonb_strip_nulls(jsonb_build_object('client_mutation_id', p_mutation_id, 'to_user_id', v_target,
                        'to_name', v_target_name, 'note', v_note))));
end
$$;

revoke all on function public.push_intent_approval_reassign(uuid, uuid, jsonb, timestamptz) from public, anon, authenticated;
