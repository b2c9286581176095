-- The JSON-Schema validator walks the schema and the value with jsonb operators instead of queries
-- (issue 12, intake throughput). Each agent proposal checks its arguments against the tool's schema
-- in a transaction of its own, and in a new transaction every query a plpgsql function runs (the
-- loop over the schema's keywords, `required`, `properties`, `enum`, …) is set up again: a plan
-- fetched or built, an executor started and ended. Checking stripe.refund's four arguments cost
-- ~0.3 ms of PostgreSQL CPU per proposal, a sixth of the intake's own work. Keys and elements are
-- now listed with jsonb_path_query_array (strict: a schema part of the wrong JSON type still raises)
-- and visited by index, which are plain expressions. Same keywords, same messages, same order
-- (keys in jsonb's own order, as jsonb_each gave them); the function of
-- 20261203001050_json_schema_money_annotation.sql otherwise unchanged. Still plpgsql and recursive:
-- a nested schema is checked by the same function.

create or replace function public.json_schema_errors(p_schema jsonb, p_value jsonb, p_path text default '$')
returns text[]
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  v_errors text[] := '{}';
  v_keys jsonb;
  v_key text;
  v_kw jsonb;
  v_type text := jsonb_typeof(p_value);
  v_types text[];
  v_ok boolean;
  v_num numeric;
  v_len int;
  v_names jsonb;
  v_name text;
  i int;
  j int;
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

  v_keys := jsonb_path_query_array(p_schema, 'strict $.keyvalue().key');
  for i in 0 .. jsonb_array_length(v_keys) - 1 loop
    v_key := v_keys ->> i;
    v_kw := p_schema -> v_key;
    case v_key
    when 'title', 'description', 'default', 'examples', 'format', '$schema', '$id', '$comment',
         'readOnly', 'writeOnly', 'deprecated', 'x-money' then
      null;

    when 'type' then
      if jsonb_typeof(v_kw) = 'array' then
        v_types := '{}';
        for j in 0 .. jsonb_array_length(v_kw) - 1 loop
          v_types := v_types || (v_kw ->> j);
        end loop;
      else
        v_types := array[v_kw #>> '{}'];
      end if;
      v_ok := v_type = any (v_types)
        or (v_type = 'number' and 'integer' = any (v_types) and (p_value::text)::numeric = trunc((p_value::text)::numeric));
      if not v_ok then
        v_errors := v_errors || (p_path || ': expected ' || array_to_string(v_types, ' or ') || ', got ' || v_type);
      end if;

    when 'enum' then
      v_ok := false;
      for j in 0 .. jsonb_array_length(v_kw) - 1 loop
        if v_kw -> j = p_value then
          v_ok := true;
          exit;
        end if;
      end loop;
      if not v_ok then
        v_errors := v_errors || (p_path || ': must be one of ' || v_kw::text);
      end if;

    when 'const' then
      if p_value is distinct from v_kw then
        v_errors := v_errors || (p_path || ': must equal ' || v_kw::text);
      end if;

    when 'required' then
      if v_type = 'object' then
        for j in 0 .. jsonb_array_length(v_kw) - 1 loop
          v_name := v_kw ->> j;
          if not p_value ? v_name then
            v_errors := v_errors || (p_path || '.' || v_name || ': is required');
          end if;
        end loop;
      end if;

    when 'properties' then
      if v_type = 'object' then
        v_names := jsonb_path_query_array(v_kw, 'strict $.keyvalue().key');
        for j in 0 .. jsonb_array_length(v_names) - 1 loop
          v_name := v_names ->> j;
          if p_value ? v_name then
            v_errors := v_errors || public.json_schema_errors(v_kw -> v_name, p_value -> v_name, p_path || '.' || v_name);
          end if;
        end loop;
      end if;

    when 'additionalProperties' then
      if v_type = 'object' then
        v_names := jsonb_path_query_array(p_value, 'strict $.keyvalue().key');
        for j in 0 .. jsonb_array_length(v_names) - 1 loop
          v_name := v_names ->> j;
          continue when coalesce(p_schema -> 'properties', '{}'::jsonb) ? v_name;
          if v_kw = 'false'::jsonb then
            v_errors := v_errors || (p_path || '.' || v_name || ': is not an allowed property');
          else
            v_errors := v_errors || public.json_schema_errors(v_kw, p_value -> v_name, p_path || '.' || v_name);
          end if;
        end loop;
      end if;

    when 'minProperties', 'maxProperties' then
      if v_type = 'object' then
        v_len := jsonb_array_length(jsonb_path_query_array(p_value, 'strict $.keyvalue()'));
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
          for j in 0 .. jsonb_array_length(p_value) - 1 loop
            v_errors := v_errors || public.json_schema_errors(v_kw, p_value -> j, p_path || '[' || j || ']');
          end loop;
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
      for j in 0 .. jsonb_array_length(v_kw) - 1 loop
        v_errors := v_errors || public.json_schema_errors(v_kw -> j, p_value, p_path);
      end loop;

    else
      v_errors := v_errors || (p_path || ': schema keyword "' || v_key || '" is not supported, so the payload cannot be checked');
    end case;
  end loop;
  return v_errors;
end
$$;
