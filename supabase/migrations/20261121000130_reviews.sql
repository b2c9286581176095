-- The other things a reviewer triages or reads: escalations (seed 003), suspected hallucinations
-- (seed 002), code change sets with their patches (seed 001), the message thread with agents and
-- the agents' memory (seed 003; both append-only).

create table public.escalations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  from_agent_id uuid not null references public.agents (id) on delete restrict,
  to_agent_id uuid references public.agents (id) on delete restrict,
  to_user_id uuid references public.profiles (id) on delete restrict,
  type text not null check (type in ('awareness', 'action_required')),
  trigger text not null check (trigger in (
    'task_blocked', 'scope_unclear', 'conflicting_instructions', 'resource_constraint',
    'cross_team_dependency', 'scope_exceeded', 'cross_domain_conflict', 'irreversible_decision',
    'budget_request', 'external_commitment', 'mission_drift', 'material_risk', 'timeline_risk',
    'performance_issue', 'milestone', 'opportunity', 'task_complete', 'anomaly', 'quality_issue',
    'workstream_complete')),
  context text not null,
  impact text not null,
  recommendation text,
  status text not null default 'pending' check (status in ('pending', 'acknowledged', 'resolved')),
  acknowledged_by uuid references public.profiles (id) on delete restrict,
  acknowledged_at timestamptz,
  resolved_by uuid references public.profiles (id) on delete restrict,
  resolved_at timestamptz,
  resolution text,
  related_task_id uuid references public.tasks (id) on delete restrict,
  -- Set when an approval was escalated.
  approval_id uuid references public.approvals (id) on delete restrict,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check (to_agent_id is not null or to_user_id is not null),
  check (status <> 'resolved' or resolved_at is not null)
);
create index escalations_tenant_status_idx on public.escalations (tenant_id, status, created_at);
create index escalations_to_user_idx on public.escalations (to_user_id);
create index escalations_from_agent_idx on public.escalations (from_agent_id);
create index escalations_approval_idx on public.escalations (approval_id);
create index escalations_task_idx on public.escalations (related_task_id);

create table public.hallucination_flags (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  agent_id uuid not null references public.agents (id) on delete restrict,
  task_id uuid references public.tasks (id) on delete restrict,
  approval_id uuid references public.approvals (id) on delete restrict,
  detection_method text not null check (detection_method in ('confidence', 'fact_check', 'pattern')),
  confidence_score numeric(3, 2) check (confidence_score between 0 and 1),
  flagged_content text,
  status text not null default 'pending' check (status in ('pending', 'reviewed', 'false_positive', 'confirmed')),
  reviewed_by uuid references public.profiles (id) on delete restrict,
  reviewed_at timestamptz,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index hallucination_flags_tenant_status_idx on public.hallucination_flags (tenant_id, status, created_at);
create index hallucination_flags_agent_idx on public.hallucination_flags (agent_id);
create index hallucination_flags_task_idx on public.hallucination_flags (task_id);
create index hallucination_flags_approval_idx on public.hallucination_flags (approval_id);

-- Review state machine (seed 001): draft → pending_review → approved | rejected; approved → applied.
create table public.changesets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  title text not null check (length(title) between 1 and 500),
  description text,
  status text not null default 'draft' check (status in ('draft', 'pending_review', 'approved', 'rejected', 'applied')),
  agent_id uuid references public.agents (id) on delete restrict,
  task_id uuid references public.tasks (id) on delete restrict,
  reviewed_by uuid references public.profiles (id) on delete restrict,
  reviewed_at timestamptz,
  review_comment text,
  applied_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index changesets_tenant_status_idx on public.changesets (tenant_id, status);
create index changesets_agent_idx on public.changesets (agent_id);
create index changesets_task_idx on public.changesets (task_id);

create table public.changeset_patches (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  changeset_id uuid not null references public.changesets (id) on delete restrict,
  -- Order of the patch within its change set.
  position int not null default 0 check (position >= 0),
  path text not null check (length(path) between 1 and 1000),
  diff text not null, -- unified diff
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index changeset_patches_tenant_changeset_idx on public.changeset_patches (tenant_id, changeset_id, position);
create index changeset_patches_changeset_idx on public.changeset_patches (changeset_id);

-- The thread between reviewers and agents, about an approval or a task. Immutable.
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  from_user_id uuid references public.profiles (id) on delete restrict,
  from_agent_id uuid references public.agents (id) on delete restrict,
  to_agent_id uuid references public.agents (id) on delete restrict,
  to_user_id uuid references public.profiles (id) on delete restrict,
  approval_id uuid references public.approvals (id) on delete restrict,
  task_id uuid references public.tasks (id) on delete restrict,
  body text not null check (length(body) between 1 and 20000),
  -- The sender's intent id when sent from a console (message.send through sync_push).
  client_mutation_id uuid unique,
  created_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check (num_nonnulls(from_user_id, from_agent_id) = 1)
);
create index messages_tenant_approval_idx on public.messages (tenant_id, approval_id, created_at);
create index messages_approval_idx on public.messages (approval_id);
create index messages_task_idx on public.messages (task_id);
create index messages_to_agent_idx on public.messages (to_agent_id);

-- What an agent remembers (seed 003, INV-MEM-001): corrections are new entries, never edits.
create table public.memory_entries (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  agent_id uuid references public.agents (id) on delete restrict,
  type text not null check (type in ('decision', 'action', 'escalation', 'communication', 'pulse', 'audit', 'knowledge')),
  summary text not null,
  details jsonb not null default '{}'::jsonb,
  importance text not null default 'medium' check (importance in ('high', 'medium', 'low')),
  tags text[] not null default '{}',
  related_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index memory_entries_tenant_agent_idx on public.memory_entries (tenant_id, agent_id, created_at);
create index memory_entries_agent_idx on public.memory_entries (agent_id);

select public._setup_replicated('escalations', false);
select public._setup_replicated('hallucination_flags', false);
select public._setup_replicated('changesets', false);
select public._setup_replicated('changeset_patches', false);
select public._setup_replicated('messages', true);
select public._setup_replicated('memory_entries', true);
