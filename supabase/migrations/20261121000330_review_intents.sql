-- The reviewer intents besides decisions: acknowledging and resolving escalations, reviewing
-- hallucination flags and change sets, snoozing an approval, messaging an agent. Each checks
-- visibility (not_found), permission (forbidden) and state (invalid_state), then writes its row
-- and one audit entry. Each returns {tenant_id, row: the row after the change, audit: the entry}.

-- A change set raised by a person (not an agent) names them, so they cannot review their own change.
alter table public.changesets add column if not exists author_user_id uuid references public.profiles (id) on delete restrict;

-- Visible = the caller has a membership reaching the tenant; otherwise the row does not exist for them.
create or replace function public.push_require_visible(p_tenant uuid, p_uid uuid)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_tenant is null or not exists (select 1 from public.effective_membership(p_tenant, p_uid)) then
    perform public.push_refuse('not_found');
  end if;
end
$$;

create or replace function public.push_require_permission(p_tenant uuid, p_uid uuid, p_permission text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not public.has_permission(p_tenant, p_uid, p_permission) then
    perform public.push_refuse('forbidden', format('This needs the %s permission.', p_permission));
  end if;
end
$$;

-- ───────────────────────── escalations ─────────────────────────

-- Escalations addressed to me I may always handle; others in my tenant need escalations:resolve.
-- pending → acknowledged → resolved; a pending one may be resolved directly.
create or replace function public.push_escalation_transition(p_uid uuid, p_args jsonb, p_to text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
  v_resolution text;
  e public.escalations;
  v_after public.escalations;
begin
  if p_to = 'acknowledged' then
    perform public.push_args_only(p_args, array['escalation_id']);
  else
    perform public.push_args_only(p_args, array['escalation_id', 'resolution']);
    v_resolution := public.push_arg_text(p_args, 'resolution', true);
  end if;
  v_id := public.push_arg_uuid(p_args, 'escalation_id');

  select * into e from public.escalations where id = v_id and deleted_at is null for update;
  perform public.push_require_visible(e.tenant_id, p_uid);
  if e.to_user_id is distinct from p_uid then
    perform public.push_require_permission(e.tenant_id, p_uid, 'escalations:resolve');
  end if;
  if e.status = 'resolved' or (p_to = 'acknowledged' and e.status <> 'pending') then
    perform public.push_refuse('invalid_state', format('This escalation is already %s.', e.status));
  end if;

  update public.escalations set
    status = p_to,
    acknowledged_by = coalesce(acknowledged_by, p_uid),
    acknowledged_at = coalesce(acknowledged_at, now()),
    resolved_by = case when p_to = 'resolved' then p_uid end,
    resolved_at = case when p_to = 'resolved' then now() end,
    resolution = case when p_to = 'resolved' then v_resolution end
  where id = e.id
  returning * into v_after;

  return jsonb_build_object('tenant_id', e.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(e.tenant_id, p_uid,
      case p_to when 'acknowledged' then 'escalation.acknowledge' else 'escalation.resolve' end,
      'escalation', e.id, to_jsonb(e), to_jsonb(v_after)));
end
$$;

create or replace function public.push_escalation_acknowledge(p_uid uuid, p_args jsonb)
returns jsonb
language sql
set search_path = ''
as $$ select public.push_escalation_transition(p_uid, p_args, 'acknowledged') $$;

create or replace function public.push_escalation_resolve(p_uid uuid, p_args jsonb)
returns jsonb
language sql
set search_path = ''
as $$ select public.push_escalation_transition(p_uid, p_args, 'resolved') $$;

-- ───────────────────────── hallucination flags ─────────────────────────

create or replace function public.push_flag_review(p_uid uuid, p_args jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
  v_verdict text;
  v_notes text;
  f public.hallucination_flags;
  v_after public.hallucination_flags;
begin
  perform public.push_args_only(p_args, array['flag_id', 'verdict', 'notes']);
  v_id := public.push_arg_uuid(p_args, 'flag_id');
  v_verdict := public.push_arg_enum(p_args, 'verdict', array['confirmed', 'false_positive']);
  v_notes := public.push_arg_text(p_args, 'notes');

  select * into f from public.hallucination_flags where id = v_id and deleted_at is null for update;
  perform public.push_require_visible(f.tenant_id, p_uid);
  perform public.push_require_permission(f.tenant_id, p_uid, 'flags:review');
  if f.status <> 'pending' then
    perform public.push_refuse('invalid_state', format('This flag was already reviewed (%s).', f.status));
  end if;

  update public.hallucination_flags
  set status = v_verdict, reviewed_by = p_uid, reviewed_at = now(), notes = v_notes
  where id = f.id
  returning * into v_after;

  return jsonb_build_object('tenant_id', f.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(f.tenant_id, p_uid, 'flag.review', 'hallucination_flag', f.id, to_jsonb(f), to_jsonb(v_after)));
end
$$;

-- ───────────────────────── change sets ─────────────────────────

create or replace function public.push_changeset_review(p_uid uuid, p_args jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
  v_verdict text;
  v_comment text;
  c public.changesets;
  v_after public.changesets;
begin
  perform public.push_args_only(p_args, array['changeset_id', 'verdict', 'comment']);
  v_id := public.push_arg_uuid(p_args, 'changeset_id');
  v_verdict := public.push_arg_enum(p_args, 'verdict', array['approved', 'rejected']);
  v_comment := public.push_arg_text(p_args, 'comment');

  select * into c from public.changesets where id = v_id and deleted_at is null for update;
  perform public.push_require_visible(c.tenant_id, p_uid);
  perform public.push_require_permission(c.tenant_id, p_uid, 'changesets:review');
  if c.status <> 'pending_review' then
    perform public.push_refuse('invalid_state', format('This change set is %s, not waiting for review.', c.status));
  end if;
  if c.author_user_id = p_uid then
    perform public.push_refuse('self_approval', 'You cannot review a change set you wrote yourself.');
  end if;

  update public.changesets
  set status = v_verdict, reviewed_by = p_uid, reviewed_at = now(), review_comment = v_comment
  where id = c.id
  returning * into v_after;

  return jsonb_build_object('tenant_id', c.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(c.tenant_id, p_uid, 'changeset.review', 'changeset', c.id, to_jsonb(c), to_jsonb(v_after)));
end
$$;

-- ───────────────────────── snoozes ─────────────────────────

-- My snooze of an approval: set, moved, or cleared (until = null keeps the row, so the clearing
-- replicates like any other change).
create or replace function public.push_snooze_set(p_uid uuid, p_args jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_approval_id uuid;
  v_until timestamptz;
  v_tenant uuid;
  v_before public.review_snoozes;
  v_after public.review_snoozes;
begin
  perform public.push_args_only(p_args, array['approval_id', 'until']);
  v_approval_id := public.push_arg_uuid(p_args, 'approval_id');
  if not p_args ? 'until' or jsonb_typeof(p_args -> 'until') not in ('string', 'null') then
    perform public.push_refuse('invalid_input', 'until must be a timestamp or null');
  end if;
  v_until := (p_args ->> 'until')::timestamptz;

  select ap.tenant_id into v_tenant from public.approvals ap where ap.id = v_approval_id and ap.deleted_at is null;
  perform public.push_require_visible(v_tenant, p_uid);
  perform public.push_require_permission(v_tenant, p_uid, 'approvals:read');

  select * into v_before from public.review_snoozes where user_id = p_uid and approval_id = v_approval_id for update;
  insert into public.review_snoozes as s (user_id, approval_id, tenant_id, until)
  values (p_uid, v_approval_id, v_tenant, v_until)
  on conflict (user_id, approval_id) do update set until = excluded.until
  returning * into v_after;

  return jsonb_build_object('tenant_id', v_tenant, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(v_tenant, p_uid, 'snooze.set', 'approval', v_approval_id,
      case when v_before.user_id is not null then to_jsonb(v_before) end, to_jsonb(v_after)));
end
$$;

-- ───────────────────────── messages ─────────────────────────

-- A message from me about an approval or a task, or to an agent; all named rows in one tenant.
-- Unaddressed, it goes to the agent behind the approval or task.
create or replace function public.push_message_send(p_uid uuid, p_mutation_id uuid, p_args jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_body text;
  v_approval_id uuid;
  v_task_id uuid;
  v_to_agent uuid;
  v_tenants uuid[] := '{}';
  v_tenant uuid;
  v_agent_of_subject uuid;
  v_found uuid;
  v_after public.messages;
begin
  perform public.push_args_only(p_args, array['body', 'approval_id', 'task_id', 'to_agent_id']);
  v_body := public.push_arg_text(p_args, 'body', true, 4000);
  v_approval_id := public.push_arg_uuid(p_args, 'approval_id', false);
  v_task_id := public.push_arg_uuid(p_args, 'task_id', false);
  v_to_agent := public.push_arg_uuid(p_args, 'to_agent_id', false);
  if num_nonnulls(v_approval_id, v_task_id, v_to_agent) = 0 then
    perform public.push_refuse('invalid_input', 'a message needs an approval, a task or an agent');
  end if;

  if v_approval_id is not null then
    select ap.tenant_id, ap.requested_by_agent_id into v_found, v_agent_of_subject
    from public.approvals ap where ap.id = v_approval_id and ap.deleted_at is null;
    perform public.push_require_visible(v_found, p_uid);
    v_tenants := v_tenants || v_found;
  end if;
  if v_task_id is not null then
    v_found := null;
    select t.tenant_id, coalesce(v_agent_of_subject, t.agent_id) into v_found, v_agent_of_subject
    from public.tasks t where t.id = v_task_id and t.deleted_at is null;
    perform public.push_require_visible(v_found, p_uid);
    v_tenants := v_tenants || v_found;
  end if;
  if v_to_agent is not null then
    v_found := null;
    select ag.tenant_id into v_found from public.agents ag where ag.id = v_to_agent and ag.deleted_at is null;
    perform public.push_require_visible(v_found, p_uid);
    v_tenants := v_tenants || v_found;
  end if;
  v_tenant := v_tenants[1];
  if exists (select 1 from unnest(v_tenants) x where x <> v_tenant) then
    perform public.push_refuse('invalid_input', 'the approval, task and agent belong to different tenants');
  end if;
  perform public.push_require_permission(v_tenant, p_uid, 'messages:send');

  insert into public.messages (tenant_id, from_user_id, to_agent_id, approval_id, task_id, body, client_mutation_id)
  values (v_tenant, p_uid, coalesce(v_to_agent, v_agent_of_subject), v_approval_id, v_task_id, v_body, p_mutation_id)
  returning * into v_after;

  return jsonb_build_object('tenant_id', v_tenant, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(v_tenant, p_uid, 'message.send', 'message', v_after.id, null, to_jsonb(v_after)));
end
$$;

revoke all on function public.push_require_visible(uuid, uuid), public.push_require_permission(uuid, uuid, text),
  public.push_escalation_transition(uuid, jsonb, text), public.push_escalation_acknowledge(uuid, jsonb),
  public.push_escalation_resolve(uuid, jsonb), public.push_flag_review(uuid, jsonb),
  public.push_changeset_review(uuid, jsonb), public.push_snooze_set(uuid, jsonb),
  public.push_message_send(uuid, uuid, jsonb)
  from public, anon, authenticated;
