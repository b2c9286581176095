-- Reassigning an approval to a named colleague (console `d`): the request then waits for that
-- reviewer alone in place of the one who handed it on. The server checks the target exactly as it
-- would check them deciding it — a member who may decide approvals here, within their risk ceiling
-- and approval limit, not the requester, not someone who already approved it — and refuses
-- otherwise, so a reassignment can never hand a request to someone who could not decide it.
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
  elsif a.status not in ('pending', 'escalated') then
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

  -- The target: someone who could decide it, checked as a decision of theirs would be.
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
  if v_target_member.approval_limit is not null and a.amount is not null and a.amount > v_target_member.approval_limit then
    perform public.push_refuse('reassign_target_cannot_decide',
      format('%s %s is above that person''s approval limit of %s.', a.amount, a.currency, v_target_member.approval_limit));
  end if;
  if exists (select 1 from public.approval_decisions d where d.approval_id = a.id
             and d.decision in ('approve', 'approve_with_edits') and v_target in (d.actor_id, d.on_behalf_of)) then
    perform public.push_refuse('reassign_target_cannot_decide', 'That person already approved this request.');
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
