// The demo reviewers of supabase/seed.sql, offered on the sign-in screen only when the console is
// connected to the local stack (never against a real Supabase project).

export const DEMO_PASSWORD = 'demo-password'

export const DEMO_USERS = [
  { email: 'finance@demo.test', label: 'Frances Finance — finance approver, Northwind Retail' },
  { email: 'ops@demo.test', label: 'Oscar Ops — ops approver with a low limit, Northwind Payments' },
  { email: 'viewer@demo.test', label: 'Vera Viewer — read only, Northwind Retail' },
  { email: 'manager@demo.test', label: 'Maya Manager — holding manager, Northwind Group' },
  { email: 'outsider@demo.test', label: 'Otto Outsider — finance, Acme Logistics' },
]
