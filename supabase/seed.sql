-- Demo data: the tenants and reviewers listed in the README, all with the password `demo-password`.
-- Small and hand-readable; `npm run seed` generates volume on top of it. Fixed ids so that docs,
-- tests and deep links can name them.

-- Tenants: a holding with two subsidiaries, and an unrelated standalone company.
insert into public.tenants (id, name, slug, kind, parent_tenant_id, base_currency) values
  ('10000000-0000-4000-8000-000000000001', 'Northwind Group',    'northwind-group',    'holding',    null,                                   'USD'),
  ('10000000-0000-4000-8000-000000000002', 'Northwind Retail',   'northwind-retail',   'subsidiary', '10000000-0000-4000-8000-000000000001', 'USD'),
  ('10000000-0000-4000-8000-000000000003', 'Northwind Payments', 'northwind-payments', 'subsidiary', '10000000-0000-4000-8000-000000000001', 'EUR'),
  ('10000000-0000-4000-8000-000000000004', 'Acme Logistics',     'acme-logistics',     'standalone', null,                                   'USD');

-- Reviewers. The password hash is bcrypt, as GoTrue stores it; the profile row comes from the
-- on_auth_user_created trigger.
insert into auth.users (id, email, encrypted_password, raw_user_meta_data) values
  ('20000000-0000-4000-8000-000000000001', 'finance@demo.test',  extensions.crypt('demo-password', extensions.gen_salt('bf', 10)), '{"full_name":"Frances Finance"}'),
  ('20000000-0000-4000-8000-000000000002', 'ops@demo.test',      extensions.crypt('demo-password', extensions.gen_salt('bf', 10)), '{"full_name":"Oscar Ops"}'),
  ('20000000-0000-4000-8000-000000000003', 'viewer@demo.test',   extensions.crypt('demo-password', extensions.gen_salt('bf', 10)), '{"full_name":"Vera Viewer"}'),
  ('20000000-0000-4000-8000-000000000004', 'manager@demo.test',  extensions.crypt('demo-password', extensions.gen_salt('bf', 10)), '{"full_name":"Maya Manager"}'),
  ('20000000-0000-4000-8000-000000000005', 'outsider@demo.test', extensions.crypt('demo-password', extensions.gen_salt('bf', 10)), '{"full_name":"Otto Outsider"}');

insert into public.tenant_members (tenant_id, user_id, role, approval_limit, max_risk) values
  -- finance: Northwind Retail, may approve up to 50,000.
  ('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', 'finance', 50000, 5),
  -- ops: Northwind Payments, low limit and risk ceiling.
  ('10000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000002', 'ops',     1000,  3),
  -- viewer: Northwind Retail, reads only.
  ('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000003', 'viewer',  null,  0),
  -- manager: the holding, so both subsidiaries are visible.
  ('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000004', 'manager', null,  5),
  -- outsider: finance at the unrelated tenant.
  ('10000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000005', 'finance', 50000, 5);

-- Exchange rates between the demo currencies (units of `to` per unit of `from`), so an approval in
-- any of them converts into its tenant's base currency for the limit check: last month's and
-- yesterday's, the newest not after the decision day applies.
insert into public.fx_rates (from_currency, to_currency, valid_on, rate, source)
select f.code, t.code, d.valid_on, round(f.usd * d.drift / t.usd, 10), 'demo reference rates'
from (values ('USD', 1.0), ('EUR', 1.0842), ('GBP', 1.2675)) as f(code, usd)
cross join (values ('USD', 1.0), ('EUR', 1.0842), ('GBP', 1.2675)) as t(code, usd)
cross join (values (current_date - 30, 0.99), (current_date - 1, 1.0)) as d(valid_on, drift)
where f.code <> t.code;
