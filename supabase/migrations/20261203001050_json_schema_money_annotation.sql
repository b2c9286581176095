-- `x-money` (where a tool's arguments say how much money the call moves; see
-- 20261203001000_fx_rates_and_decision_money.sql) is an annotation like `title`: the validator
-- skips it instead of failing closed, so a tool that marks its amount can still be checked. The
-- function of 20261121000310_json_schema_check.sql again, with that one keyword added.

create or replace function public.json_schema_errors(p_schema jsonb, p_value jsonb, p_path text default '$')
returns text[]
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  v_errors text[] := '{}';
  v_key text;
  v_kw jsonb;
  v_type text := jsonb_typeof(p_value);
  v_types text[];
  v_ok boolean;
  v_num numeric;
  v_len int;
begin
  if p_schema is null or p_schema in ('null'::jsonb, 'true'::jsonb, '{}'::jsonb) then
    return v_errors;
  end if;
  if p_schema = 'false'::jsonb then
    return array[p_path || ': no value is allowed here'];
  end if;
  if jsonb_typeof(p_schema) <> 'object' then
    return array[p_path || ': the schema is not an object'];
  end if;

  for v_key, v_kw in select e.key, e.value from jsonb_each(p_schema) e loop
    case v_key
    when 'title', 'description', 'default', 'examples', 'format', '$schema', '$id', '$comment',
         'readOnly', 'writeOnly', 'deprecated', 'x-money' then
      null;

    when 'type' then
      v_types := case jsonb_typeof(v_kw)
        when 'array' then array(select jsonb_array_elements_text(v_kw))
        else array[v_kw #>> '{}'] end;
      v_ok := v_type = any (v_types)
        or (v_type = 'number' and 'integer' = any (v_types) and (p_value::text)::numeric = trunc((p_value::text)::numeric));
      if not v_ok then
        v_errors := v_errors || (p_path || ': expected ' || array_to_string(v_types, ' or ') || ', got ' || v_type);
      end if;

    when 'enum' then
      if not exists (select 1 from jsonb_array_elements(v_kw) a where a.value = p_value) then
        v_errors := v_errors || (p_path || ': must be one of ' || v_kw::text);
      end if;

    when 'const' then
      if p_value is distinct from v_kw then
        v_errors := v_errors || (p_path || ': must equal ' || v_kw::text);
      end if;

    when 'required' then
      if v_type = 'object' then
        v_errors := v_errors || array(
          select p_path || '.' || r.name || ': is required'
          from jsonb_array_elements_text(v_kw) r(name)
          where not p_value ? r.name);
      end if;

    when 'properties' then
      if v_type = 'object' then
        v_errors := v_errors || array(
          select u.err
          from jsonb_each(v_kw) s
          cross join lateral unnest(public.json_schema_errors(s.value, p_value -> s.key, p_path || '.' || s.key)) u(err)
          where p_value ? s.key);
      end if;

    when 'additionalProperties' then
      if v_type = 'object' then
        v_errors := v_errors || array(
          select u.err
          from jsonb_each(p_value) f
          cross join lateral unnest(
            case when v_kw = 'false'::jsonb then array[p_path || '.' || f.key || ': is not an allowed property']
                 else public.json_schema_errors(v_kw, f.value, p_path || '.' || f.key) end) u(err)
          where not coalesce(p_schema -> 'properties', '{}'::jsonb) ? f.key);
      end if;

    when 'minProperties', 'maxProperties' then
      if v_type = 'object' then
        select count(*) into v_len from jsonb_object_keys(p_value);
        if (v_key = 'minProperties' and v_len < (v_kw #>> '{}')::numeric)
           or (v_key = 'maxProperties' and v_len > (v_kw #>> '{}')::numeric) then
          v_errors := v_errors || (p_path || ': ' || v_key || ' ' || v_kw::text || ' not met');
        end if;
      end if;

    when 'items' then
      if v_type = 'array' then
        if jsonb_typeof(v_kw) = 'array' then
          v_errors := v_errors || (p_path || ': tuple-form items is not supported');
        else
          v_errors := v_errors || array(
            select u.err
            from jsonb_array_elements(p_value) with ordinality a(value, n)
            cross join lateral unnest(public.json_schema_errors(v_kw, a.value, p_path || '[' || (a.n - 1) || ']')) u(err));
        end if;
      end if;

    when 'minItems', 'maxItems' then
      if v_type = 'array' then
        v_len := jsonb_array_length(p_value);
        if (v_key = 'minItems' and v_len < (v_kw #>> '{}')::numeric)
           or (v_key = 'maxItems' and v_len > (v_kw #>> '{}')::numeric) then
          v_errors := v_errors || (p_path || ': ' || v_key || ' ' || v_kw::text || ' not met');
        end if;
      end if;

    when 'uniqueItems' then
      if v_type = 'array' and v_kw = 'true'::jsonb
         and (select count(distinct a.value) from jsonb_array_elements(p_value) a) < jsonb_array_length(p_value) then
        v_errors := v_errors || (p_path || ': items must be unique');
      end if;

    when 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf' then
      if v_type = 'number' then
        v_num := (p_value::text)::numeric;
        if jsonb_typeof(v_kw) <> 'number' then
          v_errors := v_errors || (p_path || ': ' || v_key || ' must be a number in the schema');
        elsif (v_key = 'minimum' and v_num < (v_kw::text)::numeric)
           or (v_key = 'maximum' and v_num > (v_kw::text)::numeric)
           or (v_key = 'exclusiveMinimum' and v_num <= (v_kw::text)::numeric)
           or (v_key = 'exclusiveMaximum' and v_num >= (v_kw::text)::numeric)
           or (v_key = 'multipleOf' and (v_kw::text)::numeric > 0 and mod(v_num, (v_kw::text)::numeric) <> 0) then
          v_errors := v_errors || (p_path || ': ' || v_key || ' ' || v_kw::text || ' not met');
        end if;
      end if;

    when 'minLength', 'maxLength' then
      if v_type = 'string' then
        v_len := length(p_value #>> '{}');
        if (v_key = 'minLength' and v_len < (v_kw #>> '{}')::numeric)
           or (v_key = 'maxLength' and v_len > (v_kw #>> '{}')::numeric) then
          v_errors := v_errors || (p_path || ': ' || v_key || ' ' || v_kw::text || ' not met');
        end if;
      end if;

    when 'pattern' then
      if v_type = 'string' then
        begin
          if not ((p_value #>> '{}') ~ (v_kw #>> '{}')) then
            v_errors := v_errors || (p_path || ': does not match ' || v_kw::text);
          end if;
        exception when invalid_regular_expression then
          v_errors := v_errors || (p_path || ': pattern ' || v_kw::text || ' is not a regex PostgreSQL understands');
        end;
      end if;

    when 'allOf' then
      v_errors := v_errors || array(
        select u.err
        from jsonb_array_elements(v_kw) s
        cross join lateral unnest(public.json_schema_errors(s.value, p_value, p_path)) u(err));

    else
      v_errors := v_errors || (p_path || ': schema keyword "' || v_key || '" is not supported, so the payload cannot be checked');
    end case;
  end loop;
  return v_errors;
end
$$;
