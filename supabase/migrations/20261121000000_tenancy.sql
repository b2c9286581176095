-- Tenancy and identity: tenants (holding → subsidiaries), profiles, memberships with approval
-- limits, role permissions; the shared triggers every later table uses; the visibility helper
-- that every RLS policy reads. Supabase conventions (seed 004): uuid keys, updated_at trigger,
-- soft deletes, RLS enabled and forced, `authenticated` reads only.

-- ───────────────────────── shared triggers ─────────────────────────

create or replace function public.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- One global sequence orders every change the console replicates. sync_txid is the writing
-- transaction's id: sync_pull only returns rows whose writer has finished (see sync.md), so a
-- transaction that commits late can never slip behind a cursor.
create sequence if not exists public.sync_version_seq;

create or replace function public.stamp_sync() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sync_version := nextval('public.sync_version_seq');
  new.sync_txid := pg_current_xact_id();
  return new;
end
$$;

-- Append-only tables refuse rewriting history, even for service_role (seed 003's two-layer rule:
-- no UPDATE/DELETE grants, and this trigger for the roles that bypass grants and RLS).
create or replace function public.refuse_mutation() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op
    using errcode = '42501', hint = 'append a new row instead';
end
$$;

-- ───────────────────────── tenants ─────────────────────────

create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  -- Every replicated table has tenant_id; for a tenant it is itself, so sync treats it like the rest.
  tenant_id uuid generated always as (id) stored,
  name text not null check (length(name) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  kind text not null default 'standalone' check (kind in ('holding', 'subsidiary', 'standalone')),
  parent_tenant_id uuid references public.tenants (id) on delete restrict,
  plan text not null default 'standard',
  base_currency char(3) not null default 'USD' check (base_currency ~ '^[A-Z]{3}$'),
  settings jsonb not null default '{}'::jsonb,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check ((kind = 'subsidiary') = (parent_tenant_id is not null)),
  check (parent_tenant_id is distinct from id)
);
create index tenants_parent_idx on public.tenants (parent_tenant_id);
create index tenants_sync_idx on public.tenants (tenant_id, sync_txid, sync_version);

-- ───────────────────────── profiles ─────────────────────────

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null,
  full_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index profiles_sync_idx on public.profiles (sync_txid, sync_version);

-- A profile for every auth user, as Supabase projects usually do.
create or replace function public.handle_new_user() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, email, full_name)
  values (new.id, coalesce(new.email, ''), new.raw_user_meta_data ->> 'full_name')
  on conflict (id) do nothing;
  return new;
end
$$;
create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- ───────────────────────── memberships and permissions ─────────────────────────

create table public.tenant_members (
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  user_id uuid not null references public.profiles (id) on delete restrict,
  role text not null check (role in ('admin', 'finance', 'ops', 'manager', 'operator', 'viewer')),
  -- Largest amount this member may approve, in the tenant's base currency; null = no limit.
  approval_limit numeric(14, 2) check (approval_limit is null or approval_limit >= 0),
  max_risk smallint not null default 5 check (max_risk between 0 and 5),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  primary key (tenant_id, user_id)
);
create index tenant_members_user_idx on public.tenant_members (user_id, tenant_id);
create index tenant_members_sync_idx on public.tenant_members (tenant_id, sync_txid, sync_version);

