-- Pokes for the replicated tables that have no tenant (issue 14, after issue 11's fx_rates).
-- 20261203005000 attached poke triggers to the tables with a tenant_id (and profiles); the
-- tenant-less streams every console replicates (fx_rates, role_permissions: scope '*') sent none,
-- so a new exchange rate reached a live console only with its 30 s fallback poll, while the
-- console's pre-flight must convert money exactly as the server does. A change to such a table is
-- news to every console: it pokes every tenant topic a console can have joined (active tenants),
-- still once per tenant per transaction.

create or replace function public.sync_poke_every_tenant() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.sync_poke(array(
    select 'tenant:' || t.id::text from public.tenants t where t.is_active and t.deleted_at is null));
  return null;
end
$$;
revoke all on function public.sync_poke_every_tenant() from public, anon, authenticated, service_role;

-- As before, plus: a table without tenant_id (other than profiles) pokes every tenant.
create or replace function public.enable_sync_pokes(p_table text) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_has_tenant boolean := exists (
    select 1 from information_schema.columns c
    where c.table_schema = 'public' and c.table_name = p_table and c.column_name = 'tenant_id');
  v_fn text := case
    when p_table = 'tenant_members' then 'sync_poke_member_rows'
    when p_table = 'tenants' then 'sync_poke_tenants_rows'
    when p_table = 'profiles' then 'sync_poke_profile_rows'
    when not v_has_tenant then 'sync_poke_every_tenant'
    else 'sync_poke_tenant_rows' end;
  v_op text;
begin
  foreach v_op in array array['insert', 'update'] loop
    execute format('drop trigger if exists %I on public.%I', p_table || '_poke_' || v_op, p_table);
    execute format(
      'create trigger %I after %s on public.%I referencing new table as poked_rows for each statement execute function public.%I()',
      p_table || '_poke_' || v_op, v_op, p_table, v_fn);
  end loop;
end
$$;
revoke all on function public.enable_sync_pokes(text) from public, anon, authenticated, service_role;

-- Every replicated table (they all carry sync_txid) now pokes; the ones that already did keep their
-- triggers as they were (re-created identically).
do $$
declare
  v_table text;
begin
  for v_table in
    select c.table_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and c.column_name = 'sync_txid' and t.table_type = 'BASE TABLE'
    order by 1
  loop
    perform public.enable_sync_pokes(v_table);
  end loop;
end
$$;
