-- Agents sign in as themselves: each agent credential is a Supabase Auth user whose app_metadata
-- names one agent and its tenant ({agent_id, tenant_id}; only the service role can set
-- app_metadata, so the claim cannot be forged by the agent). The binding is also kept here, so a
-- credential can be revoked without touching the agent, and so the claim alone never suffices.
-- Agents read only their own actions, approvals and decisions; they are never reviewers.

create table public.agent_identities (
  user_id uuid primary key references auth.users (id) on delete cascade,
  agent_id uuid not null references public.agents (id) on delete restrict,
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index agent_identities_agent_idx on public.agent_identities (agent_id);
alter table public.agent_identities enable row level security;
alter table public.agent_identities force row level security;
revoke all on public.agent_identities from public, anon, authenticated;

-- The agent the caller signs in as, or null for anyone else (reviewers, anon, service role): the
-- JWT's app_metadata and the stored binding must agree, and the credential must not be revoked.
-- SECURITY DEFINER: the bindings are nobody's to read.
create or replace function public.current_agent_id() returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select i.agent_id
  from public.agent_identities i
  where i.user_id = auth.uid()
    and i.revoked_at is null
    and i.agent_id::text = (auth.jwt() -> 'app_metadata' ->> 'agent_id')
    and i.tenant_id::text = (auth.jwt() -> 'app_metadata' ->> 'tenant_id')
$$;
revoke all on function public.current_agent_id() from public, anon;
grant execute on function public.current_agent_id() to authenticated, service_role;

-- Whether a user id is an agent's credential (for sync_push, which knows only the caller's id).
create or replace function public.is_agent_user(p_uid uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.agent_identities i where i.user_id = p_uid)
$$;
revoke all on function public.is_agent_user(uuid) from public, anon, authenticated;

-- ───────────────────────── what an agent may read ─────────────────────────

-- Extra SELECT policies, OR-ed with the reviewers' tenant policies: an agent has no membership,
-- so visible_tenant_ids() gives it nothing and these are all it sees. Nothing of the reviewers'
-- tables (members, snoozes, delegations, audit log, flags) is opened to it.
create policy agents_self_read on public.agents for select to authenticated
  using (id = (select public.current_agent_id()));
create policy actions_agent_read on public.actions for select to authenticated
  using (agent_id = (select public.current_agent_id()));
create policy approvals_agent_read on public.approvals for select to authenticated
  using (requested_by_agent_id = (select public.current_agent_id()));
create policy approval_decisions_agent_read on public.approval_decisions for select to authenticated
  using (exists (select 1 from public.approvals a
                 where a.id = approval_decisions.approval_id
                   and a.requested_by_agent_id = (select public.current_agent_id())));

-- ───────────────────────── agents are not reviewers ─────────────────────────

-- sync_push is the reviewers' door: push_dispatch (20261203000000) refuses an agent credential
-- (is_agent_user above) per mutation with agent_not_reviewer, before any intent runs.

-- ───────────────────────── provisioning (service role) ─────────────────────────

