-- Money is checked on what will run (issue 11): dated exchange rates to compare any currency with a
-- tenant's base currency, the money a decision checked recorded on the decision, the hash of what
-- each decision approved, the hash an outbox row carries, and one open escalation per approval.

-- ───────────────────────── fx_rates ─────────────────────────

-- 1 unit of from_currency is worth `rate` units of to_currency from valid_on (until a later row of
-- the same pair). Market data, the same for every tenant: replicated to every console under the
-- scope '*' so the pre-flight converts exactly as the server does.
create table public.fx_rates (
  from_currency char(3) not null check (from_currency ~ '^[A-Z]{3}$'),
  to_currency char(3) not null check (to_currency ~ '^[A-Z]{3}$'),
  valid_on date not null,
  rate numeric(20, 10) not null check (rate > 0),
  source text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sync_version bigint not null default 0,
  sync_txid xid8 not null default '0',
  primary key (from_currency, to_currency, valid_on),
  check (from_currency <> to_currency)
);
create index fx_rates_sync_idx on public.fx_rates (sync_txid, sync_version);
create trigger fx_rates_updated_at before update on public.fx_rates
  for each row execute function public.set_updated_at();
create trigger fx_rates_sync before insert or update on public.fx_rates
  for each row execute function public.stamp_sync();
alter table public.fx_rates enable row level security;
alter table public.fx_rates force row level security;
create policy fx_rates_read on public.fx_rates for select to authenticated using (true);
revoke all on public.fx_rates from anon, authenticated;
grant select on public.fx_rates to authenticated;

-- Digits after the decimal point of a currency's minor unit (ISO 4217); 2 unless listed.
-- Mirrored by MINOR_UNIT_DIGITS in src/shared/decision-rules.ts (test/push/decision-rules.test.ts).
create or replace function public.currency_minor_digits(p_currency text) returns int
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when p_currency in ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI',
                        'VND', 'VUV', 'XAF', 'XOF', 'XPF') then 0
    when p_currency in ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') then 3
    else 2
  end
$$;

-- The rate that converts p_from into p_to today: 1 for the same currency, else the newest dated
-- rate not after today; null when there is none (the decision is then refused: fx_rate_missing).
create or replace function public.fx_rate_on(p_from text, p_to text, p_day date)
returns numeric
language sql
stable
set search_path = ''
as $$
  select case when p_from = p_to then 1::numeric else (
    select r.rate from public.fx_rates r
    where r.from_currency = p_from and r.to_currency = p_to and r.valid_on <= p_day
    order by r.valid_on desc
    limit 1)
  end
$$;

-- ───────────────────────── where a payload says how much ─────────────────────────

-- A JSON number, or a string holding a plain decimal (CRMs send amounts as strings); else null.
create or replace function public.money_number(p_value jsonb) returns numeric
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case jsonb_typeof(p_value)
    when 'number' then (p_value::text)::numeric
    when 'string' then case when (p_value #>> '{}') ~ '^-?[0-9]{1,40}(\.[0-9]{1,40})?$' then (p_value #>> '{}')::numeric end
  end
$$;

-- The built-in schema of each kind that moves money, for approvals whose action names no tool
-- with a schema: what an edit is validated against, and (x-money) where the amount and currency
-- are. Amounts in major units. Mirrored by MONEY_KIND_SCHEMAS in src/shared/decision-rules.ts.
create or replace function public.money_kind_schema(p_kind text) returns jsonb
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case p_kind
    when 'refund' then '{"type": "object", "required": ["amount", "currency"],
      "properties": {"amount": {"type": "number", "minimum": 0}, "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"}},
      "x-money": {"amount": "/amount", "currency": "/currency", "unit": "major"}}'::jsonb
    when 'payout' then '{"type": "object", "required": ["amount", "currency"],
      "properties": {"amount": {"type": "number", "minimum": 0}, "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"}},
      "x-money": {"amount": "/amount", "currency": "/currency", "unit": "major"}}'::jsonb
    when 'spend' then '{"type": "object", "required": ["amount", "currency"],
      "properties": {"amount": {"type": "number", "minimum": 0}, "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"}},
      "x-money": {"amount": "/amount", "currency": "/currency", "unit": "major"}}'::jsonb
    when 'journal_posting' then '{"type": "object", "required": ["currency", "lines"],
      "properties": {"currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
        "lines": {"type": "array", "minItems": 1, "items": {"type": "object",
          "properties": {"debit": {"type": "number", "minimum": 0}, "credit": {"type": "number", "minimum": 0}}}}},
      "x-money": {"amount": "/lines/*/debit", "currency": "/currency", "unit": "major"}}'::jsonb
  end
