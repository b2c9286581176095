-- The audit chain's head is each tenant's one hot row: every append locks it until commit, so a
-- tenant's writers (agent intake, decisions, the executor) take turns there, and whatever runs
-- while it is held caps the tenant's throughput (issue 12: most intake waits were Lock:tuple on the
-- head). The trigger used to build the entry's canonical JSON — its before and after states, most
-- of the entry — after taking the lock. Only the id and prev_hash depend on the head, so the text
-- is now built before the lock, in two halves around the id; under the lock only the id is drawn,
-- the halves joined and hashed, and the head moved. The hashed bytes are the same as before and
-- come from one definition (audit_row_canonical joins the same halves), so stored chains, the
-- console's TypeScript check and verify_audit_chain are untouched.

-- An entry's canonical text split where its id goes: {before, after} with
-- audit_row_canonical = before || '"id":"<id>"' || after. Canonical JSON orders keys by code point:
-- "action" … "entity_type" sort before "id", and "metadata", "occurred_at", "tenant_id" after it.
create or replace function public.audit_row_canonical_around_id(p_row public.audit_log) returns text[]
language sql
stable
parallel safe
set search_path = ''
as $$
  select array[
    -- '{"action":…,"entity_type":…}' without its closing brace, then the comma before "id".
    left(public.canonical_json(jsonb_build_object(
      'action', p_row.action,
      'actor_type', p_row.actor_type,
      'actor_id', p_row.actor_id,
      'after_state', p_row.after_state,
      'before_state', p_row.before_state,
      'entity_id', p_row.entity_id,
      'entity_type', p_row.entity_type)), -1) || ',',
    -- The comma after the id, then '"metadata":…,"tenant_id":…}' without its opening brace.
    ',' || substr(public.canonical_json(jsonb_build_object(
      'metadata', p_row.metadata,
      'occurred_at', to_char(p_row.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'tenant_id', p_row.tenant_id)), 2)]
$$;

-- The text joined around an id: the id as a JSON string, as canonical_json prints id::text
-- (null, which a stored entry never has, as JSON null).
create or replace function public.audit_canonical_join(p_around_id text[], p_id bigint) returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select p_around_id[1] || '"id":' || coalesce('"' || p_id::text || '"', 'null') || p_around_id[2]
$$;

-- The hashed form of an entry (unchanged bytes; see 20261121000150_telemetry_audit.sql).
create or replace function public.audit_row_canonical(p_row public.audit_log) returns text
language sql
stable
parallel safe
set search_path = ''
as $$
  select public.audit_canonical_join(public.audit_row_canonical_around_id(p_row), p_row.id)
$$;

-- Links a new entry to its tenant's chain. Everything that does not depend on the head is done
-- before it is locked; the lock is then held for the few statements below and the commit.
create or replace function public.audit_log_chain() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_prev text;
  v_around_id text[];
  v_ids regclass := pg_get_serial_sequence('public.audit_log', 'id')::regclass;
begin
  new.occurred_at := date_trunc('milliseconds', coalesce(new.occurred_at, now()));
  new.metadata := coalesce(new.metadata, '{}'::jsonb);
  v_around_id := public.audit_row_canonical_around_id(new);

  select h.last_hash into v_prev from public.audit_chain_heads h where h.tenant_id = new.tenant_id for update;
  if not found then
    insert into public.audit_chain_heads (tenant_id, last_id, last_hash)
    values (new.tenant_id, 0, public.audit_genesis_hash())
    on conflict (tenant_id) do nothing;
    select h.last_hash into v_prev from public.audit_chain_heads h where h.tenant_id = new.tenant_id for update;
  end if;
  -- The id is drawn only now, under the head's lock, so a tenant's ids follow its chain order.
  new.id := nextval(v_ids);
  new.prev_hash := v_prev;
  new.integrity_hash := encode(sha256(convert_to(v_prev || public.audit_canonical_join(v_around_id, new.id), 'UTF8')), 'hex');
  update public.audit_chain_heads set last_id = new.id, last_hash = new.integrity_hash
  where tenant_id = new.tenant_id;
  return new;
end
$$;

revoke all on function public.audit_row_canonical_around_id(public.audit_log), public.audit_canonical_join(text[], bigint)
  from public, anon;
grant execute on function public.audit_row_canonical_around_id(public.audit_log), public.audit_canonical_join(text[], bigint)
  to authenticated, service_role;
