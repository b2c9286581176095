-- Read permissions reach the data (issue 11, item 4). role_permissions names `audit:read` and
-- `approvals:read`; until now only writes checked permissions, so a role without audit:read (ops)
-- pulled the whole audit log. Now RLS checks them, through one helper evaluated once per statement,
-- and sync_pull tells each console which tables it may no longer read in a tenant it still sees
-- (`withheld`), so the console purges what it holds of them and starts them over from zero when
-- the permission comes back.
--
-- Also here, because sync_pull is regenerated once for all of them: the audit chain heads become
-- a replicated table (read under audit:read like the log), so a console can tell a deleted tail
-- from a chain that simply ends (see 20261203002100); and fx_rates (20261203001000) reach every
-- console (scope '*', like role_permissions), so the pre-flight converts money exactly as
-- push_approval_decide does.

-- ───────────────────────── which permission gates which table ─────────────────────────

-- The tables a read permission gates. A tenant the caller sees but lacks the permission in shows
-- none of these rows. (Writes check their own permissions in the push_* functions.)
create or replace function public.read_gates() returns table (permission text, table_name text)
language sql
immutable
parallel safe
set search_path = ''
as $$
  values ('audit:read', 'audit_log'),
         ('audit:read', 'audit_chain_heads'),
         ('approvals:read', 'approvals'),
         ('approvals:read', 'approval_decisions')
$$;

-- The visible tenants in which the caller's role (its own membership, or the holding's it sees the
-- tenant through; the direct one wins, as in effective_membership) has the permission. One query,
-- as RLS runs it once per statement of every pull. SECURITY DEFINER like visible_tenant_ids, so
-- policies calling it do not recurse into tenant_members' policy; it reveals only the caller's own
-- permissions.
create or replace function public.readable_tenant_ids(p_permission text) returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  with mine as (
    select m.tenant_id, m.role
    from public.tenant_members m
    join public.tenants t on t.id = m.tenant_id
    where m.user_id = auth.uid()
      and m.is_active and m.deleted_at is null
      and t.is_active and t.deleted_at is null
  ),
  standing as (
    select distinct on (c.tid) c.tid, c.role
    from (
      select tenant_id as tid, role, 0 as via from mine
      union all
      select s.id, h.role, 1
      from mine h
      join public.tenants ht on ht.id = h.tenant_id and ht.kind = 'holding'
      join public.tenants s on s.parent_tenant_id = h.tenant_id and s.is_active and s.deleted_at is null
    ) c
    order by c.tid, c.via
  )
  select coalesce(array_agg(st.tid), '{}')
  from standing st
  where exists (select 1 from public.role_permissions rp where rp.role = st.role and rp.permission = p_permission)
$$;
revoke all on function public.read_gates(), public.readable_tenant_ids(text) from public, anon;
grant execute on function public.read_gates(), public.readable_tenant_ids(text) to authenticated, service_role;

-- `(select …)` makes the helper an init plan: evaluated once per statement, not once per row.
alter policy audit_log_read on public.audit_log
  using (tenant_id = any ((select public.readable_tenant_ids('audit:read'))::uuid[]));
alter policy approvals_read on public.approvals
  using (tenant_id = any ((select public.readable_tenant_ids('approvals:read'))::uuid[]));
alter policy approval_decisions_read on public.approval_decisions
  using (tenant_id = any ((select public.readable_tenant_ids('approvals:read'))::uuid[]));

-- ───────────────────────── the chain heads, replicated ─────────────────────────

-- Stamped like every replicated row: the audit_log_chain trigger moves a head in the same
-- transaction as the entry it points at, so both carry the same sync_txid.
alter table public.audit_chain_heads
  add column sync_version bigint not null default 0,
  add column sync_txid xid8 not null default '0';
create index audit_chain_heads_sync_idx on public.audit_chain_heads (tenant_id, sync_txid, sync_version);
create trigger audit_chain_heads_sync before insert or update on public.audit_chain_heads
  for each row execute function public.stamp_sync();
update public.audit_chain_heads set last_id = last_id;

create policy audit_chain_heads_read on public.audit_chain_heads for select to authenticated
  using (tenant_id = any ((select public.readable_tenant_ids('audit:read'))::uuid[]));
grant select on public.audit_chain_heads to authenticated;

