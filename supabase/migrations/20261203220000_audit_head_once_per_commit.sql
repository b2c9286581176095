-- The audit chain's head is written once per transaction, at commit (issue 16, replay).
--
-- Every audit entry used to lock its tenant's head row and update it. A pushed batch of 100
-- decisions appends several entries each, so one transaction wrote hundreds of versions of the
-- same row (each stamped for sync and indexed), and every later entry's lock walked past the
-- versions before it: about a fifth of the server's time per decision.
--
-- Now the first entry of a transaction locks the head row as before (FOR UPDATE: held to commit,
-- so a tenant's writers still take turns) and reads it; from then on the transaction carries the
-- head in a transaction-local setting, keyed by tenant and stamped with the transaction's id, and
-- each entry links to it and moves it there. The row itself is written once, by a deferred
-- constraint trigger that fires at commit with the last entry's id and hash. The chain is
-- unchanged: the same text is hashed, each entry's prev_hash is the hash of the tenant's entry
-- before it, and ids are drawn under the lock in chain order.
--
-- Why it stays right:
-- - A setting made with set_config(…, true) is undone with the (sub)transaction that made it, like
--   the entries and the row lock: a mutation whose sub-transaction fails takes its entries, its
--   moves of the head and, if it took the lock, the lock and the queued head write with it; the
--   next entry then finds no head for this transaction and locks and reads the row again.
-- - The setting carries the transaction id: a value left by anything else is never taken for a
--   lock this transaction holds.
-- - The setting also names the entry whose row event will write the head (the trigger's WHEN
--   queues only that one). The write clears the name, so if the writes fire early (SET CONSTRAINTS
--   … IMMEDIATE) the next entry queues a write of its own and the head still ends on the last one.
-- - Only verify_audit_chain reads the head, and it runs in its own transaction.

-- The setting that carries a tenant's head through the current transaction (a custom setting's
-- name takes letters, digits and underscores only).
create or replace function public.audit_head_setting(p_tenant uuid) returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select 'audit_chain.head_' || replace(p_tenant::text, '-', '')
$$;

-- Whether the entry `p_id` is the one whose row event writes its tenant's head at commit. Read by
-- the WHEN of audit_log_head_write, so every other entry queues nothing.
create or replace function public.audit_head_written_by(p_tenant uuid, p_id bigint) returns boolean
language sql
stable
set search_path = ''
as $$
  select split_part(current_setting(public.audit_head_setting(p_tenant), true), ':', 4) = p_id::text
$$;

-- Links a new entry to its tenant's chain. The head comes from the transaction's setting once this
-- transaction holds the row's lock, from the locked row before that.
create or replace function public.audit_log_chain() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_setting text := public.audit_head_setting(new.tenant_id);
  v_txid text := pg_current_xact_id()::text;
  -- {txid, last_id, last_hash, writer}: writer is the entry whose row event will write the head,
  -- or '' when no write is queued.
  v_head text[] := string_to_array(current_setting(v_setting, true), ':');
  v_prev text;
  v_writer text;
  v_around_id text[];
  v_ids regclass := pg_get_serial_sequence('public.audit_log', 'id')::regclass;
begin
  new.occurred_at := date_trunc('milliseconds', coalesce(new.occurred_at, now()));
  new.metadata := coalesce(new.metadata, '{}'::jsonb);
  v_around_id := public.audit_row_canonical_around_id(new);

  if v_head[1] is not distinct from v_txid then
    v_prev := v_head[3];
    v_writer := v_head[4];
  else
    -- The tenant's first entry in this transaction: lock the head until commit.
    select h.last_hash into v_prev from public.audit_chain_heads h where h.tenant_id = new.tenant_id for update;
    if not found then
      insert into public.audit_chain_heads (tenant_id, last_id, last_hash)
      values (new.tenant_id, 0, public.audit_genesis_hash())
      on conflict (tenant_id) do nothing;
      select h.last_hash into v_prev from public.audit_chain_heads h where h.tenant_id = new.tenant_id for update;
    end if;
    v_writer := '';
  end if;
  -- The id is drawn only now, under the head's lock, so a tenant's ids follow its chain order.
  new.id := nextval(v_ids);
  new.prev_hash := v_prev;
  new.integrity_hash := encode(sha256(convert_to(v_prev || public.audit_canonical_join(v_around_id, new.id), 'UTF8')), 'hex');
  perform set_config(v_setting,
    concat_ws(':', v_txid, new.id, new.integrity_hash, coalesce(nullif(v_writer, ''), new.id::text)), true);
  return new;
end
$$;

-- Writes the head the transaction carries into its row (at commit; see above).
create or replace function public.audit_chain_head_write() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_setting text := public.audit_head_setting(new.tenant_id);
  v_head text[] := string_to_array(current_setting(v_setting, true), ':');
begin
  -- Never write a head this transaction did not carry (the setting was reset under it).
  if v_head[1] is distinct from pg_current_xact_id()::text then
    raise exception 'audit chain head of tenant % lost in this transaction', new.tenant_id;
  end if;
  update public.audit_chain_heads set last_id = v_head[2]::bigint, last_hash = v_head[3]
  where tenant_id = new.tenant_id;
  perform set_config(v_setting, concat_ws(':', v_head[1], v_head[2], v_head[3], ''), true);
  return null;
end
$$;

create constraint trigger audit_log_head_write after insert on public.audit_log
  deferrable initially deferred
  for each row when (public.audit_head_written_by(new.tenant_id, new.id))
  execute function public.audit_chain_head_write();

-- Nothing here is the API's: entries are appended by the RPCs (as their owner) and the service.
-- The trigger's WHEN runs audit_head_written_by as whoever inserts, so the service keeps it.
revoke all on function public.audit_head_setting(uuid), public.audit_head_written_by(uuid, bigint),
  public.audit_chain_head_write() from public, anon, authenticated, service_role;
grant execute on function public.audit_head_setting(uuid), public.audit_head_written_by(uuid, bigint) to service_role;
