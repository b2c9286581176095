-- Realtime pokes of tenant-scoped tables, at the cost of a test per row instead of a call per
-- statement (issue 16, replay_1000_s). A decision pushed by sync_push writes one row in each of
-- about seven statements (the decision, the approval, its action, the outbox, the agent's memory,
-- the audit entry and its chain head), and each statement ran the poke trigger of
-- 20261203005000_realtime_pokes.sql: two SECURITY DEFINER plpgsql calls, a query of the transition
-- table and a rewrite of the transaction's poked-topics setting — about 70 µs, to learn that the
-- tenant had already been poked by the decision before it. Replaying 1,000 decisions paid that
-- ~7,000 times.
--
-- Now the triggers of tenant-scoped tables are row-level BEFORE triggers whose WHEN clause reads
-- the transaction's poked topics (a C expression, no function call) and fires only for a row whose
-- tenant this transaction has not poked yet. The trigger pokes at once and records the topic, so
-- the next row of that tenant, in this statement or any later one, is passed over by the WHEN.
-- Everything else holds as before: one message per tenant per transaction whatever the number of
-- rows and statements; realtime.send inserts into realtime.messages, so a poke is delivered only
-- if the transaction commits; a sub-transaction rolled back (a refused sync_push mutation) takes
-- back its poke and the setting's memory of it, so a later mutation of that tenant pokes again.
-- BEFORE, not AFTER: an AFTER row event is queued when the row is written and run at the end of
-- the statement, so every row of a bulk insert into a new tenant would pass the WHEN before the
-- first poke recorded its topic.
--
-- Memberships, tenants, profiles and the tenant-less tables keep their statement triggers: their
-- topics are not the row's tenant alone, and they are written rarely.

-- One row of a tenant-scoped table whose tenant this transaction has not poked (see the WHEN).
create or replace function public.sync_poke_tenant_row() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.sync_poke(array['tenant:' || new.tenant_id::text]);
  return new;
end
$$;
revoke all on function public.sync_poke_tenant_row() from public, anon, authenticated, service_role;

-- Same contract as before (insert and update get one trigger each, named <table>_poke_<op>).
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
    else 'sync_poke_tenant_row' end;
  v_op text;
begin
  foreach v_op in array array['insert', 'update'] loop
    execute format('drop trigger if exists %I on public.%I', p_table || '_poke_' || v_op, p_table);
    if v_fn = 'sync_poke_tenant_row' then
      -- sync_poke keeps the poked topics as ',tenant:<id>,tenant:<id>,'.
      execute format(
        'create trigger %I before %s on public.%I for each row
           when (strpos(coalesce(current_setting(''sync.poked_topics'', true), ''''), '',tenant:'' || new.tenant_id::text || '','') = 0)
           execute function public.sync_poke_tenant_row()',
        p_table || '_poke_' || v_op, v_op, p_table);
    else
      execute format(
        'create trigger %I after %s on public.%I referencing new table as poked_rows for each statement execute function public.%I()',
        p_table || '_poke_' || v_op, v_op, p_table, v_fn);
    end if;
  end loop;
end
$$;
revoke all on function public.enable_sync_pokes(text) from public, anon, authenticated, service_role;

-- Every replicated table (they all carry sync_txid), as 20261203005000_realtime_pokes.sql did.
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

-- No table calls it any more; the row trigger replaced it.
drop function if exists public.sync_poke_tenant_rows();