$$;

-- The money a payload moves, read where its schema's `x-money` annotation points:
-- {"amount": "/json/pointer", "currency": "/json/pointer" (absent: the tenant's base currency),
--  "unit": "minor" | "major"}. One `*` step sums that field over an array's items (a journal's
-- debits). Answers the amount in major units and the upper-cased currency, or o_problem saying why
-- the payload cannot be trusted to move a sane amount (missing, negative, not a number, absurd).
-- Mirrored by payloadMoney() in src/shared/decision-rules.ts.
create or replace function public.payload_money(p_spec jsonb, p_payload jsonb, p_base_currency text,
                                                out o_amount numeric, out o_currency text, out o_problem text)
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_path text[] := string_to_array(ltrim(p_spec ->> 'amount', '/'), '/');
  v_star int := array_position(v_path, '*');
  v_items jsonb;
  v_value jsonb;
  v_n numeric;
begin
  if jsonb_typeof(p_payload) is distinct from 'object' then
    o_problem := 'the payload is not an object';
    return;
  end if;
  if v_star is null then
    o_amount := public.money_number(p_payload #> v_path);
  else
    v_items := p_payload #> v_path[1:v_star - 1];
    if jsonb_typeof(v_items) is distinct from 'array' then
      o_problem := format('no list of amounts at %s', p_spec ->> 'amount');
      return;
    end if;
    o_amount := 0;
    for v_value in select x.value #> v_path[v_star + 1:] from jsonb_array_elements(v_items) x loop
      continue when v_value is null or v_value = 'null'::jsonb;
      v_n := public.money_number(v_value);
      if v_n is null or v_n < 0 then
        o_amount := null;
        exit;
      end if;
      o_amount := o_amount + v_n;
    end loop;
  end if;
  if o_amount is null then
    o_problem := format('no non-negative number at %s', p_spec ->> 'amount');
    return;
  end if;
  o_currency := case when p_spec ? 'currency'
                     then case when jsonb_typeof(p_payload #> string_to_array(ltrim(p_spec ->> 'currency', '/'), '/')) = 'string'
                               then p_payload #>> string_to_array(ltrim(p_spec ->> 'currency', '/'), '/') end
                     else p_base_currency end;
  if o_currency is null or o_currency !~ '^[A-Za-z]{3}$' then
    o_problem := format('no currency code at %s', coalesce(p_spec ->> 'currency', 'the tenant'));
    o_currency := null;
    return;
  end if;
  o_currency := upper(o_currency);
  if p_spec ->> 'unit' = 'minor' then
    o_amount := o_amount / power(10::numeric, public.currency_minor_digits(o_currency));
  end if;
  if o_amount < 0 then
    o_problem := 'the amount is negative';
  elsif o_amount >= 1e12 then
    o_problem := 'the amount is beyond any real payment (1,000,000,000,000 or more)';
  end if;
end
$$;

revoke all on function public.currency_minor_digits(text), public.fx_rate_on(text, text, date), public.money_number(jsonb),
  public.money_kind_schema(text), public.payload_money(jsonb, jsonb, text, out numeric, out text, out text)
  from public, anon;
grant execute on function public.currency_minor_digits(text), public.fx_rate_on(text, text, date), public.money_number(jsonb),
  public.money_kind_schema(text), public.payload_money(jsonb, jsonb, text, out numeric, out text, out text)
  to authenticated, service_role;

-- ───────────────────────── decisions, outbox, escalations ─────────────────────────

-- What each approve released (its hash: the payload seen, or the edited payload an edit wrote), so
-- four-eyes counts approvals of the payload that will run and no other; and the money checked.
alter table public.approval_decisions
  add column payload_hash_approved text generated always as (
    case decision
      when 'approve' then payload_hash_seen
      when 'approve_with_edits' then public.canonical_hash(edited_payload)
    end) stored,
  add column amount numeric,
  add column currency char(3),
  add column fx_rate numeric,
  add column base_amount numeric;
comment on column public.approval_decisions.fx_rate is
  'The rate that converted amount (currency) into the tenant''s base currency for the limit check; 1 in the base currency.';

-- The executor runs exactly what was approved: the outbox row names its hash.
alter table public.outbox add column if not exists payload_hash text;

-- Escalating again returns the open escalation instead of opening another.
create unique index escalations_one_open_per_approval on public.escalations (approval_id)
  where approval_id is not null and status <> 'resolved' and deleted_at is null;
