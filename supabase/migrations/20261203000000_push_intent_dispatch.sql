-- Intent kinds are found by name, not listed in one CASE: the kind `area.verb` is handled by
-- `public.push_intent_area_verb(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
-- returns jsonb` ({tenant_id, row, trust?, audit?}; refusals raise through push_refuse). A new
-- intent is one new function in its own migration — no migration rewrites the dispatcher — and
-- only functions with that prefix and exact signature can be reached from a client's `kind`.
--
-- sync_push is the reviewers' door: an agent credential reaching it (is_agent_user, from
-- 20261203007000_agent_identity.sql; resolved when a push runs) is refused per mutation with its own
-- code, recorded in the ledger like any refusal, before any intent runs.

create or replace function public.push_dispatch(p_kind text, p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_fn text;
  v_out jsonb;
begin
  if public.is_agent_user(p_uid) then
    perform public.push_refuse('agent_not_reviewer');
  end if;
  if p_kind !~ '^[a-z][a-z_]{0,40}\.[a-z][a-z_]{0,40}$' then
    perform public.push_refuse('invalid_input', format('unknown kind %L', left(p_kind, 100)));
  end if;
  v_fn := 'push_intent_' || replace(p_kind, '.', '_');
  if to_regprocedure(format('public.%I(uuid, uuid, jsonb, timestamptz)', v_fn)) is null then
    perform public.push_refuse('invalid_input', format('unknown kind %L', p_kind));
  end if;
  execute format('select public.%I($1, $2, $3, $4)', v_fn) into v_out using p_uid, p_mutation_id, p_args, p_client_at;
  return v_out;
end
$$;

-- The kinds of the first release, under the naming rule.
create or replace function public.push_intent_approval_decide(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_approval_decide(p_uid, p_mutation_id, p_args, p_client_at) $$;
create or replace function public.push_intent_escalation_acknowledge(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_escalation_acknowledge(p_uid, p_args) $$;
create or replace function public.push_intent_escalation_resolve(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_escalation_resolve(p_uid, p_args) $$;
create or replace function public.push_intent_flag_review(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_flag_review(p_uid, p_args) $$;
create or replace function public.push_intent_changeset_review(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_changeset_review(p_uid, p_args) $$;
create or replace function public.push_intent_snooze_set(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_snooze_set(p_uid, p_args) $$;
create or replace function public.push_intent_message_send(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb language sql set search_path = ''
as $$ select public.push_message_send(p_uid, p_mutation_id, p_args) $$;

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
-- A poisoned mutation is refused alone (issue 11, item 6): every error of a mutation becomes that
-- mutation's refusal, recorded in the ledger like any refusal (a replay gets the same answer), so
-- a payload nested deeper than canonical_json can recurse, or a bug in one intent function, never
-- fails the batch and takes the valid decisions pushed with it. The exception is an error that
-- says nothing about the mutation and may well pass next time (push_error_is_transient): that
-- still fails the push, which the client retries as a whole (nothing of it was recorded).
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

-- Intent functions run only inside sync_push (SECURITY DEFINER); nobody calls them directly.
revoke all on function public.push_dispatch(text, uuid, uuid, jsonb, timestamptz),
  public.push_intent_approval_decide(uuid, uuid, jsonb, timestamptz),
  public.push_intent_escalation_acknowledge(uuid, uuid, jsonb, timestamptz),
  public.push_intent_escalation_resolve(uuid, uuid, jsonb, timestamptz),
  public.push_intent_flag_review(uuid, uuid, jsonb, timestamptz),
  public.push_intent_changeset_review(uuid, uuid, jsonb, timestamptz),
  public.push_intent_snooze_set(uuid, uuid, jsonb, timestamptz),
  public.push_intent_message_send(uuid, uuid, jsonb, timestamptz)
  from public, anon, authenticated;
revoke all on function public.push_error_is_transient(text), public.push_one(uuid, jsonb) from public, anon, authenticated;
