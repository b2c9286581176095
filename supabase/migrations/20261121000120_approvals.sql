-- Approvals, the heart of the console: what an agent (or a person) asks to do, exactly what would be
-- approved (payload + its hash), who may decide, and the append-only history of decisions;
-- delegations of approval authority (seed 002) and per-reviewer snoozes (seed 004).
-- The decision rules themselves live in sync_push (data-model.md).

create table public.approvals (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  kind text not null check (kind in ('tool_call', 'refund', 'payout', 'journal_posting', 'changeset', 'spend')),
  task_id uuid references public.tasks (id) on delete restrict,
  action_id uuid references public.actions (id) on delete restrict,
  title text not null check (length(title) between 1 and 500),
  summary text, -- markdown
  risk_level smallint not null default 0 check (risk_level between 0 and 5),
  amount numeric(14, 2),
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  counterparty text,
  policy_flags text[] not null default '{}',
  status text not null default 'pending' check (status in (
    'pending', 'approved', 'rejected', 'escalated', 'expired', 'cancelled')),
  requested_by_agent_id uuid references public.agents (id) on delete restrict,
  requested_by_user_id uuid references public.profiles (id) on delete restrict,
  -- Who may decide; empty = anyone holding approvals:decide in the tenant.
  approver_ids uuid[] not null default '{}',
  -- 2 = four-eyes: two different approvers must approve.
  required_approvals smallint not null default 1 check (required_approvals in (1, 2)),
  -- Exactly what is approved (tool args, journal lines, change-set id).
  payload jsonb not null default '{}'::jsonb,
  -- sha256 hex of canonical_json(payload); kept by the approvals_payload_hash trigger.
  payload_hash text not null,
  -- Bumped on every change a reviewer must see again (payload edits here, decisions in sync_push).
  version int not null default 1 check (version >= 1),
  decided_by uuid references public.profiles (id) on delete restrict,
  decided_at timestamptz,
  decision_reason text,
  expires_at timestamptz,
  escalation_count int not null default 0 check (escalation_count >= 0),
  -- Pointers to the rows a reviewer needs: [{"table": "orders", "id": "..."}, ...].
  evidence jsonb not null default '[]'::jsonb check (jsonb_typeof(evidence) = 'array'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check (amount is null or currency is not null),
  check (requested_by_agent_id is not null or requested_by_user_id is not null)
);
-- The inbox and the expiry sweep: pending items by expiry; kind filters; links to the work.
create index approvals_tenant_status_expiry_idx on public.approvals (tenant_id, status, expires_at);
create index approvals_tenant_kind_status_idx on public.approvals (tenant_id, kind, status);
create index approvals_task_idx on public.approvals (task_id);
create index approvals_action_idx on public.approvals (action_id);
create index approvals_agent_idx on public.approvals (requested_by_agent_id);
-- sync_pull's first-sync priority: the urgent pending items of a tenant.
create index approvals_pending_urgency_idx on public.approvals (tenant_id, expires_at, risk_level desc, created_at, id)
  where status = 'pending' and deleted_at is null;

-- payload_hash always matches payload, and a changed payload is a new version a reviewer must see.
create or replace function public.approvals_payload_hash() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.payload is distinct from old.payload then
    new.payload_hash := public.canonical_hash(new.payload);
    if tg_op = 'UPDATE' and new.version = old.version then
      new.version := old.version + 1;
    end if;
  elsif new.payload_hash is distinct from old.payload_hash then
    new.payload_hash := old.payload_hash;
  end if;
  return new;
end
$$;
revoke all on function public.approvals_payload_hash() from public, anon, authenticated;
create trigger approvals_payload_hash before insert or update on public.approvals
  for each row execute function public.approvals_payload_hash();

create table public.approval_decisions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  approval_id uuid not null references public.approvals (id) on delete restrict,
  decision text not null check (decision in ('approve', 'approve_with_edits', 'reject', 'escalate')),
  actor_id uuid not null references public.profiles (id) on delete restrict,
  -- The delegator whose authority the actor used, when deciding under a delegation.
  on_behalf_of uuid references public.profiles (id) on delete restrict,
  edited_payload jsonb,
  reason text,
  payload_hash_seen text not null,
  version_seen int not null,
  client_mutation_id uuid unique,
  client_decided_at timestamptz,
  created_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check ((decision = 'approve_with_edits') = (edited_payload is not null)),
  check (on_behalf_of is distinct from actor_id)
);
create index approval_decisions_tenant_approval_idx on public.approval_decisions (tenant_id, approval_id);
create index approval_decisions_approval_idx on public.approval_decisions (approval_id, created_at);

create table public.approval_delegations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  delegator_id uuid not null references public.profiles (id) on delete restrict,
  delegate_id uuid not null references public.profiles (id) on delete restrict,
  -- Risk levels the delegate may decide for the delegator; empty = none.
  risk_levels int[] not null default '{0,1,2,3,4,5}' check (risk_levels <@ '{0,1,2,3,4,5}'::int[]),
  starts_at timestamptz not null default now(),
  ends_at timestamptz not null,
  reason text,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check (delegator_id <> delegate_id),
  check (ends_at > starts_at)
);
create index approval_delegations_tenant_delegate_idx on public.approval_delegations (tenant_id, delegate_id);
create index approval_delegations_delegator_idx on public.approval_delegations (delegator_id);

-- One row per (reviewer, approval); until = null means not snoozed (any more).
create table public.review_snoozes (
  user_id uuid not null references public.profiles (id) on delete restrict,
  approval_id uuid not null references public.approvals (id) on delete restrict,
  -- The approval's tenant, so the row syncs and is purged with that tenant.
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  primary key (user_id, approval_id)
);
create index review_snoozes_approval_idx on public.review_snoozes (approval_id);

select public._setup_replicated('approvals', false);
select public._setup_replicated('approval_decisions', true);
select public._setup_replicated('approval_delegations', false);
-- A reviewer's snoozes are theirs alone, and only while they still see the tenant.
select public._setup_replicated('review_snoozes', false,
  'user_id = (select auth.uid()) and tenant_id = any ((select public.visible_tenant_ids())::uuid[])');
