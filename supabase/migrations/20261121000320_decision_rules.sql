-- The `approval.decide` intent: decision rules 1–7 of data-model.md, each refusal with its stable
-- code (src/shared/errors.ts), and the full write set of an accepted decision in one transaction.

-- ───────────────────────── delegation ─────────────────────────

-- The delegation under which p_delegate may decide this approval for p_delegator now: active, in
-- its window, covering the approval's risk level, granted in the approval's tenant or its holding.
create or replace function public.push_covering_delegation(p_approval public.approvals, p_delegator uuid, p_delegate uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select d.id
  from public.approval_delegations d
  where d.delegator_id = p_delegator
    and d.delegate_id = p_delegate
    and d.is_active and d.deleted_at is null
    and d.starts_at <= now() and now() < d.ends_at
    and p_approval.risk_level = any (d.risk_levels)
    and d.tenant_id in (p_approval.tenant_id,
                        (select t.parent_tenant_id from public.tenants t where t.id = p_approval.tenant_id))
  order by d.ends_at desc, d.id
  limit 1
$$;

-- ───────────────────────── side effects of a decision ─────────────────────────

-- What the audit log keeps of an approval: the fields a decision changes (the payload only when
-- it is edited, the caller adds it), not the whole row on every entry.
create or replace function public.push_approval_state(p_approval public.approvals)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'status', p_approval.status, 'version', p_approval.version, 'payload_hash', p_approval.payload_hash,
    'decided_by', p_approval.decided_by, 'decided_at', p_approval.decided_at,
    'decision_reason', p_approval.decision_reason, 'escalation_count', p_approval.escalation_count)
$$;

-- The agents' trust for the day: approved-as-is, edited and rejected requests. The score is the
-- day's share of requests approved, an edit counting half, errors and complaints none.
-- Decisions report their trust event ({tenant_id, agent_id, outcome}) and sync_push applies a
-- batch's events here at its end, in the same transaction: one row per agent and day, so writing it
-- once per decision would rewrite the same row hundreds of times in a large batch.
create or replace function public.push_bump_trust(p_events jsonb[])
returns void
language sql
set search_path = ''
as $$
  insert into public.trust_ledger as t (agent_id, day, tenant_id, approved_no_edit, edited, rejected, score)
  select e.agent_id, (now() at time zone 'UTC')::date, e.tenant_id, e.approved_no_edit, e.edited, e.rejected,
         round((e.approved_no_edit + 0.5 * e.edited) / (e.approved_no_edit + e.edited + e.rejected), 4)
  from (
    select (ev ->> 'agent_id')::uuid as agent_id, (ev ->> 'tenant_id')::uuid as tenant_id,
           count(*) filter (where ev ->> 'outcome' = 'approved_no_edit')::int as approved_no_edit,
           count(*) filter (where ev ->> 'outcome' = 'edited')::int as edited,
           count(*) filter (where ev ->> 'outcome' = 'rejected')::int as rejected
    from unnest(p_events) ev
    group by 1, 2
  ) e
  order by e.agent_id -- a fixed lock order against concurrent pushes
  on conflict (agent_id, day) do update set
    approved_no_edit = t.approved_no_edit + excluded.approved_no_edit,
    edited = t.edited + excluded.edited,
    rejected = t.rejected + excluded.rejected,
    score = round(
      ((t.approved_no_edit + excluded.approved_no_edit) + 0.5 * (t.edited + excluded.edited))
      / (t.approved_no_edit + excluded.approved_no_edit + t.edited + excluded.edited
         + t.rejected + excluded.rejected + t.errors + t.complaints), 4)
$$;

