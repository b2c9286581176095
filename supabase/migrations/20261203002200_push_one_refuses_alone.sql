-- A poisoned mutation is refused alone (issue 11, item 6). push_one caught only business refusals
-- and bad values; any other error — a payload nested deeper than canonical_json can recurse
-- ("stack depth limit exceeded"), a bug in one intent function — escaped its sub-transaction and
-- failed the whole batch, taking the valid decisions pushed with it. Now every error of a mutation
-- becomes that mutation's refusal, recorded in the ledger like any refusal (a replay gets the same
-- answer), except the errors that say nothing about the mutation and may well pass next time:
-- those still fail the push, which the client retries as a whole (nothing of it was recorded).

-- Whether an error is transient: the same mutation may succeed if simply sent again.
create or replace function public.push_error_is_transient(p_sqlstate text) returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select p_sqlstate in ('40001', '40P01')  -- serialization failure, deadlock: retry the transaction
      or left(p_sqlstate, 2) in ('08', '53', '57', '58', 'HV')  -- connection, resources, operator, system
      or p_sqlstate = '55P03'  -- lock not available (lock_timeout)
      or p_sqlstate = '55006'  -- object in use
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
  v_state text;
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

    v_out := public.push_dispatch(v_kind, p_uid, v_id, v_args, v_client_at);
    v_result := public.push_result(v_id, 'applied', null, null, v_out -> 'row');
    o_trust := nullif(v_out -> 'trust', 'null'::jsonb);
  exception
    when sqlstate 'OC400' then
      get stacked diagnostics v_code = message_text, v_message = pg_exception_detail;
      v_out := null;
      o_trust := null;
      v_result := public.push_result(
        v_id,
        case when v_code in ('stale_version', 'already_decided') then 'conflict' else 'rejected' end,
        v_code, v_message, null);
    -- Bad values inside well-formed JSON (a non-uuid id, an impossible timestamp, a check
    -- constraint) are the input's fault and refused for good, like any other refusal.
    when data_exception or integrity_constraint_violation then
      get stacked diagnostics v_message = message_text;
      v_out := null;
      o_trust := null;
      v_code := 'invalid_input';
      v_result := public.push_result(v_id, 'rejected', v_code, v_message, null);
    -- A payload too deep to walk (canonical_json, the schema check) is the input's fault too.
    when statement_too_complex or program_limit_exceeded then
      v_out := null;
      o_trust := null;
      v_code := 'invalid_input';
      v_result := public.push_result(v_id, 'rejected', v_code, 'The change is nested too deeply to be checked.', null);
    when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
      if public.push_error_is_transient(v_state) then
        raise; -- the whole push fails and nothing of it is recorded: the client sends it again
      end if;
      -- Anything else is this mutation's alone: refused, with what went wrong, and its batch goes on.
      v_out := null;
      o_trust := null;
      v_code := 'push_error';
      v_result := public.push_result(v_id, 'rejected', v_code,
        format('The server could not apply this change (%s: %s).', v_state, left(v_message, 300)), null);
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

revoke all on function public.push_error_is_transient(text) from public, anon, authenticated;
revoke all on function public.push_one(uuid, jsonb) from public, anon, authenticated;