-- ───────────────────────── sync_pull, with `withheld` and the heads ─────────────────────────

-- The generator of 20261121000200 with four changes: '*fx_rates' streams after the standing
-- tables; the chain heads stream after the audit log; replicated tables it does not list join the
-- streams (so a later regeneration cannot drop one); and the answer carries
-- `withheld: {tenant id: [table, …]}`. Whoever next changes the streams regenerates it the same way.
do $generate$
declare
  -- Priority order: what the inbox needs first, history last. '*' marks tenant-less tables. The
  -- audit chain heads come after the audit log, so a head reaches a replica only in an answer that
  -- also drained the log up to the same snapshot: a console that holds a head therefore holds every
  -- entry up to it that still exists, and a missing one was deleted, not merely not yet pulled.
  v_listed text[] := array[
    'tenants', 'tenant_members', '*profiles', '*role_permissions', '*fx_rates',
    'agents', 'tools', 'tasks', 'actions', 'approvals', 'review_snoozes', 'approval_delegations',
    'approval_decisions', 'escalations', 'hallucination_flags', 'changesets', 'changeset_patches',
    'orders', 'payments', 'refunds', 'payouts', 'payout_lines', 'disputes', 'journal_postings',
    'messages', 'trust_ledger', 'cost_transactions', 'outbox', 'memory_entries'];
  v_streams text[];
  v_stream text;
  v_table text;
  v_global boolean;
  v_body text := '';
  v_count text := '';
  v_probe text[] := '{}';
