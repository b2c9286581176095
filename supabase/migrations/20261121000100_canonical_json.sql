-- Canonical JSON: one text form of a jsonb value that TypeScript reproduces byte for byte from the
-- same value received over JSON (src/shared/audit-chain.ts). The audit chain and the approvals'
-- payload_hash hash this form, so the console can re-check both offline.
-- Rules: object keys sorted by code point (UTF-8 byte order = collate "C"), no whitespace, strings
-- escaped as JSON.stringify does (PostgreSQL's json escaping is the same set), numbers printed as
-- JavaScript prints the double that JSON.parse makes of them.

-- A JSON number as JavaScript's Number.prototype.toString prints it (ECMA-262 Number::toString),
-- general case: shortest round-trip digits of the double, then JavaScript's choice of notation.
create or replace function public.js_number_text_slow(p_value numeric) returns text
language plpgsql
immutable
strict
parallel safe
set search_path = ''
-- float8 text is the shortest round-trip form only with extra_float_digits > 0.
set extra_float_digits = 1
as $$
declare
  v_abs numeric := abs(p_value);
  v_text text;
  v_parts text[];
  v_digits text;
  v_point int;   -- ECMAScript's n: the value is 0.<digits> × 10^n
  v_k int;       -- number of significant digits
  v_exp int;
  v_out text;
begin
  if v_abs = 0 then
    return '0';
  elsif v_abs > 1.7976931348623157e308 then
    return 'null'; -- JSON.parse gives Infinity, which JSON.stringify prints as null
  elsif v_abs < 2.5e-324 then
    return '0';
  end if;
  v_text := trim_scale(v_abs)::text;
  -- Up to 15 significant digits a decimal survives the trip through a double unchanged, so its own
  -- digits are the shortest form; longer ones take the double's shortest round-trip digits.
  if length(rtrim(ltrim(replace(v_text, '.', ''), '0'), '0')) > 15 then
    v_text := (v_abs::float8)::text;
  end if;
  v_parts := regexp_match(v_text, '^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$');
  v_digits := v_parts[1] || coalesce(v_parts[2], '');
  v_point := length(v_parts[1]) + coalesce(v_parts[3]::int, 0);
  while left(v_digits, 1) = '0' loop
    v_digits := substr(v_digits, 2);
    v_point := v_point - 1;
  end loop;
  v_digits := rtrim(v_digits, '0');
  v_k := length(v_digits);
  if v_k <= v_point and v_point <= 21 then
    v_out := v_digits || repeat('0', v_point - v_k);
  elsif 0 < v_point and v_point <= 21 then
    v_out := left(v_digits, v_point) || '.' || substr(v_digits, v_point + 1);
  elsif -6 < v_point and v_point <= 0 then
    v_out := '0.' || repeat('0', -v_point) || v_digits;
  else
    v_exp := v_point - 1;
    v_out := case when v_k = 1 then v_digits else left(v_digits, 1) || '.' || substr(v_digits, 2) end
      || 'e' || case when v_exp >= 0 then '+' else '-' end || abs(v_exp)::text;
  end if;
  return case when p_value < 0 then '-' || v_out else v_out end;
end
$$;

-- The common case inline: up to 15 significant digits between 1e-6 and 1e21, JavaScript prints the
-- plain decimal, which is the numeric's own text without trailing zeros (1240.50 → 1240.5).
-- Plain SQL without a SET clause so the planner inlines it into canonical_json; it calls only
-- pg_catalog built-ins (always searched first) and a schema-qualified function.
create or replace function public.js_number_text(p_value numeric) returns text
language sql
immutable
strict
parallel safe
as $$
  select case
    when abs(p_value) >= 0.000001 and abs(p_value) < 1e21
         and length(rtrim(ltrim(replace(trim_scale(abs(p_value))::text, '.', ''), '0'), '0')) <= 15
      then trim_scale(p_value)::text
    else public.js_number_text_slow(p_value)
  end
$$;

create or replace function public.canonical_json(p_value jsonb) returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  case jsonb_typeof(p_value)
    when 'object' then
      return '{' || coalesce((
        select string_agg(
          to_jsonb(e.key)::text || ':' || case jsonb_typeof(e.value)
            when 'object' then public.canonical_json(e.value)
            when 'array' then public.canonical_json(e.value)
            when 'number' then public.js_number_text(e.value::numeric)
            else e.value::text -- strings, booleans and null print canonically already
          end,
          ',' order by e.key collate "C")
        from jsonb_each(p_value) e
      ), '') || '}';
    when 'array' then
      return '[' || coalesce((
        select string_agg(case jsonb_typeof(e.value)
            when 'object' then public.canonical_json(e.value)
            when 'array' then public.canonical_json(e.value)
            when 'number' then public.js_number_text(e.value::numeric)
            else e.value::text
          end, ',' order by e.ord)
        from jsonb_array_elements(p_value) with ordinality as e(value, ord)
      ), '') || ']';
    when 'number' then
      return public.js_number_text(p_value::numeric);
    when 'string' then
      return p_value::text;
    when 'boolean' then
      return p_value::text;
    else
      return 'null'; -- JSON null and SQL null alike
  end case;
end
$$;

-- sha256 hex of a value's canonical JSON: the approvals' payload_hash, also computed by the console.
create or replace function public.canonical_hash(p_value jsonb) returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select encode(sha256(convert_to(public.canonical_json(p_value), 'UTF8')), 'hex')
$$;

revoke all on function public.js_number_text_slow(numeric), public.js_number_text(numeric), public.canonical_json(jsonb), public.canonical_hash(jsonb)
  from public, anon;
grant execute on function public.js_number_text_slow(numeric), public.js_number_text(numeric), public.canonical_json(jsonb), public.canonical_hash(jsonb)
  to authenticated, service_role;

-- Migration-time helper for every replicated table the following migrations create: the sync
-- index and stamping, updated_at (mutable tables) or refuse_mutation (append-only tables, stamped on
-- insert only), RLS enabled and forced with the tenant read policy, and SELECT-only grants.
-- Dropped again at the end of 20261121000150 so it is never part of the API.
create or replace function public._setup_replicated(p_table text, p_append_only boolean, p_policy text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  execute format('create index %I on public.%I (tenant_id, sync_txid, sync_version)', p_table || '_sync_idx', p_table);
  if p_append_only then
    execute format('create trigger %I before insert on public.%I for each row execute function public.stamp_sync()',
                   p_table || '_sync', p_table);
    execute format('create trigger %I before update or delete on public.%I for each row execute function public.refuse_mutation()',
                   p_table || '_append_only', p_table);
    execute format('create trigger %I before truncate on public.%I for each statement execute function public.refuse_mutation()',
                   p_table || '_no_truncate', p_table);
  else
    execute format('create trigger %I before update on public.%I for each row execute function public.set_updated_at()',
                   p_table || '_updated_at', p_table);
    execute format('create trigger %I before insert or update on public.%I for each row execute function public.stamp_sync()',
                   p_table || '_sync', p_table);
  end if;
  execute format('alter table public.%I enable row level security', p_table);
  execute format('alter table public.%I force row level security', p_table);
  execute format('create policy %I on public.%I for select to authenticated using (%s)',
                 p_table || '_read', p_table,
                 coalesce(p_policy, 'tenant_id = any ((select public.visible_tenant_ids())::uuid[])'));
  execute format('revoke all on public.%I from anon, authenticated', p_table);
  execute format('grant select on public.%I to authenticated', p_table);
end
$$;
revoke all on function public._setup_replicated(text, boolean, text) from public, anon, authenticated, service_role;