create table public.role_permissions (
  role text not null check (role in ('admin', 'finance', 'ops', 'manager', 'operator', 'viewer')),
  permission text not null check (permission ~ '^[a-z_]+:[a-z_]+$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  primary key (role, permission)
);
create index role_permissions_sync_idx on public.role_permissions (sync_txid, sync_version);

insert into public.role_permissions (role, permission)
select r.role, p.permission
from (values
  ('admin', array['approvals:read', 'approvals:decide', 'escalations:resolve', 'flags:review',
                  'changesets:review', 'audit:read', 'members:manage', 'messages:send']),
  ('finance', array['approvals:read', 'approvals:decide', 'escalations:resolve', 'flags:review',
                    'audit:read', 'messages:send']),
  ('ops', array['approvals:read', 'approvals:decide', 'escalations:resolve', 'flags:review',
                'changesets:review', 'messages:send']),
  ('manager', array['approvals:read', 'approvals:decide', 'escalations:resolve', 'flags:review',
                    'changesets:review', 'audit:read', 'messages:send']),
  ('operator', array['approvals:read', 'escalations:resolve', 'messages:send']),
  ('viewer', array['approvals:read', 'audit:read'])
) as r(role, perms)
cross join lateral unnest(r.perms) as p(permission);

-- ───────────────────────── triggers on these tables ─────────────────────────

create trigger tenants_updated_at before update on public.tenants
  for each row execute function public.set_updated_at();
create trigger tenants_sync before insert or update on public.tenants
  for each row execute function public.stamp_sync();
create trigger profiles_updated_at before update on public.profiles
  for each row execute function public.set_updated_at();
create trigger profiles_sync before insert or update on public.profiles
  for each row execute function public.stamp_sync();
create trigger tenant_members_updated_at before update on public.tenant_members
  for each row execute function public.set_updated_at();
create trigger tenant_members_sync before insert or update on public.tenant_members
  for each row execute function public.stamp_sync();
create trigger role_permissions_updated_at before update on public.role_permissions
  for each row execute function public.set_updated_at();
create trigger role_permissions_sync before insert or update on public.role_permissions
  for each row execute function public.stamp_sync();

-- ───────────────────────── visibility ─────────────────────────

-- Tenants the caller may see: where they are an active member, plus the subsidiaries of holding
-- tenants they are an active member of (seed 002's holding policy). SECURITY DEFINER so policies
-- that call it do not recurse into tenant_members' own policy.
create or replace function public.visible_tenant_ids() returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  with mine as (
    select m.tenant_id
    from public.tenant_members m
    join public.tenants t on t.id = m.tenant_id
    where m.user_id = auth.uid()
      and m.is_active and m.deleted_at is null
      and t.is_active and t.deleted_at is null
  )
  select coalesce(array_agg(id), '{}')
  from (
    select tenant_id as id from mine
    union
    select s.id
    from public.tenants s
    join public.tenants h on h.id = s.parent_tenant_id and h.kind = 'holding'
    where s.parent_tenant_id in (select tenant_id from mine)
      and s.is_active and s.deleted_at is null
  ) v
$$;
revoke all on function public.visible_tenant_ids() from public, anon;
grant execute on function public.visible_tenant_ids() to authenticated, service_role;

-- ───────────────────────── row-level security ─────────────────────────

alter table public.tenants enable row level security;
alter table public.tenants force row level security;
create policy tenants_read on public.tenants for select to authenticated
  using (id = any ((select public.visible_tenant_ids())::uuid[]));

alter table public.profiles enable row level security;
alter table public.profiles force row level security;
-- Reviewers see themselves and the people who share a visible tenant with them.
create policy profiles_read on public.profiles for select to authenticated
  using (
    id = (select auth.uid())
    or exists (
      select 1 from public.tenant_members m
      where m.user_id = profiles.id and m.tenant_id = any ((select public.visible_tenant_ids())::uuid[])
    )
  );

alter table public.tenant_members enable row level security;
alter table public.tenant_members force row level security;
create policy tenant_members_read on public.tenant_members for select to authenticated
  using (tenant_id = any ((select public.visible_tenant_ids())::uuid[]));

alter table public.role_permissions enable row level security;
alter table public.role_permissions force row level security;
create policy role_permissions_read on public.role_permissions for select to authenticated
  using (true);

-- Reads only: every write a reviewer makes goes through sync_push.
revoke all on public.tenants, public.profiles, public.tenant_members, public.role_permissions from anon, authenticated;
grant select on public.tenants, public.profiles, public.tenant_members, public.role_permissions to authenticated;
revoke all on sequence public.sync_version_seq from anon, authenticated;

-- ───────────────────────── whoami ─────────────────────────

-- Who the caller is and which tenants they see, with their role in each (null = seen through a
-- holding). plpgsql so that anon, which may read no table, gets an empty answer instead of an error.
create or replace function public.whoami() returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if auth.uid() is null then
    return jsonb_build_object('user_id', null, 'role', auth.role(), 'tenants', '[]'::jsonb);
  end if;
  return jsonb_build_object(
    'user_id', auth.uid(),
    'role', auth.role(),
    'tenants', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', t.id, 'name', t.name, 'slug', t.slug, 'kind', t.kind,
        'parent_tenant_id', t.parent_tenant_id,
        'member_role', (select m.role from public.tenant_members m
                        where m.tenant_id = t.id and m.user_id = auth.uid() and m.is_active and m.deleted_at is null)
      ) order by t.name)
      from public.tenants t
    ), '[]'::jsonb)
  );
end
$$;
revoke all on function public.whoami() from public;
grant execute on function public.whoami() to anon, authenticated, service_role;
revoke all on function public.handle_new_user() from public, anon, authenticated;
