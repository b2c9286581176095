-- sync_pull's probe ("which streams have rows after their cursors") reads each caller's tenants
-- once instead of once per stream (issue 14, server_load). The probe names all ~31 replicated tables
-- in one statement and ran under RLS, so every table brought its policy's init plan:
-- visible_tenant_ids() or readable_tenant_ids(perm), a SECURITY DEFINER function with its own
-- query, evaluated ~31 times per pull. That was two thirds of the database's time for a pull that
-- finds nothing (measured 15–21 ms, of which ~10 ms the init plans; the index probes themselves
-- cost ~0.02 ms each), and every console's pull on a poke paid it too.
--
-- public.sync_changed_streams() runs the same probe as SECURITY DEFINER, having read the caller's
-- visible tenants and their readable tenants per read permission once, and applies to each table
-- exactly the rows its read policy admits the caller to in those tenants:
--   * tenant tables: the visible tenants (the `<table>_read` policies);
--   * tables a read permission gates (read_gates()): the tenants readable under it;
--   * review_snoozes: the caller's own snoozes only;
--   * profiles: the caller's and those of members of a visible tenant;
--   * other tenant-less tables (role_permissions, fx_rates): everyone.
-- Its answer is only which stream names have such rows after the given cursors, which the caller
-- may learn anyway by pulling, so it may be called directly. The rows themselves are still read by
-- sync_pull's per-stream statements under RLS. test/schema/sync-pull-probe.test.ts checks the
-- probe against RLS for every stream and demo reviewer, so a table whose policy differs from
-- these rules fails there rather than leaking here.

do $generate$
declare
  v_table record;
  v_probe text[] := '{}';
  v_scope text;
  v_extra text;
  v_perm_vars text := '';
  v_perm_sets text := '';
  v_perm record;
  v_n int := 0;
  v_gate_var jsonb := '{}';
  v_def text;
  v_from int;
  v_to int;
  v_marker_start constant text := 'select coalesce(array_agg(d.stream), ''{}'') into v_dirty from (';
  v_marker_end constant text := ') as d(stream);';
begin
  -- One variable per read permission: the tenants readable under it (a subset of the visible ones).
  for v_perm in select distinct permission from public.read_gates() order by 1 loop
    v_n := v_n + 1;
    v_perm_vars := v_perm_vars || format(E'\n  v_readable_%s uuid[];', v_n);
    v_perm_sets := v_perm_sets || format(E'\n  v_readable_%s := public.readable_tenant_ids(%L);', v_n, v_perm.permission);
    v_gate_var := v_gate_var || jsonb_build_object(v_perm.permission, format('v_readable_%s', v_n));
  end loop;

  for v_table in
    select c.relname::text as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant,
           (select g.permission from public.read_gates() g where g.table_name = c.relname::text) as permission
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'sync_txid' and not a.attisdropped)
    order by 1
  loop
    if v_table.has_tenant then
      v_scope := format('(select u.tid, u.tid::text as scope from unnest(%s) as u(tid)) s',
                        coalesce(v_gate_var ->> v_table.permission, 'v_tenants'));
      v_extra := 't.tenant_id = c.tid and ' || case when v_table.name = 'review_snoozes' then 't.user_id = v_uid and ' else '' end;
    else
      v_scope := $s$(select null::uuid as tid, '*'::text as scope) s$s$;
      v_extra := case when v_table.name = 'profiles'
        then '(t.id = v_uid or exists (select 1 from public.tenant_members m where m.user_id = t.id and m.tenant_id = any (v_tenants))) and '
        else '' end;
    end if;
    -- The probe of 20261203002000, per stream, without RLS: `offset 0` keeps the cursors a separate
    -- subquery so they reach the index as plain values; a scalar subquery in index order walks the
    -- index to the first row after the cursor.
    v_probe := v_probe || format($probe$
      select %1$L where exists (
        select 1
        from (select s.tid,
                     coalesce((p_cursors #>> array[s.scope, %1$L, 'txid'])::xid8, '0'::xid8) as txid,
                     coalesce((p_cursors #>> array[s.scope, %1$L, 'version'])::bigint, -1) as ver
              from %2$s offset 0) c
        where (select true from public.%1$I t
               where %3$s (t.sync_txid, t.sync_version) > (c.txid, c.ver) and t.sync_txid < p_xmin
               order by t.sync_txid, t.sync_version limit 1))$probe$,
      v_table.name, v_scope, v_extra);
  end loop;

  execute format($function$
create or replace function public.sync_changed_streams(p_cursors jsonb, p_xmin xid8) returns text[]
language plpgsql
stable
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_bitmapscan = off
as $body$
declare
  v_uid uuid := auth.uid();
  v_tenants uuid[];%1$s
  v_dirty text[];
begin
  if v_uid is null or jsonb_typeof(p_cursors) is distinct from 'object' then
    return '{}';
  end if;
  v_tenants := public.visible_tenant_ids();%2$s
  select coalesce(array_agg(d.stream), '{}') into v_dirty from (%3$s
  ) as d(stream);
  return v_dirty;
end
$body$;
$function$, v_perm_vars, v_perm_sets, array_to_string(v_probe, E'\n      union all'));

  -- sync_pull keeps everything else; its probe statement becomes the call.
  v_def := pg_get_functiondef('public.sync_pull(jsonb, int)'::regprocedure);
  v_from := strpos(v_def, v_marker_start);
  v_to := strpos(substr(v_def, v_from), v_marker_end);
  if v_from = 0 or v_to = 0 then
    raise exception 'sync_pull has no probe statement to replace: regenerate it with the probe as sync_changed_streams()';
  end if;
  execute left(v_def, v_from - 1)
    || 'v_dirty := public.sync_changed_streams(p_cursors, v_xmin);'
    || substr(v_def, v_from + v_to - 1 + length(v_marker_end));
end
$generate$;

revoke all on function public.sync_changed_streams(jsonb, xid8) from public, anon;
grant execute on function public.sync_changed_streams(jsonb, xid8) to authenticated, service_role;