-- An escalated approval goes to the next authority: an active member of the tenant (or its
-- holding) who may decide it — holds approvals:decide, may take its risk and amount — and is
-- neither the escalating reviewer nor the requester. Holding members and unlimited approvers first.
-- Null when nobody qualifies (the escalation then has no addressee and is not created).
create or replace function public.push_escalation_target(p_approval public.approvals, p_escalator uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select m.user_id
  from public.tenant_members m
  join public.role_permissions rp on rp.role = m.role and rp.permission = 'approvals:decide'
  where m.is_active and m.deleted_at is null
    and m.tenant_id in (p_approval.tenant_id,
                        (select t.parent_tenant_id from public.tenants t where t.id = p_approval.tenant_id))
    and m.user_id <> p_escalator
    and m.user_id is distinct from p_approval.requested_by_user_id
    and m.max_risk >= p_approval.risk_level
    and (m.approval_limit is null or p_approval.amount is null or m.approval_limit >= p_approval.amount)
    and (cardinality(p_approval.approver_ids) = 0 or m.user_id = any (p_approval.approver_ids)
         or m.tenant_id <> p_approval.tenant_id)
  order by (m.tenant_id <> p_approval.tenant_id) desc, (m.approval_limit is null) desc, m.approval_limit desc,
           m.max_risk desc, m.user_id
  limit 1
$$;

-- Rule 1's other half, run by sync_push after the refused decision rolled back: an approval that
-- was still open past expires_at becomes `expired` (and its action with it), once.
create or replace function public.push_expire_approval(p_approval_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_before public.approvals;
  v_after public.approvals;
begin
  select * into v_before from public.approvals
  where id = p_approval_id and status in ('pending', 'escalated') and expires_at <= now()
  for update;
  if not found then
    return;
  end if;
  update public.approvals set status = 'expired', version = version + 1
  where id = p_approval_id
  returning * into v_after;
  update public.actions set approval_state = 'expired'
  where id = v_after.action_id and approval_state = 'pending';
  perform public.push_write_audit(public.push_audit_entry(v_after.tenant_id, null, 'approval.expired', 'approval',
    v_after.id, public.push_approval_state(v_before), public.push_approval_state(v_after),
    jsonb_build_object('expires_at', v_after.expires_at)));
end
$$;

-- ───────────────────────── approval.decide ─────────────────────────

-- Returns {tenant_id, row: the approval after the decision}; refuses with push_refuse.
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
  v_approvals_before int;
  v_outcome text;        -- the approval's status after this decision
  v_was_edited boolean;  -- the approved payload differs from what the agent asked for
  v_tool_schema jsonb;
  v_errors text[];
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

  -- Visible at all? A tenant the reviewer does not see answers exactly like a missing approval.
  select * into a from public.approvals where id = v_approval_id and deleted_at is null for update;
  if not found then
    perform public.push_refuse('not_found');
  end if;
  select * into v_member from public.effective_membership(a.tenant_id, p_uid);
  if not found then
    perform public.push_refuse('not_found');
  end if;
  -- Rule 4: the permission to decide at all.
  if not exists (select 1 from public.role_permissions rp
                 where rp.role = v_member.role and rp.permission = 'approvals:decide') then
    perform public.push_refuse('forbidden', format('Your role (%s) may not decide approvals here.', v_member.role));
  end if;

  -- Rule 1: open and unexpired. An escalated approval is still open: it waits for a higher authority.
  if a.status = 'expired' or (a.status in ('pending', 'escalated') and a.expires_at <= now()) then
    perform public.push_refuse('approval_expired');
  elsif a.status = 'cancelled' then
    perform public.push_refuse('invalid_state', 'This request was withdrawn.');
  elsif a.status not in ('pending', 'escalated') then
    perform public.push_refuse('already_decided', format('This request was already %s.', a.status));
  end if;

  -- Rule 2: bound to what was shown.
  if v_version_seen <> a.version or v_hash_seen <> a.payload_hash then
    perform public.push_refuse('stale_version');
  end if;

  -- Risk ≥ 4 is never rejected without saying why (console.md "Safety by risk").
  if v_decision = 'reject' and a.risk_level >= 4 and v_reason is null then
    perform public.push_refuse('reason_required');
  end if;

  -- Rule 3: segregation of duties — not the requester, nor a delegate acting for the requester.
  if a.requested_by_user_id = p_uid then
    perform public.push_refuse('self_approval');
  end if;
  if v_on_behalf is not null then
    if a.requested_by_user_id = v_on_behalf then
      perform public.push_refuse('self_approval', 'A delegate cannot decide a request raised by the person they act for.');
    end if;
    if public.push_covering_delegation(a, v_on_behalf, p_uid) is null
       or not public.has_permission(a.tenant_id, v_on_behalf, 'approvals:decide') then
      perform public.push_refuse('forbidden',
        format('No active delegation lets you decide risk-%s requests for that reviewer now.', a.risk_level));
    end if;
  end if;

  -- Rule 4: the approver list, reached directly or through a delegation from someone on it.
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
    if v_on_behalf is null or v_on_behalf <> all (a.approver_ids) then
      perform public.push_refuse('not_an_approver');
    end if;
  end if;
  v_principal := coalesce(v_on_behalf, p_uid);

  -- Rule 4: the actor's own ceilings. Escalating authorizes nothing, so it is what a reviewer
  -- above their ceiling may still do. Amounts compare in the approval's currency (no FX yet).
  if v_decision <> 'escalate' then
    if v_member.max_risk < a.risk_level then
      perform public.push_refuse('risk_above_max',
        format('This request is risk %s; you may decide up to risk %s.', a.risk_level, v_member.max_risk));
    end if;
    if v_member.approval_limit is not null and a.amount is not null and a.amount > v_member.approval_limit then
      perform public.push_refuse('over_limit',
        format('%s %s is above your approval limit of %s.', a.amount, a.currency, v_member.approval_limit));
    end if;
  end if;

  -- Rule 3/5: nobody approves twice, in person or through a delegate.
  select count(distinct coalesce(d.on_behalf_of, d.actor_id))::int into v_approvals_before
  from public.approval_decisions d
  where d.approval_id = a.id and d.decision in ('approve', 'approve_with_edits');
  if v_decision in ('approve', 'approve_with_edits') and exists (
    select 1 from public.approval_decisions d
    where d.approval_id = a.id and d.decision in ('approve', 'approve_with_edits')
      and (d.actor_id in (p_uid, v_principal) or d.on_behalf_of in (p_uid, v_principal))
  ) then
    perform public.push_refuse('duplicate_approver');
  end if;

  -- Rule 6: an edited payload must still be a valid call of the tool.
  if v_decision = 'approve_with_edits' then
    select t.json_schema into v_tool_schema
    from public.actions ac
    join public.tools t on t.tenant_id = ac.tenant_id and t.app = ac.tool ->> 'app'
                       and t.tool_key = ac.tool ->> 'key' and t.deleted_at is null
    where ac.id = a.action_id;
    v_errors := public.json_schema_errors(v_tool_schema, v_edited);
    if cardinality(v_errors) > 0 then
      perform public.push_refuse('invalid_payload',
        'The edited payload does not match the tool’s schema: ' || array_to_string(v_errors[1:5], '; '));
    end if;
  end if;

  -- Rule 5: the outcome. Approvals count distinct principals; one reject decides.
  v_outcome := case v_decision
    when 'reject' then 'rejected'
    when 'escalate' then 'escalated'
    else case when v_approvals_before + 1 >= a.required_approvals then 'approved' else a.status end
  end;

  -- Rule 7: the write set, all or nothing with the ledger row sync_push adds.
  insert into public.approval_decisions (tenant_id, approval_id, decision, actor_id, on_behalf_of, edited_payload,
    reason, payload_hash_seen, version_seen, client_mutation_id, client_decided_at)
  values (a.tenant_id, a.id, v_decision, p_uid, v_on_behalf, v_edited, v_reason, v_hash_seen, v_version_seen,
          p_mutation_id, p_client_at)
  returning id into v_decision_id;

  update public.approvals set
    status = v_outcome,
    version = version + 1,
    payload = coalesce(v_edited, payload),
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
        and public.canonical_hash(d.edited_payload) <> d.payload_hash_seen);
    if a.action_id is not null then
      -- A tool call runs with exactly the args that were approved.
      update public.actions set
        approval_state = v_outcome,
        args = case when v_outcome = 'approved' and a.kind = 'tool_call' then v_after.payload else args end
      where id = a.action_id;
      if v_outcome = 'approved' then
        insert into public.outbox (tenant_id, action_id) values (a.tenant_id, a.action_id)
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
               else format('Approved (%s of %s approvals)', v_approvals_before + 1, a.required_approvals)
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
                      'on_behalf_of', v_on_behalf, 'reason', v_reason, 'escalation_id', v_escalation_id)));

  return jsonb_build_object('tenant_id', a.tenant_id, 'row', to_jsonb(v_after), 'trust', v_trust, 'audit', v_audit);
end
$$;

revoke all on function public.push_covering_delegation(public.approvals, uuid, uuid),
  public.push_approval_state(public.approvals), public.push_bump_trust(jsonb[]),
  public.push_escalation_target(public.approvals, uuid), public.push_expire_approval(uuid),
  public.push_approval_decide(uuid, uuid, jsonb, timestamptz)
  from public, anon, authenticated;
