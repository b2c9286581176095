-- sync_push: the one door for every write a reviewer makes (sync.md "Up"). Each mutation is an
-- intent run in its own sub-transaction, recorded once in sync_mutations with its result, so a
-- refusal rolls back that intent alone and a replay returns the stored answer.

create or replace function public.push_result(
  p_id uuid, p_status text, p_code text, p_message text, p_row jsonb
) returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('client_mutation_id', p_id, 'status', p_status, 'code', p_code,
                            'message', p_message, 'row', p_row)
$$;

-- Runs one mutation whose exactly-once lock the caller already holds: its result, and the trust
-- counter it earned (applied by sync_push once per batch; see push_bump_trust).
create or replace function public.push_one(p_uid uuid, p_mutation jsonb, out o_result jsonb, out o_trust jsonb)
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid := (p_mutation ->> 'client_mutation_id')::uuid;
  v_kind text := left(coalesce(p_mutation ->> 'kind', ''), 100);
  v_args jsonb := p_mutation -> 'args';
  v_prior public.sync_mutations;
  v_client_at timestamptz;
  v_out jsonb;
  v_result jsonb;
  v_code text;
  v_message text;
begin
  select * into v_prior from public.sync_mutations where client_mutation_id = v_id;
  if found then
    if v_prior.user_id = p_uid then
      o_result := v_prior.result;
    else
      -- Someone else's id: refuse without revealing or touching their result.
      o_result := public.push_result(v_id, 'rejected', 'forbidden', 'This change belongs to another reviewer.', null);
    end if;
    return;
  end if;

  begin
    if jsonb_typeof(v_args) is distinct from 'object' then
      perform public.push_refuse('invalid_input', 'args must be an object');
    end if;
    if octet_length(p_mutation::text) > 262144 then
      perform public.push_refuse('invalid_input', 'the mutation is larger than 256 KiB');
    end if;
    if jsonb_typeof(p_mutation -> 'client_created_at') is distinct from 'string' then
      perform public.push_refuse('invalid_input', 'client_created_at must be an ISO 8601 timestamp');
    end if;
    v_client_at := (p_mutation ->> 'client_created_at')::timestamptz;

    v_out := case v_kind
      when 'approval.decide' then public.push_approval_decide(p_uid, v_id, v_args, v_client_at)
      when 'escalation.acknowledge' then public.push_escalation_acknowledge(p_uid, v_args)
      when 'escalation.resolve' then public.push_escalation_resolve(p_uid, v_args)
      when 'flag.review' then public.push_flag_review(p_uid, v_args)
      when 'changeset.review' then public.push_changeset_review(p_uid, v_args)
      when 'snooze.set' then public.push_snooze_set(p_uid, v_args)
      when 'message.send' then public.push_message_send(p_uid, v_id, v_args)
    end;
    if v_out is null then
      perform public.push_refuse('invalid_input', format('unknown kind %L', v_kind));
    end if;
    v_result := public.push_result(v_id, 'applied', null, null, v_out -> 'row');
    o_trust := nullif(v_out -> 'trust', 'null'::jsonb);
  exception
    when sqlstate 'OC400' then
      get stacked diagnostics v_code = message_text, v_message = pg_exception_detail;
      v_result := public.push_result(
        v_id,
        case when v_code in ('stale_version', 'already_decided') then 'conflict' else 'rejected' end,
        v_code, v_message, null);
    -- Bad values inside well-formed JSON (a non-uuid id, an impossible timestamp, a check
    -- constraint) are the input's fault and refused for good, like any other refusal.
    when data_exception or integrity_constraint_violation then
      get stacked diagnostics v_message = message_text;
      v_code := 'invalid_input';
      v_result := public.push_result(v_id, 'rejected', v_code, v_message, null);
  end;

  if v_out ? 'audit' then
    perform public.push_write_audit(v_out -> 'audit');
  end if;
  -- Rule 1: an approval found expired becomes `expired`, and that must outlive the refusal.
  if v_code = 'approval_expired' then
    perform public.push_expire_approval((v_args ->> 'approval_id')::uuid);
  end if;

  insert into public.sync_mutations (client_mutation_id, user_id, tenant_id, kind, args, status, result, client_created_at)
  values (v_id, p_uid, (v_out ->> 'tenant_id')::uuid, v_kind, coalesce(v_args, 'null'::jsonb),
          v_result ->> 'status', v_result, v_client_at);
  o_result := v_result;
end
$$;

create or replace function public.sync_push(p_mutations jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_count int;
  v_bad int;
  v_key bigint;
  v_m jsonb;
  v_result jsonb;
  v_trust jsonb;
  -- Arrays, not one growing jsonb: appending to a jsonb copies it, which is quadratic in the batch.
  v_results jsonb[] := '{}';
  v_trusts jsonb[] := '{}';
begin
  if v_uid is null then
    raise exception 'sync_push needs a signed-in reviewer' using errcode = '42501';
  end if;
  if p_mutations is null or jsonb_typeof(p_mutations) <> 'array' then
    raise exception 'p_mutations must be a JSON array of mutations' using errcode = '22023';
  end if;
  v_count := jsonb_array_length(p_mutations);
  if v_count > 500 then
    raise exception 'a push carries at most 500 mutations; this one has %', v_count
      using errcode = '22023', hint = 'split the queue into batches of 500';
  end if;
  -- Without a readable id a mutation has nowhere to put its result: the whole payload is unusable.
  select min(m.n) into v_bad
  from jsonb_array_elements(p_mutations) with ordinality m(value, n)
  where jsonb_typeof(m.value) is distinct from 'object'
     or coalesce(m.value ->> 'client_mutation_id', '')
        !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  if v_bad is not null then
    raise exception 'mutation % has no client_mutation_id (uuid)', v_bad - 1 using errcode = '22023';
  end if;

  -- Exactly once: one transaction-scoped lock per id, taken up front in a fixed order, so two
  -- pushes of the same id serialize (the second then finds the first's ledger row) and two
  -- overlapping batches cannot deadlock on each other's ids.
  for v_key in
    select distinct hashtextextended('sync_push:' || lower(m.value ->> 'client_mutation_id'), 0) as k
    from jsonb_array_elements(p_mutations) m(value)
    order by k
  loop
    perform pg_advisory_xact_lock(v_key);
  end loop;

  for v_m in select m.value from jsonb_array_elements(p_mutations) with ordinality m(value, n) order by m.n loop
    select o.o_result, o.o_trust into v_result, v_trust from public.push_one(v_uid, v_m) o;
    v_results := v_results || v_result;
    if v_trust is not null then
      v_trusts := v_trusts || v_trust;
    end if;
  end loop;
  perform public.push_bump_trust(v_trusts);
  return jsonb_build_object('results', to_jsonb(v_results));
end
$$;

revoke all on function public.push_result(uuid, text, text, text, jsonb) from public, anon, authenticated;
revoke all on function public.push_one(uuid, jsonb) from public, anon, authenticated;
revoke all on function public.sync_push(jsonb) from public, anon;
grant execute on function public.sync_push(jsonb) to authenticated, service_role;
