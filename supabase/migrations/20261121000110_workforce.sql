-- The agent workforce and its work: agents (seed 000 employees, 002 assistants, 003 agents), the
-- tools they may call with each tool's argument schema (000 tools_catalog + tool_policies), tasks
-- and the tool-call actions that may need approval (000).

create table public.agents (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  name text not null check (length(name) between 1 and 200),
  role text,
  kind text not null default 'custom' check (kind in (
    'executive_cos', 'shared_finance', 'shared_hr', 'shared_it', 'shared_legal',
    'company_operations', 'company_finance', 'company_marketing', 'company_customer',
    'company_product', 'company_compliance', 'custom')),
  tier smallint not null default 3 check (tier between 1 and 5),
  autonomy text not null default 'A2' check (autonomy in ('A1', 'A2', 'A3')),
  status text not null default 'active' check (status in ('active', 'inactive', 'suspended', 'error')),
  reports_to uuid references public.agents (id) on delete restrict,
  department text,
  risk_tier smallint not null default 2 check (risk_tier between 0 and 5),
  -- Spend ceiling per day in the tenant's base currency.
  max_cost_per_day numeric(14, 2) check (max_cost_per_day is null or max_cost_per_day >= 0),
  model_config jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check (reports_to is distinct from id)
);
create index agents_tenant_status_idx on public.agents (tenant_id, status);
create index agents_reports_to_idx on public.agents (reports_to);

create table public.tools (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  app text not null check (length(app) between 1 and 100),
  tool_key text not null check (length(tool_key) between 1 and 200),
  name text,
  description text,
  category text,
  -- JSON Schema of the tool's arguments; approve-with-edits validates edited args against it.
  json_schema jsonb check (json_schema is null or jsonb_typeof(json_schema) = 'object'),
  risk_default smallint not null default 1 check (risk_default between 0 and 5),
  approval_default text not null default 'required' check (approval_default in ('auto', 'required', 'never')),
  write_allowed boolean not null default false,
  rate_bucket text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  unique (tenant_id, app, tool_key)
);

create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  agent_id uuid references public.agents (id) on delete restrict,
  parent_task_id uuid references public.tasks (id) on delete restrict,
  title text not null check (length(title) between 1 and 500),
  description text,
  status text not null default 'pending' check (status in (
    'backlog', 'pending', 'in_progress', 'blocked', 'awaiting_approval', 'completed', 'failed', 'cancelled')),
  priority smallint not null default 3 check (priority between 1 and 5),
  risk_level smallint not null default 0 check (risk_level between 0 and 5),
  context jsonb not null default '{}'::jsonb,
  result jsonb,
  due_at timestamptz,
  blocked_reason text,
  estimated_cost numeric(14, 2) check (estimated_cost is null or estimated_cost >= 0),
  actual_cost numeric(14, 2) check (actual_cost is null or actual_cost >= 0),
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  check (parent_task_id is distinct from id)
);
create index tasks_tenant_status_idx on public.tasks (tenant_id, status);
create index tasks_agent_idx on public.tasks (agent_id);
create index tasks_parent_idx on public.tasks (parent_task_id);

create table public.actions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  task_id uuid references public.tasks (id) on delete restrict,
  agent_id uuid references public.agents (id) on delete restrict,
  type text not null default 'mcp.exec' check (length(type) between 1 and 100),
  -- Which tool: {"app": ..., "key": ...}, matching tools (app, tool_key) in the same tenant.
  tool jsonb not null check (
    jsonb_typeof(tool) = 'object'
    and jsonb_typeof(tool -> 'app') = 'string'
    and jsonb_typeof(tool -> 'key') = 'string'),
  args jsonb not null default '{}'::jsonb,
  risk smallint not null default 0 check (risk between 0 and 5),
  approval_state text not null default 'not_required' check (approval_state in (
    'not_required', 'pending', 'approved', 'rejected', 'expired')),
  result jsonb,
  -- Idempotency key of the call at the tool's provider.
  external_id text unique,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index actions_tenant_task_idx on public.actions (tenant_id, task_id);
create index actions_agent_idx on public.actions (agent_id);
create index actions_tenant_state_idx on public.actions (tenant_id, approval_state);

select public._setup_replicated('agents', false);
select public._setup_replicated('tools', false);
select public._setup_replicated('tasks', false);
select public._setup_replicated('actions', false);
