-- The exactly-once ledger of sync_push and the helpers every intent shares: who the caller is in a
-- tenant (holding roles reach into subsidiaries), what that role may do, and how a refusal is raised.

-- ───────────────────────── the ledger ─────────────────────────

-- One row per client_mutation_id ever pushed, written in the same transaction as the mutation's
-- effect (or its refusal): a replay returns `result` and changes nothing. Not replicated — the
-- client learns results from the push answer, and a lost answer is recovered by pushing again.
create table public.sync_mutations (
  client_mutation_id uuid primary key,
  user_id uuid not null references public.profiles (id) on delete restrict,
  -- The tenant of the row the intent touched, when the intent got that far.
  tenant_id uuid references public.tenants (id) on delete restrict,
  kind text not null,
  args jsonb not null default '{}'::jsonb,
  status text not null check (status in ('applied', 'rejected', 'conflict')),
  result jsonb not null,
  client_created_at timestamptz,
  created_at timestamptz not null default now()
);
create index sync_mutations_tenant_idx on public.sync_mutations (tenant_id, created_at);
create index sync_mutations_user_idx on public.sync_mutations (user_id, created_at);

-- History is the point of the ledger: nobody rewrites it.
create trigger sync_mutations_append_only before update or delete on public.sync_mutations
  for each row execute function public.refuse_mutation();
create trigger sync_mutations_no_truncate before truncate on public.sync_mutations
  for each statement execute function public.refuse_mutation();

alter table public.sync_mutations enable row level security;
alter table public.sync_mutations force row level security;
revoke all on public.sync_mutations from public, anon, authenticated;
grant select on public.sync_mutations to service_role;

-- ───────────────────────── membership ─────────────────────────

