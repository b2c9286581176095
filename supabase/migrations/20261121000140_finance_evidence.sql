-- Finance evidence (seed 001's canonical records from Shopify / Stripe / NetSuite), read-only in the
-- console: an approval's `evidence` points at these rows so a reviewer sees the order behind a
-- refund or the lines behind a journal posting, offline.
-- Shared columns: source, source_id, dedupe_key (unique, `{tenant_id}:{source}:{object_type}:{source_id}`),
-- source_created, synced_at.

create table public.orders (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  source text not null,
  source_id text not null,
  dedupe_key text not null unique,
  source_created timestamptz,
  synced_at timestamptz not null default now(),
  order_number text not null,
  status text not null check (status in ('open', 'paid', 'fulfilled', 'partially_refunded', 'refunded', 'cancelled')),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  total_amount numeric(14, 2) not null,
  subtotal numeric(14, 2) not null default 0,
  tax_amount numeric(14, 2) not null default 0,
  discount_amount numeric(14, 2) not null default 0,
  customer_email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index orders_tenant_created_idx on public.orders (tenant_id, source_created desc);
create index orders_tenant_number_idx on public.orders (tenant_id, order_number);

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  source text not null,
  source_id text not null,
  dedupe_key text not null unique,
  source_created timestamptz,
  synced_at timestamptz not null default now(),
  payment_id text not null,
  order_id uuid references public.orders (id) on delete restrict,
  amount numeric(14, 2) not null,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  status text not null check (status in ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded')),
  payment_method text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index payments_tenant_created_idx on public.payments (tenant_id, source_created desc);
create index payments_order_idx on public.payments (order_id);

create table public.refunds (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  source text not null,
  source_id text not null,
  dedupe_key text not null unique,
  source_created timestamptz,
  synced_at timestamptz not null default now(),
  order_id uuid references public.orders (id) on delete restrict,
  payment_id uuid references public.payments (id) on delete restrict,
  reason text,
  amount numeric(14, 2) not null check (amount >= 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  status text not null check (status in ('pending', 'succeeded', 'failed', 'cancelled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index refunds_tenant_created_idx on public.refunds (tenant_id, source_created desc);
create index refunds_order_idx on public.refunds (order_id);
create index refunds_payment_idx on public.refunds (payment_id);

create table public.payouts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  source text not null,
  source_id text not null,
  dedupe_key text not null unique,
  source_created timestamptz,
  synced_at timestamptz not null default now(),
  payout_id text not null,
  status text not null check (status in ('pending', 'in_transit', 'paid', 'failed', 'cancelled')),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  gross_amount numeric(14, 2) not null,
  fee_amount numeric(14, 2) not null default 0,
  net_amount numeric(14, 2) not null,
  arrival_date date,
  transaction_count int not null default 0 check (transaction_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index payouts_tenant_created_idx on public.payouts (tenant_id, source_created desc);

create table public.payout_lines (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  source text not null,
  source_id text not null,
  dedupe_key text not null unique,
  source_created timestamptz,
  synced_at timestamptz not null default now(),
  payout_id uuid not null references public.payouts (id) on delete restrict,
  fee_type text,
  amount numeric(14, 2) not null,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index payout_lines_tenant_payout_idx on public.payout_lines (tenant_id, payout_id);
create index payout_lines_payout_idx on public.payout_lines (payout_id);

create table public.disputes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  source text not null,
  source_id text not null,
  dedupe_key text not null unique,
  source_created timestamptz,
  synced_at timestamptz not null default now(),
  charge_id text not null,
  payment_id uuid references public.payments (id) on delete restrict,
  reason text,
  amount numeric(14, 2) not null check (amount >= 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  status text not null check (status in (
    'warning_needs_response', 'needs_response', 'under_review', 'won', 'lost', 'closed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index disputes_tenant_created_idx on public.disputes (tenant_id, source_created desc);
create index disputes_payment_idx on public.disputes (payment_id);

-- NetSuite postings (seed 001 netsuite_postings): one row per posting line; the lines of one
-- journal share tran_id. amount is signed: debit positive, credit negative.
create table public.journal_postings (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete restrict,
  source text not null,
  source_id text not null,
  dedupe_key text not null unique,
  source_created timestamptz,
  synced_at timestamptz not null default now(),
  transaction_type text not null,
  internal_id text,
  tran_id text not null,
  line_no int not null default 1 check (line_no >= 1),
  tran_date date not null,
  posting_period text,
  account_id text not null,
  amount numeric(14, 2) not null,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  subsidiary_id text,
  memo text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0'
);
create index journal_postings_tenant_tran_idx on public.journal_postings (tenant_id, tran_id, line_no);
create index journal_postings_tenant_date_idx on public.journal_postings (tenant_id, tran_date desc);

select public._setup_replicated('orders', false);
select public._setup_replicated('payments', false);
select public._setup_replicated('refunds', false);
select public._setup_replicated('payouts', false);
select public._setup_replicated('payout_lines', false);
select public._setup_replicated('disputes', false);
select public._setup_replicated('journal_postings', false);