begin
  -- Replicated tables (those with a sync stamp) that later migrations add and the list above does
  -- not name stream after it, before the history: regenerating sync_pull never drops a stream.
  select v_listed || coalesce(array_agg(case when x.has_tenant then x.name else '*' || x.name end order by x.name), '{}')
         || array['audit_log', 'audit_chain_heads']
    into v_streams
  from (
    select c.relname::text as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'sync_txid' and not a.attisdropped)
      and c.relname::text <> all (array['audit_log', 'audit_chain_heads'])
      and c.relname::text <> all (select ltrim(s, '*') from unnest(v_listed) s)
  ) x;
  foreach v_stream in array v_streams loop
    v_global := left(v_stream, 1) = '*';
    v_table := ltrim(v_stream, '*');
    v_body := v_body || format($stream$
  -- %1$s
  if %1$L = any (v_dirty) and v_budget = 0 then
    v_has_more := true; -- rows are waiting but this answer is full
  elsif %1$L = any (v_dirty) then
    -- Materialized: the cursors become plain values, so the comparison is leakproof and RLS lets it
    -- be an index condition instead of a filter applied after the security qual.
    with cur as materialized (
      select s.tid, s.scope,
             coalesce((p_cursors #>> array[s.scope, %1$L, 'txid'])::xid8, '0'::xid8) as txid,
             coalesce((p_cursors #>> array[s.scope, %1$L, 'version'])::bigint, -1) as ver
      from %2$s
    ),
    picked as (
      select c.scope, r.rec, r.tx, r.ver
      from cur c
      cross join lateral (
        select t as rec, t.sync_txid as tx, t.sync_version as ver
        from public.%1$I t
        where %3$s (t.sync_txid, t.sync_version) > (c.txid, c.ver)
          and t.sync_txid < v_xmin
        order by t.sync_txid, t.sync_version
        limit v_budget + 1
      ) r
    ),
    ranked as (select p.*, row_number() over (order by p.tx, p.ver) as rn from picked p),
    taken as (select k.* from ranked k where k.rn <= v_budget)
    select (select json_agg(x.rec order by x.tx, x.ver) from taken x),
           (select count(*)::int from taken),
           exists (select 1 from ranked k where k.rn > v_budget),
           (select jsonb_object_agg(m.scope, jsonb_build_object('txid', m.tx::text, 'version', m.ver))
              from (select distinct on (x.scope) x.scope, x.tx, x.ver from taken x
                    order by x.scope, x.tx desc, x.ver desc) m)
      into v_rows, v_n, v_more, v_moved;
    if v_n > 0 then
      v_tables := v_tables || %1$L::text;
      v_pieces := v_pieces || v_rows;
      v_returned := v_returned + v_n;
      v_budget := v_budget - v_n;
      select v_cursors || jsonb_object_agg(e.key, coalesce(v_cursors -> e.key, '{}'::jsonb) || jsonb_build_object(%1$L, e.value))
        into v_cursors
        from jsonb_each(v_moved) e;
    end if;
    v_has_more := v_has_more or v_more;
  end if;
$stream$,
      v_table,
      case when v_global then $s$(select null::uuid as tid, '*'::text as scope) s$s$
           else $s$(select u.tid, u.tid::text as scope from unnest(v_tenants) as u(tid)) s$s$ end,
      case when v_global then '' else 't.tenant_id = c.tid and' end);
    -- One branch per stream of the probe that finds which streams have rows after their cursors.
    -- `offset 0` keeps the cursors a separate subquery, so they reach the index as plain values.
    v_probe := v_probe || format($probe$
      select %1$L where exists (
        select 1
        from (select s.tid,
                     coalesce((p_cursors #>> array[s.scope, %1$L, 'txid'])::xid8, '0'::xid8) as txid,
                     coalesce((p_cursors #>> array[s.scope, %1$L, 'version'])::bigint, -1) as ver
              from %2$s offset 0) c
        -- A scalar subquery in index order, not EXISTS (whose LIMIT the planner drops): it walks the
        -- index to the first row after the cursor instead of collecting them all in a bitmap.
        where (select true from public.%1$I t
               where %3$s (t.sync_txid, t.sync_version) > (c.txid, c.ver) and t.sync_txid < v_xmin
               order by t.sync_txid, t.sync_version limit 1))$probe$,
      v_table,
      case when v_global then $s$(select null::uuid as tid, '*'::text as scope) s$s$
           else $s$(select u.tid, u.tid::text as scope from unnest(v_tenants) as u(tid)) s$s$ end,
      case when v_global then '' else 't.tenant_id = c.tid and' end);
    v_count := v_count || format($count$
    v_total := v_total + (select count(*) from public.%1$I t where %2$s t.sync_txid < v_xmin);$count$,
      v_table,
      case when v_global then '' else 't.tenant_id = any (v_tenants) and' end);
  end loop;

  execute format($function$
create or replace function public.sync_pull(p_cursors jsonb default '{}'::jsonb, p_limit int default 2000)
returns json
language plpgsql
stable
security invoker
set search_path = ''
-- The same statements run on every pull: plan them once per session, not on every call.
set plan_cache_mode = force_generic_plan
-- Every statement here is written for an index (the sync index, the pending-urgency index, keys).
-- While a table is small the planner would rather scan it whole, and a generic plan made then
-- would keep doing so as the table grows; index range scans cost next to nothing when it is small.
-- Bitmap scans go too: on a small table the planner may bitmap-scan another index and apply the
-- cursor as a filter, reading a tenant's whole table on every poll; a plain index scan on the sync
-- index also returns rows already in (sync_txid, sync_version) order.
set enable_seqscan = off
set enable_bitmapscan = off
as $body$
declare
  -- Every transaction still running, or yet to start, has a txid >= v_xmin: rows below it are final.
  v_xmin xid8 := pg_snapshot_xmin(pg_current_snapshot());
  v_limit int := least(greatest(coalesce(p_limit, 2000), 1), 20000);
  v_budget int := v_limit;
  v_cursors_in jsonb := coalesce(p_cursors, '{}'::jsonb);
  v_fresh boolean;
  v_tenants uuid[];
  -- Rows by table: table names and their json arrays. json, not jsonb, from here to the wire: rows
  -- are printed once (row_to_json) instead of being built as jsonb and printed again.
  v_tables text[] := '{}';
  v_pieces json[] := '{}';
  v_returned int := 0;
  v_cursors jsonb := '{}'::jsonb;
  v_has_more boolean := false;
  v_priority json;
  v_withheld json;
  v_total bigint := 0;
  v_rows json;
  v_n int;
  v_more boolean;
  v_moved jsonb;
  v_dirty text[];
begin
  if auth.uid() is null then
    -- anon (and service_role, which has no reviewer) replicate nothing.
    return json_build_object('tenants', '[]'::json, 'changes', '{}'::json, 'cursors', '{}'::json, 'has_more', false);
  end if;
  if jsonb_typeof(v_cursors_in) <> 'object' then
    raise exception 'p_cursors must be an object of {scope: {table: {txid, version}}}' using errcode = '22023';
  end if;
  p_cursors := v_cursors_in;
  v_fresh := v_cursors_in = '{}'::jsonb;
  v_tenants := public.visible_tenant_ids();
  -- Tables a read permission gates that the caller may not read in a tenant it sees: RLS already
  -- keeps their rows out; the client purges what it holds of them and restarts their cursors.
  select json_object_agg(w.tid, w.tables) into v_withheld
  from (
    select u.tid, json_agg(g.table_name order by g.table_name) as tables
    from (select p.permission, public.readable_tenant_ids(p.permission) as readable
          from (select distinct permission from public.read_gates()) p) r
    join public.read_gates() g on g.permission = r.permission
    cross join unnest(v_tenants) as u(tid)
    where not (u.tid = any (r.readable))
    group by u.tid
  ) w;

  -- A fresh replica first gets the urgent pending approvals and what the inbox shows with them.
  -- They do not move cursors; the streams below bring the same rows again in their turn.
  if v_fresh then
    -- Per tenant, the first v_limit pending approvals straight off approvals_pending_urgency_idx;
    -- then the most urgent v_limit of those.
    with pa as (
      select p.*
      from unnest(v_tenants) as u(tid)
      cross join lateral (
        select a.id, a.tenant_id, a.task_id, a.action_id, a.requested_by_agent_id, a.expires_at, a.risk_level, a.created_at
        from public.approvals a
        where a.tenant_id = u.tid
          and a.status = 'pending' and a.deleted_at is null
          and (a.expires_at is null or a.expires_at > now())
        order by a.expires_at asc nulls last, a.risk_level desc, a.created_at, a.id
        limit v_limit
      ) p
      order by p.expires_at asc nulls last, p.risk_level desc, p.created_at, p.id
      limit v_limit
    ),
    pact as (select x.* from public.actions x where x.id in (select pa.action_id from pa))
    select json_object_agg(p.tbl, p.rows) into v_priority
    from (
      select 'approvals' as tbl, (select json_agg(a order by pa.expires_at asc nulls last, pa.risk_level desc, pa.created_at, pa.id)
                                  from pa join public.approvals a on a.id = pa.id) as rows
      union all
      select 'agents', (select json_agg(g) from public.agents g
                        where g.id in (select pa.requested_by_agent_id from pa))
      union all
      select 'tasks', (select json_agg(k) from public.tasks k where k.id in (select pa.task_id from pa))
      union all
      select 'actions', (select json_agg(x) from pact x)
      union all
      select 'tools', (select json_agg(o) from public.tools o
                       where exists (select 1 from pact x where o.tenant_id = x.tenant_id
                                       and o.app = x.tool ->> 'app' and o.tool_key = x.tool ->> 'key'))
      union all
      select 'review_snoozes', (select json_agg(z) from public.review_snoozes z
                                where z.approval_id in (select pa.id from pa))
    ) p
    where p.rows is not null;
    %1$s
  end if;

  -- Which streams have rows after their cursors: one cheap statement, so an idle poll costs one
  -- index probe per stream and tenant and nothing more.
  select coalesce(array_agg(d.stream), '{}') into v_dirty from (%3$s
  ) as d(stream);
%2$s
  if not v_fresh then
    return json_build_object(
      'tenants', to_json(v_tenants),
      'changes', coalesce((select json_object_agg(u.tbl, u.rows) from unnest(v_tables, v_pieces) as u(tbl, rows)), '{}'::json),
      'cursors', v_cursors,
      'has_more', v_has_more,
      'withheld', coalesce(v_withheld, '{}'::json));
  end if;
  return json_build_object(
    'tenants', to_json(v_tenants),
    'changes', coalesce((select json_object_agg(u.tbl, u.rows) from unnest(v_tables, v_pieces) as u(tbl, rows)), '{}'::json),
    'cursors', v_cursors,
    'has_more', v_has_more,
    'withheld', coalesce(v_withheld, '{}'::json),
    'priority', coalesce(v_priority, '{}'::json),
    'remaining_estimate', greatest(v_total - v_returned, 0));
end
$body$;
$function$, v_count, v_body, array_to_string(v_probe, E'\n      union all'));
end
$generate$;
revoke all on function public.sync_pull(jsonb, int) from public;
grant execute on function public.sync_pull(jsonb, int) to anon, authenticated, service_role;