-- The caller's standing in a tenant: their own active membership there, or else their membership
-- in the tenant's holding parent (a holding member acts in subsidiaries with the holding role,
-- limits and risk ceiling — seed 002's holding policy). A direct membership wins over a holding
-- one: it is the more specific grant. No row = not a member, so the tenant is not visible.
create or replace function public.effective_membership(p_tenant uuid, p_user uuid)
returns table (tenant_id uuid, role text, approval_limit numeric, max_risk smallint, via_tenant_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  select t.id, m.role, m.approval_limit, m.max_risk, m.tenant_id
  from public.tenants t
  join public.tenant_members m
    on m.user_id = p_user and m.is_active and m.deleted_at is null
   and (m.tenant_id = t.id
        or (m.tenant_id = t.parent_tenant_id
            and exists (select 1 from public.tenants h
                        where h.id = t.parent_tenant_id and h.kind = 'holding'
                          and h.is_active and h.deleted_at is null)))
  where t.id = p_tenant and t.is_active and t.deleted_at is null
  order by (m.tenant_id = t.id) desc
  limit 1
$$;

create or replace function public.has_permission(p_tenant uuid, p_user uuid, p_permission text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.effective_membership(p_tenant, p_user) em
    join public.role_permissions rp on rp.role = em.role and rp.permission = p_permission
  )
$$;

-- Internal to sync_push: callers would otherwise learn other people's roles in tenants they
-- cannot see.
revoke all on function public.effective_membership(uuid, uuid) from public, anon, authenticated;
revoke all on function public.has_permission(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.effective_membership(uuid, uuid) to service_role;
grant execute on function public.has_permission(uuid, uuid, text) to service_role;

-- ───────────────────────── refusals ─────────────────────────

-- A business refusal: SQLSTATE OC400 (class "OC", the console's own), the stable code from
-- src/shared/errors.ts as the message, the human sentence as the detail. sync_push catches exactly
-- this SQLSTATE per mutation, so a refusal rolls back that mutation alone; anything else (a bug, a
-- deadlock, a cancelled statement) fails the whole push and the client retries it.
create or replace function public.push_refuse(p_code text, p_message text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception using errcode = 'OC400', message = p_code, detail = coalesce(p_message, p_code);
end
$$;
revoke all on function public.push_refuse(text, text) from public, anon, authenticated;

-- ───────────────────────── reading intent arguments ─────────────────────────

-- Intent args are strict objects (src/shared/contract-domain.ts IntentArgs): an unknown key is a
-- client bug, and silently ignoring a misspelt `on_behalf_of` would decide under the wrong authority.
create or replace function public.push_args_only(p_args jsonb, p_allowed text[])
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_extra text;
begin
  select string_agg(k, ', ' order by k) into v_extra from jsonb_object_keys(p_args) k where k <> all (p_allowed);
  if v_extra is not null then
    perform public.push_refuse('invalid_input', 'unknown argument(s): ' || v_extra);
  end if;
end
$$;

create or replace function public.push_arg_uuid(p_args jsonb, p_key text, p_required boolean default true)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
declare
  v jsonb := p_args -> p_key;
begin
  if v is null or v = 'null'::jsonb then
    if p_required then
      perform public.push_refuse('invalid_input', p_key || ' is required');
    end if;
    return null;
  end if;
  if jsonb_typeof(v) <> 'string'
     or (v #>> '{}') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    perform public.push_refuse('invalid_input', p_key || ' must be a uuid');
  end if;
  return (v #>> '{}')::uuid;
end
$$;

-- Optional free text (reasons, notes): trimmed, empty = absent, at most p_max characters.
create or replace function public.push_arg_text(p_args jsonb, p_key text, p_required boolean default false, p_max int default 4000)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v jsonb := p_args -> p_key;
  v_text text;
begin
  if v is not null and v <> 'null'::jsonb and jsonb_typeof(v) <> 'string' then
    perform public.push_refuse('invalid_input', p_key || ' must be a string');
  end if;
  v_text := nullif(btrim(v #>> '{}'), '');
  if v_text is null and p_required then
    perform public.push_refuse('invalid_input', p_key || ' is required');
  end if;
  if length(v_text) > p_max then
    perform public.push_refuse('invalid_input', format('%s is longer than %s characters', p_key, p_max));
  end if;
  return v_text;
end
$$;

-- A value from a fixed list (decision, verdict).
create or replace function public.push_arg_enum(p_args jsonb, p_key text, p_values text[])
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if jsonb_typeof(p_args -> p_key) is distinct from 'string' or (p_args ->> p_key) <> all (p_values) then
    perform public.push_refuse('invalid_input', format('%s must be one of %s', p_key, array_to_string(p_values, ', ')));
  end if;
  return p_args ->> p_key;
end
$$;

revoke all on function public.push_args_only(jsonb, text[]), public.push_arg_uuid(jsonb, text, boolean),
  public.push_arg_text(jsonb, text, boolean, int), public.push_arg_enum(jsonb, text, text[])
  from public, anon, authenticated;

-- ───────────────────────── the audit entry of an intent ─────────────────────────

-- Sync stamps change on every write and say nothing about the business change: leave them out of
-- the audited states.
create or replace function public.push_audit_state(p_row jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select p_row - 'sync_version' - 'sync_txid'
$$;

-- An intent's audit entry, built inside the intent's sub-transaction and written by sync_push
-- right after it (push_write_audit). The chain trigger locks and rewrites the tenant's chain head
-- on every entry; done from inside a sub-transaction, each of those row locks is taken by a
-- different subtransaction of the same transaction, which costs several times a plain append.
create or replace function public.push_audit_entry(
  p_tenant uuid, p_actor uuid, p_action text, p_entity_type text, p_entity_id uuid,
  p_before jsonb, p_after jsonb, p_metadata jsonb default '{}'::jsonb
) returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'tenant_id', p_tenant, 'actor_type', case when p_actor is null then 'system' else 'user' end,
    'actor_id', p_actor, 'action', p_action, 'entity_type', p_entity_type, 'entity_id', p_entity_id::text,
    'before_state', public.push_audit_state(p_before), 'after_state', public.push_audit_state(p_after),
    'metadata', coalesce(p_metadata, '{}'::jsonb))
$$;

-- Appends an entry to its tenant's audit chain (the audit_log_chain trigger links and hashes it).
create or replace function public.push_write_audit(p_entry jsonb)
returns void
language sql
set search_path = ''
as $$
  insert into public.audit_log (tenant_id, actor_type, actor_id, action, entity_type, entity_id,
                                before_state, after_state, metadata)
  select e.tenant_id, e.actor_type, e.actor_id, e.action, e.entity_type, e.entity_id,
         p_entry -> 'before_state', p_entry -> 'after_state', e.metadata
  from jsonb_populate_record(null::public.audit_log, p_entry) e
$$;

revoke all on function public.push_audit_state(jsonb),
  public.push_audit_entry(uuid, uuid, text, text, uuid, jsonb, jsonb, jsonb), public.push_write_audit(jsonb)
  from public, anon, authenticated;
