-- Changes arrive by push (design/sync.md, issue 14): every transaction that changes replicated rows
-- sends ONE small Realtime Broadcast per affected tenant — "tenant T changed", no row data — on the
-- private topic `tenant:<id>`; consoles pull on it. Uses only what hosted Supabase's Realtime
-- already installs (realtime.send, realtime.topic, realtime.messages); the local stack's shim
-- provides the same.
--
-- Coalescing: statement-level triggers (one call per statement, whatever its row count) hand the
-- distinct tenants of their transition table to sync_poke(), which sends only for topics this
-- transaction has not poked yet, remembered in a transaction-local setting. So 1,000 rows in one
-- statement, or 1,000 statements across tables in one transaction, make one message per tenant.
-- realtime.send inserts into realtime.messages, so a poke is delivered only if the transaction
-- commits, and a sub-transaction rolled back (a refused sync_push mutation) takes back both its
-- poke and its memory of it.
--
-- Tables without a tenant (fx_rates, role_permissions: scope '*', which every console replicates)
-- are news to every console: a change pokes every tenant topic a console can have joined (active
-- tenants), still once per tenant per transaction — so a new exchange rate reaches a live console
-- at once, not with its 30 s fallback poll, and its pre-flight converts money as the server does.
--
-- The payload carries the writing transaction's id (sync_txid of its rows): sync_pull returns a
-- row only once every older transaction has finished, so a console that pulls on the poke and
-- does not yet reach that id knows to look again shortly instead of waiting for the slow poll.

create or replace function public.sync_poke(p_topics text[]) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- ',topic,topic,' of the topics this transaction already poked.
  v_sent text := coalesce(current_setting('sync.poked_topics', true), '');
  v_txid jsonb;
  v_topic text;
begin
  foreach v_topic in array coalesce(p_topics, '{}') loop
    continue when v_topic is null or strpos(v_sent, ',' || v_topic || ',') > 0;
    v_txid := coalesce(v_txid, jsonb_build_object('txid', pg_current_xact_id()::text));
    perform realtime.send(v_txid, 'changed', v_topic, true);
    v_sent := case when v_sent = '' then ',' else v_sent end || v_topic || ',';
  end loop;
  perform set_config('sync.poked_topics', v_sent, true);
end
$$;
revoke all on function public.sync_poke(text[]) from public, anon, authenticated, service_role;

-- Rows of a tenant-scoped replicated table: poke each tenant the statement touched.
create or replace function public.sync_poke_tenant_rows() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.sync_poke(array(select distinct 'tenant:' || r.tenant_id::text from poked_rows r));
  return null;
end
$$;

-- Memberships: the tenant's topic, and the member's own `user:<id>` topic, so a reviewer added to
-- a tenant they do not subscribe to yet hears of it at once (their console then joins its topic).
create or replace function public.sync_poke_member_rows() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.sync_poke(array(
    select distinct 'tenant:' || r.tenant_id::text from poked_rows r
    union
    select distinct 'user:' || r.user_id::text from poked_rows r));
  return null;
end
$$;

-- Tenants: the tenant's topic, and its holding's, whose managers see it as a subsidiary: one newly
-- attached to a holding (or reactivated) is news to managers not yet joined to its own topic.
create or replace function public.sync_poke_tenants_rows() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.sync_poke(array(
    select distinct 'tenant:' || r.id::text from poked_rows r
    union
    select distinct 'tenant:' || r.parent_tenant_id::text from poked_rows r where r.parent_tenant_id is not null));
  return null;
end
$$;

-- Profiles have no tenant: they stream to everyone who shares a tenant with the person.
create or replace function public.sync_poke_profile_rows() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.sync_poke(array(
    select distinct 'tenant:' || m.tenant_id::text
    from poked_rows r
    join public.tenant_members m on m.user_id = r.id));
  return null;
end
$$;

-- A tenant-less table (fx_rates, role_permissions): every tenant topic a console can have joined.
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
revoke all on function public.sync_poke_tenant_rows(), public.sync_poke_member_rows(), public.sync_poke_tenants_rows(),
  public.sync_poke_profile_rows(), public.sync_poke_every_tenant()
  from public, anon, authenticated, service_role;

-- Attaches the poke triggers to a replicated table. Insert and update get one trigger each: a
-- trigger with a transition table may name only one event. (Deletes do not replicate: rows are
-- tombstoned with deleted_at, an update.) A table added to the sync streams later calls this in
-- its migration; it is not part of the API.
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

-- Every replicated table (they all carry sync_txid).
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

-- Who may join a poke topic. Supabase Realtime authorises a private channel join by reading
-- realtime.messages as the joining user with realtime.topic() set to the channel's topic: these
-- are exactly the tenants sync_pull would show them (holding managers see their subsidiaries),
-- and their own user topic. anon gets no policy, so it joins nothing.
create or replace function public.may_join_sync_topic(p_topic text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select p_topic = 'user:' || auth.uid()::text
      or p_topic = any (select 'tenant:' || v.id::text from unnest(public.visible_tenant_ids()) as v(id))
$$;
revoke all on function public.may_join_sync_topic(text) from public, anon;
grant execute on function public.may_join_sync_topic(text) to authenticated;

-- The verdict does not depend on the row: wrapped in a scalar subquery it is computed once per
-- check (an init plan), not once for every row realtime.messages holds.
drop policy if exists sync_pokes_read on realtime.messages;
create policy sync_pokes_read on realtime.messages
  for select to authenticated
  using (
    realtime.messages.extension = 'broadcast'
    and (select public.may_join_sync_topic((select realtime.topic())))
  );
