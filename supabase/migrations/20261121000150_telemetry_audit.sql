-- Agent telemetry and execution (seed 000 trust ledger and outbox, seed 002 costs) and the audit log,
-- hash-chained per tenant (seed 002) so the console can prove offline that no entry was rewritten.

create table public.trust_ledger (
  agent_id uuid not null references public.agents (id) on delete restrict,
  day date not null,
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  approved_no_edit int not null default 0 check (approved_no_edit >= 0),
  edited int not null default 0 check (edited >= 0),
  rejected int not null default 0 check (rejected >= 0),
  errors int not null default 0 check (errors >= 0),
  complaints int not null default 0 check (complaints >= 0),
  -- 0..1, higher is more trusted; null until there is something to score.
  score numeric(6, 4) check (score is null or score between 0 and 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  primary key (agent_id, day)
);
create index trust_ledger_tenant_day_idx on public.trust_ledger (tenant_id, day desc);

create table public.cost_transactions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  agent_id uuid not null references public.agents (id) on delete restrict,
  task_id uuid references public.tasks (id) on delete restrict,
  provider text not null,
  model text not null,
  input_tokens int not null check (input_tokens >= 0),
  output_tokens int not null check (output_tokens >= 0),
  -- Per-call model costs are fractions of a cent, so six decimals rather than the usual two.
  cost_amount numeric(14, 6) not null check (cost_amount >= 0),
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index cost_transactions_tenant_created_idx on public.cost_transactions (tenant_id, created_at desc);
create index cost_transactions_agent_idx on public.cost_transactions (agent_id, created_at desc);
create index cost_transactions_task_idx on public.cost_transactions (task_id);

-- Approved actions waiting to be executed by the tool runner (seed 000): one envelope per action.
create table public.outbox (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  action_id uuid not null unique references public.actions (id) on delete restrict,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'dead')),
  retry_count int not null default 0 check (retry_count >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
-- The worker's poll.
create index outbox_status_next_idx on public.outbox (status, next_attempt_at);
create index outbox_tenant_status_idx on public.outbox (tenant_id, status);

-- ───────────────────────── audit log ─────────────────────────

create table public.audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  -- Milliseconds, as JavaScript dates carry them, so the console can recompute the hash.
  occurred_at timestamptz not null default date_trunc('milliseconds', now()),
  actor_type text not null check (actor_type in ('user', 'agent', 'system')),
  actor_id uuid,
  action text not null check (length(action) between 1 and 200),
  entity_type text not null check (length(entity_type) between 1 and 100),
  entity_id text,
  before_state jsonb,
  after_state jsonb,
  metadata jsonb not null default '{}'::jsonb,
  prev_hash text not null,
  integrity_hash text not null,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check (actor_type = 'system' or actor_id is not null)
);
create index audit_log_tenant_id_idx on public.audit_log (tenant_id, id);
create index audit_log_tenant_entity_idx on public.audit_log (tenant_id, entity_type, entity_id);

-- Each tenant's chain head: the last entry and its hash. Locking this row serializes a tenant's
-- appends until commit, so the chain never forks; unlike reading the last audit row, it stays
-- correct under REPEATABLE READ too (a stale head is a serialization error, not a fork).
-- Written only by the audit_log_chain trigger; nobody else reads it.
create table public.audit_chain_heads (
  tenant_id uuid primary key references public.tenants (id) on delete restrict,
  last_id bigint not null,
  last_hash text not null
);
alter table public.audit_chain_heads enable row level security;
alter table public.audit_chain_heads force row level security;
revoke all on public.audit_chain_heads from anon, authenticated, service_role;

-- prev_hash of a tenant's first entry.
create or replace function public.audit_genesis_hash() returns text
language sql
immutable
parallel safe
set search_path = ''
as $$ select repeat('0', 64) $$;