-- The agent named p_name in the tenant (by id or slug), created when missing. For
-- `npm run agent:create`, which then creates the Auth user and binds it (agent_identity_bind).
create or replace function public.agent_provision(p_tenant text, p_name text, p_autonomy text default null,
                                                  p_risk_tier int default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_tenant public.tenants;
  v_agent public.agents;
begin
  select * into v_tenant from public.tenants
  where (id::text = p_tenant or slug = p_tenant) and deleted_at is null;
  if not found then
    raise exception 'no tenant %', p_tenant using errcode = 'P0002';
  end if;
  select * into v_agent from public.agents
  where tenant_id = v_tenant.id and name = p_name and deleted_at is null
  order by created_at limit 1;
  if not found then
    insert into public.agents (tenant_id, name, autonomy, risk_tier)
    values (v_tenant.id, p_name, coalesce(p_autonomy, 'A2'), coalesce(p_risk_tier, 2))
    returning * into v_agent;
    perform public.push_write_audit(jsonb_build_object(
      'tenant_id', v_tenant.id, 'actor_type', 'system', 'action', 'agent.created', 'entity_type', 'agent',
      'entity_id', v_agent.id::text, 'after_state', public.push_audit_state(to_jsonb(v_agent))));
  end if;
  return jsonb_build_object('agent_id', v_agent.id, 'tenant_id', v_tenant.id, 'tenant_slug', v_tenant.slug,
                            'name', v_agent.name, 'status', v_agent.status);
end
$$;

-- Binds an Auth user to the agent its app_metadata names; refuses a user whose metadata names no
-- agent, or an agent outside the named tenant.
create or replace function public.agent_identity_bind(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_meta jsonb;
  v_agent public.agents;
begin
  select raw_app_meta_data into v_meta from auth.users where id = p_user_id;
  if not found then
    raise exception 'no auth user %', p_user_id using errcode = 'P0002';
  end if;
  select * into v_agent from public.agents
  where id::text = (v_meta ->> 'agent_id') and tenant_id::text = (v_meta ->> 'tenant_id') and deleted_at is null;
  if not found then
    raise exception 'app_metadata of % names no agent of its tenant', p_user_id using errcode = '22023';
  end if;
  insert into public.agent_identities (user_id, agent_id, tenant_id)
  values (p_user_id, v_agent.id, v_agent.tenant_id);
  perform public.push_write_audit(jsonb_build_object(
    'tenant_id', v_agent.tenant_id, 'actor_type', 'system', 'action', 'agent.credential_issued',
    'entity_type', 'agent', 'entity_id', v_agent.id::text, 'metadata', jsonb_build_object('user_id', p_user_id)));
  return jsonb_build_object('agent_id', v_agent.id, 'tenant_id', v_agent.tenant_id, 'user_id', p_user_id);
end
$$;
revoke all on function public.agent_provision(text, text, text, int), public.agent_identity_bind(uuid)
  from public, anon, authenticated;
grant execute on function public.agent_provision(text, text, text, int), public.agent_identity_bind(uuid)
  to service_role;

-- ───────────────────────── suspending an agent (console intents) ─────────────────────────

insert into public.role_permissions (role, permission)
values ('admin', 'agents:manage'), ('manager', 'agents:manage'),
       ('admin', 'policies:manage'), ('manager', 'policies:manage'), ('finance', 'policies:manage')
on conflict do nothing;

-- agent.suspend / agent.resume: {agent_id, reason?}. A suspended agent's proposals are refused at
-- once (agent_propose reads the status in the same statement); its pending requests stay for the
-- reviewers to decide.
create or replace function public.push_agent_set_status(p_uid uuid, p_args jsonb, p_to text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
  v_reason text;
  v_before public.agents;
  v_after public.agents;
begin
  perform public.push_args_only(p_args, array['agent_id', 'reason']);
  v_id := public.push_arg_uuid(p_args, 'agent_id');
  v_reason := public.push_arg_text(p_args, 'reason');
  select * into v_before from public.agents where id = v_id and deleted_at is null for update;
  if not found then
    perform public.push_refuse('not_found');
  end if;
  perform public.push_require_visible(v_before.tenant_id, p_uid);
  perform public.push_require_permission(v_before.tenant_id, p_uid, 'agents:manage');
  if (p_to = 'suspended' and v_before.status = 'suspended') or (p_to = 'active' and v_before.status <> 'suspended') then
    perform public.push_refuse('invalid_state', format('The agent is %s.', v_before.status));
  end if;
  update public.agents set status = p_to where id = v_id returning * into v_after;
  return jsonb_build_object('tenant_id', v_after.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(v_after.tenant_id, p_uid,
      case p_to when 'suspended' then 'agent.suspend' else 'agent.resume' end, 'agent', v_id,
      jsonb_build_object('status', v_before.status), jsonb_build_object('status', v_after.status),
      jsonb_strip_nulls(jsonb_build_object('reason', v_reason))));
end
$$;

create or replace function public.push_intent_agent_suspend(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_agent_set_status(p_uid, p_args, 'suspended') $$;
create or replace function public.push_intent_agent_resume(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_agent_set_status(p_uid, p_args, 'active') $$;

revoke all on function public.push_agent_set_status(uuid, jsonb, text),
  public.push_intent_agent_suspend(uuid, uuid, jsonb, timestamptz),
  public.push_intent_agent_resume(uuid, uuid, jsonb, timestamptz)
  from public, anon, authenticated;
