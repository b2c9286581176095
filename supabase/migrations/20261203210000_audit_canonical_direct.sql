-- An audit entry's canonical text, spelt out key by key (issue 12, intake throughput). Every
-- writer of the audit log — an agent's proposal, a decision, the executor — builds this text for
-- each entry. It was made by packing the entry's columns into two jsonb objects and handing them to
-- canonical_json, which unpacks them again, sorts their keys and prints each value. The keys of an
-- entry are fixed, so their canonical order is known here: the top level is now printed directly
-- and canonical_json runs only on the jsonb columns (before_state, after_state, metadata). Same
-- bytes as before (compared over 300 stored entries of every kind; the chain tests check them
-- against the console's TypeScript), about a quarter less CPU per entry (0.27 → 0.20 ms, alternating
-- runs under load).
--
-- Canonical order is by code point: action < actor_id < actor_type < after_state < before_state <
-- entity_id < entity_type < [id] < metadata < occurred_at < tenant_id. A text or uuid column prints
-- as the JSON string jsonb would hold; a null column as JSON null.
create or replace function public.audit_row_canonical_around_id(p_row public.audit_log) returns text[]
language sql
stable
parallel safe
set search_path = ''
as $$
  select array[
    -- '{"action":…,"entity_type":…' and the comma before "id".
    '{"action":' || coalesce(to_jsonb(p_row.action)::text, 'null')
      || ',"actor_id":' || coalesce(to_jsonb(p_row.actor_id)::text, 'null')
      || ',"actor_type":' || coalesce(to_jsonb(p_row.actor_type)::text, 'null')
      || ',"after_state":' || public.canonical_json(p_row.after_state)
      || ',"before_state":' || public.canonical_json(p_row.before_state)
      || ',"entity_id":' || coalesce(to_jsonb(p_row.entity_id)::text, 'null')
      || ',"entity_type":' || coalesce(to_jsonb(p_row.entity_type)::text, 'null') || ',',
    -- The comma after the id, then '"metadata":…,"tenant_id":…}'.
    ',"metadata":' || public.canonical_json(p_row.metadata)
      || ',"occurred_at":'
      || coalesce(to_jsonb(to_char(p_row.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text, 'null')
      || ',"tenant_id":' || coalesce(to_jsonb(p_row.tenant_id)::text, 'null') || '}']
$$;