-- The hashed form of an entry: everything but the two hashes and the sync stamp, as canonical JSON
-- (id as text, occurred_at as JavaScript's toISOString). src/shared/audit-chain.ts builds the same
-- text from the row as the replica receives it.
create or replace function public.audit_row_canonical(p_row public.audit_log) returns text
language sql
stable
parallel safe
set search_path = ''
as $$
  select public.canonical_json(jsonb_build_object(
    'id', p_row.id::text,
    'tenant_id', p_row.tenant_id,
    'occurred_at', to_char(p_row.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'actor_type', p_row.actor_type,
    'actor_id', p_row.actor_id,
    'action', p_row.action,
    'entity_type', p_row.entity_type,
    'entity_id', p_row.entity_id,
    'before_state', p_row.before_state,
    'after_state', p_row.after_state,
    'metadata', p_row.metadata))
$$;

create or replace function public.audit_entry_hash(p_prev_hash text, p_row public.audit_log) returns text
language sql
stable
parallel safe
set search_path = ''
as $$
  select encode(sha256(convert_to(p_prev_hash || public.audit_row_canonical(p_row), 'UTF8')), 'hex')
$$;

-- Links a new entry to its tenant's chain. SECURITY DEFINER: the head table is nobody else's.
create or replace function public.audit_log_chain() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_prev text;
begin
  select h.last_hash into v_prev from public.audit_chain_heads h where h.tenant_id = new.tenant_id for update;
  if not found then
    insert into public.audit_chain_heads (tenant_id, last_id, last_hash)
    values (new.tenant_id, 0, public.audit_genesis_hash())
    on conflict (tenant_id) do nothing;
    select h.last_hash into v_prev from public.audit_chain_heads h where h.tenant_id = new.tenant_id for update;
  end if;
  -- The id is drawn only now, under the head's lock, so a tenant's ids follow its chain order.
  new.id := nextval(pg_get_serial_sequence('public.audit_log', 'id'));
  new.occurred_at := date_trunc('milliseconds', coalesce(new.occurred_at, now()));
  new.metadata := coalesce(new.metadata, '{}'::jsonb);
  new.prev_hash := v_prev;
  new.integrity_hash := public.audit_entry_hash(v_prev, new);
  update public.audit_chain_heads set last_id = new.id, last_hash = new.integrity_hash
  where tenant_id = new.tenant_id;
  return new;
end
$$;
create trigger audit_log_chain before insert on public.audit_log
  for each row execute function public.audit_log_chain();

-- The first entry of a tenant's chain that does not verify, or null when the whole chain does:
-- {id, expected, actual, reason}; reason 'prev_hash' = the link to the entry before is broken,
-- 'integrity_hash' = the entry's content no longer matches its hash. Reads as the caller.
create or replace function public.verify_audit_chain(p_tenant uuid) returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select case
           when c.prev_hash is distinct from c.chain_prev then
             jsonb_build_object('id', c.id, 'expected', c.chain_prev, 'actual', c.prev_hash, 'reason', 'prev_hash')
           else
             jsonb_build_object('id', c.id, 'expected', c.recomputed, 'actual', c.integrity_hash, 'reason', 'integrity_hash')
         end
  from (
    select a.id, a.prev_hash, a.integrity_hash,
           lag(a.integrity_hash, 1, public.audit_genesis_hash()) over (order by a.id) as chain_prev,
           public.audit_entry_hash(a.prev_hash, a) as recomputed
    from public.audit_log a
    where a.tenant_id = p_tenant
  ) c
  where c.prev_hash is distinct from c.chain_prev or c.integrity_hash is distinct from c.recomputed
  order by c.id
  limit 1
$$;

revoke all on function public.audit_log_chain() from public, anon, authenticated, service_role;
revoke all on function public.audit_genesis_hash(), public.audit_row_canonical(public.audit_log),
  public.audit_entry_hash(text, public.audit_log), public.verify_audit_chain(uuid) from public, anon;
grant execute on function public.audit_genesis_hash(), public.audit_row_canonical(public.audit_log),
  public.audit_entry_hash(text, public.audit_log), public.verify_audit_chain(uuid) to authenticated, service_role;

select public._setup_replicated('trust_ledger', false);
select public._setup_replicated('cost_transactions', false);
select public._setup_replicated('outbox', false);
select public._setup_replicated('audit_log', true);
revoke all on sequence public.audit_log_id_seq from anon, authenticated;

-- Every replicated table exists now; the helper has done its job.
drop function public._setup_replicated(text, boolean, text);
