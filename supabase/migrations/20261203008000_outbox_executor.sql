-- The outbox executor (issue 13): workers claim approved actions with a lease, run each one exactly
-- once with exactly the arguments that were approved, and record every transition in the audit log.
--
-- Workers connect to PostgreSQL as the role `outbox_executor` (a login role that is a member of it,
-- or `set role outbox_executor`). It owns no table privileges and cannot call sync_push: all it can
-- do is claim due envelopes, report an outcome and listen for new work, through the SECURITY DEFINER
-- functions below. A worker therefore cannot approve, edit or enqueue anything — the most it can do
-- with stolen credentials is run what reviewers already approved, which is its job.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'outbox_executor') then
    create role outbox_executor nologin noinherit nobypassrls;
  end if;
end
$$;
grant usage on schema public to outbox_executor;

-- Each envelope already names the hash of what was approved for it (outbox.payload_hash, from
-- 20261203001000; null = the approval's payload_hash).

-- Who holds the envelope while it is `sending`, until when, and under which claim: a worker whose
-- lease ran out cannot report over the worker that reclaimed it (the token fences it off).
alter table public.outbox add column if not exists claimed_by text;
alter table public.outbox add column if not exists claim_token uuid;
alter table public.outbox add column if not exists lease_expires_at timestamptz;
-- A reviewer may withdraw an envelope that has not gone out yet.
alter table public.outbox drop constraint if exists outbox_status_check;
alter table public.outbox add constraint outbox_status_check
  check (status in ('pending', 'sending', 'sent', 'failed', 'dead', 'cancelled'));
-- Expired leases are found without scanning the whole outbox.
create index if not exists outbox_sending_lease_idx on public.outbox (lease_expires_at) where status = 'sending';

-- Retrying and cancelling deliveries: the roles that decide approvals.
insert into public.role_permissions (role, permission)
values ('admin', 'outbox:manage'), ('finance', 'outbox:manage'), ('ops', 'outbox:manage'), ('manager', 'outbox:manage')
on conflict do nothing;

-- Wakes listening workers when an envelope becomes due now; polling stays the fallback.
create or replace function public.outbox_notify() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('outbox_pending', '');
  return null;
end
$$;
revoke all on function public.outbox_notify() from public, anon, authenticated;
drop trigger if exists outbox_notify on public.outbox;
create trigger outbox_notify after insert or update of status on public.outbox
  for each row when (new.status = 'pending') execute function public.outbox_notify();

-- What the audit log keeps of an envelope: its delivery state, not the sync stamps.
create or replace function public.outbox_audit_state(p_row public.outbox)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('status', p_row.status, 'retry_count', p_row.retry_count,
    'next_attempt_at', p_row.next_attempt_at, 'last_error', p_row.last_error, 'claimed_by', p_row.claimed_by,
    'lease_expires_at', p_row.lease_expires_at, 'sent_at', p_row.sent_at)
$$;

-- An envelope's audit entry (push_audit_entry's shape), built now and appended by outbox_audit or,
-- in batches, at the end of the transaction: the tenant's chain head is locked from the first
-- append to commit, so appending last keeps other workers waiting for the shortest time.
create or replace function public.outbox_audit_entry(p_actor uuid, p_action text, p_before public.outbox,
                                                     p_after public.outbox, p_metadata jsonb default '{}'::jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select public.push_audit_entry(p_after.tenant_id, p_actor, p_action, 'outbox', p_after.id,
    case when p_before is null then null else public.outbox_audit_state(p_before) end,
    public.outbox_audit_state(p_after),
    jsonb_build_object('action_id', p_after.action_id) || coalesce(p_metadata, '{}'::jsonb))
$$;

create or replace function public.outbox_audit(p_actor uuid, p_action text, p_before public.outbox,
                                               p_after public.outbox, p_metadata jsonb default '{}'::jsonb)
returns void
language sql
set search_path = ''
as $$
  select public.push_write_audit(public.outbox_audit_entry(p_actor, p_action, p_before, p_after, p_metadata))
$$;

-- The approved hash an envelope must match, or null when nothing approved it: the envelope's own
-- hash (set at enqueue time), else the payload_hash of the action's approved approval. An action
-- that needed approval runs only once approved; one that did not (policy `auto`) needs the
-- envelope's hash.
create or replace function public.outbox_expected_hash(p_outbox public.outbox, p_action public.actions)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when p_action.approval_state = 'approved' then coalesce(p_outbox.payload_hash, (
      select ap.payload_hash from public.approvals ap
      where ap.action_id = p_action.id and ap.status = 'approved' and ap.deleted_at is null
      order by ap.decided_at desc nulls last limit 1))
    when p_action.approval_state = 'not_required' then p_outbox.payload_hash
  end
$$;

-- Gives up on an envelope for good: `dead`, the reason on the envelope and on the action, audited.
create or replace function public.outbox_dead_letter(p_row public.outbox, p_error text, p_metadata jsonb)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_after public.outbox;
begin
  update public.outbox set status = 'dead', last_error = left(p_error, 4000), claimed_by = null,
    claim_token = null, lease_expires_at = null
  where id = p_row.id
  returning * into v_after;
  update public.actions set result = jsonb_build_object('error', left(p_error, 4000)) || coalesce(p_metadata, '{}'::jsonb)
  where id = p_row.action_id;
  perform public.outbox_audit(null, 'outbox.dead', p_row, v_after, p_metadata || jsonb_build_object('error', left(p_error, 4000)));
end
$$;

-- ───────────────────────── the worker's calls ─────────────────────────

-- Claims up to p_limit due envelopes for p_lease_seconds: pending or failed ones whose time has
-- come, and `sending` ones whose worker lost its lease (killed or hung). A reclaimed lease counts
-- as an attempt, so an action that kills every worker that touches it ends `dead`, not in a loop.
-- Each envelope is checked against what was approved before it is handed out: args that no longer
-- hash to the approved payload hash are dead-lettered here and never reach a worker.
-- p_tenant_ids, when given, limits the worker to those tenants (a pool with its own network or
-- provider credentials for some tenants). Returns one object per claimed envelope: {outbox_id,
-- claim_token, action_id, tenant_id, tool, args, payload_hash, idempotency_key, attempt}.
create or replace function public.executor_claim(p_worker text, p_limit int, p_lease_seconds int, p_max_attempts int,
                                                 p_tenant_ids uuid[] default null)
returns setof jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  o public.outbox;
  v_after public.outbox;
  ac public.actions;
  v_expected text;
  v_actual text;
  v_token uuid;
  v_reclaimed boolean;
  v_ids uuid[];
  v_audits jsonb[] := '{}';
  v_entry jsonb;
begin
  if p_worker is null or length(p_worker) not between 1 and 200 then
    raise exception 'p_worker must name the worker (1–200 characters)' using errcode = '22023';
  end if;
  if p_limit not between 1 and 500 or p_lease_seconds not between 1 and 3600 or p_max_attempts not between 1 and 100 then
    raise exception 'p_limit 1–500, p_lease_seconds 1–3600, p_max_attempts 1–100' using errcode = '22023';
  end if;

  -- Expired leases first (their actions have waited longest), then what is due, oldest first.
  -- Locked and skipped, never waited for: workers never block each other.
  select coalesce(array_agg(s.id), '{}') into v_ids from (
    select id from public.outbox
    where status = 'sending' and lease_expires_at <= now()
      and (p_tenant_ids is null or tenant_id = any (p_tenant_ids))
    order by lease_expires_at
    limit p_limit
    for update skip locked) s;
  if cardinality(v_ids) < p_limit then
    select v_ids || coalesce(array_agg(s.id), '{}') into v_ids from (
      select id from public.outbox
      where status in ('pending', 'failed') and next_attempt_at <= now()
        and (p_tenant_ids is null or tenant_id = any (p_tenant_ids))
      order by next_attempt_at
      limit p_limit - cardinality(v_ids)
      for update skip locked) s;
  end if;

  for o in select * from public.outbox where id = any (v_ids) order by array_position(v_ids, id)
  loop
    v_reclaimed := o.status = 'sending';
    select * into ac from public.actions where id = o.action_id;
    v_expected := public.outbox_expected_hash(o, ac);
    v_actual := public.canonical_hash(ac.args);

    if v_expected is null then
      perform public.outbox_dead_letter(o, 'Refused: nothing approved this action.',
        jsonb_build_object('reason', 'not_approved', 'approval_state', ac.approval_state));
      continue;
    elsif v_expected <> v_actual then
      perform public.outbox_dead_letter(o, 'Refused: the action''s arguments no longer match what was approved.',
        jsonb_build_object('reason', 'payload_hash_mismatch', 'expected_hash', v_expected, 'actual_hash', v_actual));
      continue;
    elsif v_reclaimed and o.retry_count + 1 >= p_max_attempts then
      perform public.outbox_dead_letter(o,
        format('Gave up after %s attempts: the worker %s stopped answering during the last one.', o.retry_count + 1, o.claimed_by),
        jsonb_build_object('reason', 'lease_expired'));
      continue;
    end if;

    v_token := gen_random_uuid();
    update public.outbox set
      status = 'sending',
      retry_count = retry_count + v_reclaimed::int,
      last_error = case when v_reclaimed then format('The worker %s stopped answering; retried by %s.', o.claimed_by, p_worker) else last_error end,
      claimed_by = p_worker,
      claim_token = v_token,
      lease_expires_at = now() + make_interval(secs => p_lease_seconds)
    where id = o.id
    returning * into v_after;
    v_audits := v_audits || public.outbox_audit_entry(null, case when v_reclaimed then 'outbox.reclaimed' else 'outbox.claimed' end,
      o, v_after, jsonb_build_object('worker', p_worker));

    return next jsonb_build_object(
      'outbox_id', o.id, 'claim_token', v_token, 'action_id', ac.id, 'tenant_id', ac.tenant_id,
      'tool', ac.tool, 'args', ac.args, 'payload_hash', v_expected,
      -- Stable across attempts and workers: the provider sees every retry as the same request.
      'idempotency_key', ac.id::text,
      'attempt', v_after.retry_count + 1);
  end loop;
  foreach v_entry in array v_audits loop
    perform public.push_write_audit(v_entry);
  end loop;
end
$$;

-- Marks a claimed envelope `sent` with the provider's answer on the action; returns its audit entry
-- for the caller to append, or null (nothing written) when the claim is no longer this worker's.
create or replace function public.outbox_mark_sent(p_outbox_id uuid, p_claim_token uuid, p_result jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  o public.outbox;
  v_after public.outbox;
begin
  select * into o from public.outbox where id = p_outbox_id and status = 'sending' and claim_token = p_claim_token for update;
  if not found then
    return null;
  end if;
  update public.outbox set status = 'sent', sent_at = now(), last_error = null, claimed_by = null,
    claim_token = null, lease_expires_at = null
  where id = o.id
  returning * into v_after;
  update public.actions set result = coalesce(p_result, 'null'::jsonb), completed_at = now()
  where id = o.action_id;
  return public.outbox_audit_entry(null, 'outbox.sent', o, v_after, jsonb_build_object('worker', o.claimed_by));
end
$$;

-- The envelope went out: `sent`, the provider's answer on the action. False (and nothing written)
-- when the claim is no longer this worker's — its lease ran out and another worker holds it now.
create or replace function public.executor_complete(p_outbox_id uuid, p_claim_token uuid, p_result jsonb)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_entry jsonb := public.outbox_mark_sent(p_outbox_id, p_claim_token, p_result);
begin
  if v_entry is null then
    return false;
  end if;
  perform public.push_write_audit(v_entry);
  return true;
end
$$;

-- A batch of envelopes that went out, in one call and one transaction: a worker that ran a claimed
-- batch reports its successes together, instead of one round trip and one commit per action.
-- Same rule per envelope as executor_complete (only the current claim may report); the audit
-- entries are appended together at the end.
-- p_items: [{outbox_id, claim_token, result}]; returns how many were completed.
create or replace function public.executor_complete_batch(p_items jsonb)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item jsonb;
  v_entry jsonb;
  v_audits jsonb[] := '{}';
begin
  if jsonb_typeof(p_items) is distinct from 'array' or jsonb_array_length(p_items) > 500 then
    raise exception 'p_items must be an array of at most 500 outcomes' using errcode = '22023';
  end if;
  -- In outbox id order, so two workers' batches lock rows in the same order.
  for v_item in select i from jsonb_array_elements(p_items) i order by i ->> 'outbox_id' loop
    v_entry := public.outbox_mark_sent((v_item ->> 'outbox_id')::uuid, (v_item ->> 'claim_token')::uuid, v_item -> 'result');
    if v_entry is not null then
      v_audits := v_audits || v_entry;
    end if;
  end loop;
  -- Appended last: the tenant's audit chain is locked only for the end of the transaction.
  foreach v_entry in array v_audits loop
    perform public.push_write_audit(v_entry);
  end loop;
  return cardinality(v_audits);
end
$$;

-- The attempt failed. Transient (p_retry_in_ms not null) and attempts left: `failed`, due again
-- after the worker's backoff. Permanent, or out of attempts: `dead`. False when the claim is no
-- longer this worker's. Returns the status the envelope ended in otherwise.
create or replace function public.executor_fail(p_outbox_id uuid, p_claim_token uuid, p_error text,
                                                p_retry_in_ms int, p_max_attempts int)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  o public.outbox;
  v_after public.outbox;
  v_error text := left(coalesce(nullif(btrim(p_error), ''), 'unknown error'), 4000);
begin
  select * into o from public.outbox where id = p_outbox_id and status = 'sending' and claim_token = p_claim_token for update;
  if not found then
    return null;
  end if;
  if p_retry_in_ms is null or o.retry_count + 1 >= p_max_attempts then
    update public.outbox set retry_count = retry_count + 1 where id = o.id returning * into v_after;
    perform public.outbox_dead_letter(v_after, v_error,
      jsonb_build_object('reason', case when p_retry_in_ms is null then 'permanent_error' else 'attempts_exhausted' end,
                         'attempts', o.retry_count + 1, 'worker', o.claimed_by));
    return 'dead';
  end if;
  update public.outbox set status = 'failed', retry_count = retry_count + 1, last_error = v_error,
    next_attempt_at = now() + make_interval(secs => greatest(p_retry_in_ms, 0) / 1000.0),
    claimed_by = null, claim_token = null, lease_expires_at = null
  where id = o.id
  returning * into v_after;
  perform public.outbox_audit(null, 'outbox.retry_scheduled', o, v_after,
    jsonb_build_object('error', v_error, 'attempts', v_after.retry_count, 'worker', o.claimed_by));
  return 'failed';
end
$$;

revoke all on function public.outbox_audit_state(public.outbox),
  public.outbox_audit_entry(uuid, text, public.outbox, public.outbox, jsonb),
  public.outbox_audit(uuid, text, public.outbox, public.outbox, jsonb),
  public.outbox_mark_sent(uuid, uuid, jsonb),
  public.outbox_expected_hash(public.outbox, public.actions),
  public.outbox_dead_letter(public.outbox, text, jsonb),
  public.executor_claim(text, int, int, int, uuid[]),
  public.executor_complete(uuid, uuid, jsonb),
  public.executor_complete_batch(jsonb),
  public.executor_fail(uuid, uuid, text, int, int)
  from public, anon, authenticated, service_role;
grant execute on function public.executor_claim(text, int, int, int, uuid[]),
  public.executor_complete(uuid, uuid, jsonb),
  public.executor_complete_batch(jsonb),
  public.executor_fail(uuid, uuid, text, int, int)
  to outbox_executor;

-- ───────────────────────── reviewer intents ─────────────────────────

create or replace function public.push_outbox_locate(p_uid uuid, p_args jsonb)
returns public.outbox
language plpgsql
set search_path = ''
as $$
declare
  o public.outbox;
begin
  perform public.push_args_only(p_args, array['outbox_id', 'reason']);
  select * into o from public.outbox where id = public.push_arg_uuid(p_args, 'outbox_id') for update;
  perform public.push_require_visible(o.tenant_id, p_uid);
  perform public.push_require_permission(o.tenant_id, p_uid, 'outbox:manage');
  return o;
end
$$;

-- `outbox.retry`: a dead envelope gets a fresh set of attempts. Refused when the arguments no
-- longer match what was approved — retrying would only be refused again by the executor.
create or replace function public.push_intent_outbox_retry(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  o public.outbox;
  v_after public.outbox;
  ac public.actions;
  v_expected text;
begin
  o := public.push_outbox_locate(p_uid, p_args);
  if o.status <> 'dead' then
    perform public.push_refuse('invalid_state', format('Only a dead delivery can be retried; this one is %s.', o.status));
  end if;
  select * into ac from public.actions where id = o.action_id;
  v_expected := public.outbox_expected_hash(o, ac);
  if v_expected is null or v_expected <> public.canonical_hash(ac.args) then
    perform public.push_refuse('invalid_state', 'The action no longer matches what was approved; it cannot be retried.');
  end if;
  update public.outbox set status = 'pending', retry_count = 0, next_attempt_at = now()
  where id = o.id
  returning * into v_after;
  return jsonb_build_object('tenant_id', o.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(o.tenant_id, p_uid, 'outbox.retry', 'outbox', o.id,
      public.outbox_audit_state(o), public.outbox_audit_state(v_after),
      jsonb_strip_nulls(jsonb_build_object('action_id', o.action_id, 'client_mutation_id', p_mutation_id,
                                           'reason', public.push_arg_text(p_args, 'reason')))));
end
$$;

-- `outbox.cancel`: an envelope that has not gone out (pending, or failed and waiting for its next
-- attempt) is withdrawn. One in flight (`sending`) may already have reached the provider.
create or replace function public.push_intent_outbox_cancel(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  o public.outbox;
  v_after public.outbox;
  v_reason text;
begin
  o := public.push_outbox_locate(p_uid, p_args);
  v_reason := public.push_arg_text(p_args, 'reason');
  if o.status not in ('pending', 'failed') then
    perform public.push_refuse('invalid_state', format('Only a delivery that has not gone out can be cancelled; this one is %s.', o.status));
  end if;
  update public.outbox set status = 'cancelled' where id = o.id returning * into v_after;
  update public.actions set result = jsonb_strip_nulls(jsonb_build_object('cancelled', true, 'cancelled_by', p_uid, 'reason', v_reason))
  where id = o.action_id;
  return jsonb_build_object('tenant_id', o.tenant_id, 'row', to_jsonb(v_after),
    'audit', public.push_audit_entry(o.tenant_id, p_uid, 'outbox.cancel', 'outbox', o.id,
      public.outbox_audit_state(o), public.outbox_audit_state(v_after),
      jsonb_strip_nulls(jsonb_build_object('action_id', o.action_id, 'client_mutation_id', p_mutation_id, 'reason', v_reason))));
end
$$;

revoke all on function public.push_outbox_locate(uuid, jsonb),
  public.push_intent_outbox_retry(uuid, uuid, jsonb, timestamptz),
  public.push_intent_outbox_cancel(uuid, uuid, jsonb, timestamptz)
  from public, anon, authenticated;
