// Who is in the demo: the agents each tenant runs (every seed-002 assistant type plus custom ones,
// with tiers, autonomy and reporting lines), the colleagues who decided the history alongside the
// five demo reviewers, and what kind of work each tenant's agents ask approval for.
import type { ApprovalKind } from './model'

export interface AgentSpec {
  kind: string
  role: string
  department: string
  tier: 1 | 2 | 3 | 4 | 5
  autonomy: 'A1' | 'A2' | 'A3'
  riskTier: number
  /** Approval kinds this agent raises, by relative weight. */
  raises: readonly (readonly [ApprovalKind, number])[]
  status?: 'active' | 'inactive' | 'suspended' | 'error'
}

const STANDARD_ROSTER: AgentSpec[] = [
  {
    kind: 'executive_cos',
    role: 'Chief of Staff',
    department: 'Executive',
    tier: 1,
    autonomy: 'A3',
    riskTier: 4,
    raises: [
      ['tool_call', 3],
      ['spend', 1],
    ],
  },
  {
    kind: 'company_finance',
    role: 'Controller',
    department: 'Finance',
    tier: 2,
    autonomy: 'A2',
    riskTier: 4,
    raises: [
      ['journal_posting', 6],
      ['payout', 2],
      ['tool_call', 1],
    ],
  },
  {
    kind: 'shared_finance',
    role: 'Treasury Analyst',
    department: 'Finance',
    tier: 3,
    autonomy: 'A2',
    riskTier: 4,
    raises: [
      ['payout', 6],
      ['journal_posting', 2],
    ],
  },
  {
    kind: 'company_finance',
    role: 'Accounts Payable Clerk',
    department: 'Finance',
    tier: 4,
    autonomy: 'A1',
    riskTier: 3,
    raises: [
      ['payout', 3],
      ['spend', 2],
      ['journal_posting', 2],
    ],
  },
  {
    kind: 'company_customer',
    role: 'Refund Desk',
    department: 'Customer',
    tier: 4,
    autonomy: 'A2',
    riskTier: 2,
    raises: [
      ['refund', 8],
      ['tool_call', 3],
    ],
  },
  {
    kind: 'company_customer',
    role: 'Support Triage',
    department: 'Customer',
    tier: 5,
    autonomy: 'A1',
    riskTier: 1,
    raises: [
      ['tool_call', 6],
      ['refund', 2],
    ],
  },
  {
    kind: 'company_operations',
    role: 'Fulfilment Coordinator',
    department: 'Operations',
    tier: 3,
    autonomy: 'A2',
    riskTier: 2,
    raises: [
      ['tool_call', 4],
      ['spend', 2],
      ['refund', 1],
    ],
  },
  {
    kind: 'company_marketing',
    role: 'Campaign Manager',
    department: 'Marketing',
    tier: 4,
    autonomy: 'A2',
    riskTier: 2,
    raises: [
      ['spend', 4],
      ['tool_call', 4],
    ],
  },
  {
    kind: 'company_product',
    role: 'Catalog Manager',
    department: 'Product',
    tier: 4,
    autonomy: 'A2',
    riskTier: 2,
    raises: [
      ['tool_call', 3],
      ['changeset', 2],
    ],
  },
  {
    kind: 'company_compliance',
    role: 'Policy Sentinel',
    department: 'Compliance',
    tier: 2,
    autonomy: 'A1',
    riskTier: 3,
    raises: [
      ['tool_call', 3],
      ['changeset', 1],
    ],
  },
  {
    kind: 'shared_hr',
    role: 'People Ops',
    department: 'People',
    tier: 4,
    autonomy: 'A2',
    riskTier: 2,
    raises: [
      ['spend', 2],
      ['tool_call', 3],
    ],
  },
  {
    kind: 'shared_it',
    role: 'IT Helpdesk',
    department: 'Technology',
    tier: 4,
    autonomy: 'A2',
    riskTier: 2,
    raises: [
      ['spend', 3],
      ['changeset', 2],
      ['tool_call', 2],
    ],
  },
  {
    kind: 'shared_legal',
    role: 'Contract Reviewer',
    department: 'Legal',
    tier: 3,
    autonomy: 'A1',
    riskTier: 3,
    raises: [['tool_call', 4]],
  },
  {
    kind: 'custom',
    role: 'NetSuite Script Engineer',
    department: 'Technology',
    tier: 3,
    autonomy: 'A2',
    riskTier: 3,
    raises: [
      ['changeset', 8],
      ['tool_call', 1],
    ],
  },
  {
    kind: 'custom',
    role: 'Revenue Analyst',
    department: 'Finance',
    tier: 4,
    autonomy: 'A1',
    riskTier: 2,
    raises: [
      ['journal_posting', 3],
      ['tool_call', 2],
    ],
  },
  {
    kind: 'custom',
    role: 'Legacy Reconciler',
    department: 'Finance',
    tier: 5,
    autonomy: 'A1',
    riskTier: 1,
    raises: [['journal_posting', 1]],
    status: 'suspended',
  },
  {
    kind: 'company_marketing',
    role: 'Social Scheduler',
    department: 'Marketing',
    tier: 5,
    autonomy: 'A1',
    riskTier: 1,
    raises: [['tool_call', 1]],
    status: 'inactive',
  },
]

const HOLDING_ROSTER: AgentSpec[] = [
  {
    kind: 'executive_cos',
    role: 'Group Chief of Staff',
    department: 'Executive',
    tier: 1,
    autonomy: 'A3',
    riskTier: 5,
    raises: [
      ['tool_call', 2],
      ['spend', 1],
    ],
  },
  {
    kind: 'company_finance',
    role: 'Group Controller',
    department: 'Finance',
    tier: 2,
    autonomy: 'A2',
    riskTier: 5,
    raises: [
      ['journal_posting', 6],
      ['payout', 1],
    ],
  },
  {
    kind: 'shared_finance',
    role: 'Group Treasury',
    department: 'Finance',
    tier: 2,
    autonomy: 'A2',
    riskTier: 5,
    raises: [
      ['payout', 3],
      ['journal_posting', 2],
    ],
  },
  {
    kind: 'company_compliance',
    role: 'Group Compliance',
    department: 'Compliance',
    tier: 2,
    autonomy: 'A1',
    riskTier: 4,
    raises: [
      ['tool_call', 2],
      ['spend', 1],
    ],
  },
]

export const AGENT_PERSONAS = [
  'Atlas',
  'Quill',
  'Juno',
  'Orion',
  'Piper',
  'Sage',
  'Nova',
  'Echo',
  'Bolt',
  'Iris',
  'Vega',
  'Milo',
  'Wren',
  'Fable',
  'Ledger',
  'Cobalt',
  'Harbor',
  'Sparrow',
  'Tally',
  'Beacon',
  'Marlow',
  'Onyx',
  'Rune',
  'Kestrel',
] as const

/** How each demo tenant's work splits across approval kinds, and its share of all approvals. */
export const TENANT_PROFILES: Record<
  string,
  { share: number; kinds: readonly (readonly [ApprovalKind, number])[]; roster: AgentSpec[] }
> = {
  'northwind-retail': {
    share: 42,
    roster: STANDARD_ROSTER,
    kinds: [
      ['refund', 32],
      ['tool_call', 28],
      ['spend', 12],
      ['journal_posting', 10],
      ['payout', 8],
      ['changeset', 10],
    ],
  },
  'northwind-payments': {
    share: 36,
    roster: STANDARD_ROSTER,
    kinds: [
      ['payout', 30],
      ['tool_call', 22],
      ['journal_posting', 16],
      ['refund', 14],
      ['changeset', 10],
      ['spend', 8],
    ],
  },
  'acme-logistics': {
    share: 20,
    roster: STANDARD_ROSTER,
    kinds: [
      ['tool_call', 26],
      ['spend', 22],
      ['payout', 18],
      ['journal_posting', 16],
      ['changeset', 10],
      ['refund', 8],
    ],
  },
  'northwind-group': {
    share: 2,
    roster: HOLDING_ROSTER,
    kinds: [
      ['journal_posting', 40],
      ['spend', 20],
      ['tool_call', 20],
      ['payout', 20],
    ],
  },
}

/** Colleagues of the demo reviewers: they decided much of the history and make four-eyes possible. */
export interface ColleagueSpec {
  id: string
  email: string
  fullName: string
  tenantSlug: string
  role: 'admin' | 'finance' | 'ops' | 'manager' | 'operator' | 'viewer'
  approvalLimit: number | null
  maxRisk: number
}

export const COLLEAGUES: ColleagueSpec[] = [
  {
    id: '20000000-0000-4000-8000-000000000101',
    email: 'rahul.mehta@demo.test',
    fullName: 'Rahul Mehta',
    tenantSlug: 'northwind-retail',
    role: 'finance',
    approvalLimit: 250000,
    maxRisk: 5,
  },
  {
    id: '20000000-0000-4000-8000-000000000102',
    email: 'grace.okafor@demo.test',
    fullName: 'Grace Okafor',
    tenantSlug: 'northwind-retail',
    role: 'admin',
    approvalLimit: null,
    maxRisk: 5,
  },
  {
    id: '20000000-0000-4000-8000-000000000103',
    email: 'lena.fischer@demo.test',
    fullName: 'Lena Fischer',
    tenantSlug: 'northwind-payments',
    role: 'finance',
    approvalLimit: 100000,
    maxRisk: 5,
  },
  {
    id: '20000000-0000-4000-8000-000000000104',
    email: 'tomas.ruiz@demo.test',
    fullName: 'Tomás Ruiz',
    tenantSlug: 'northwind-payments',
    role: 'ops',
    approvalLimit: 5000,
    maxRisk: 4,
  },
  {
    id: '20000000-0000-4000-8000-000000000105',
    email: 'dana.whitfield@demo.test',
    fullName: 'Dana Whitfield',
    tenantSlug: 'acme-logistics',
    role: 'admin',
    approvalLimit: null,
    maxRisk: 5,
  },
  {
    id: '20000000-0000-4000-8000-000000000106',
    email: 'kenji.sato@demo.test',
    fullName: 'Kenji Sato',
    tenantSlug: 'acme-logistics',
    role: 'ops',
    approvalLimit: 2500,
    maxRisk: 3,
  },
  {
    id: '20000000-0000-4000-8000-000000000107',
    email: 'helen.park@demo.test',
    fullName: 'Helen Park',
    tenantSlug: 'northwind-group',
    role: 'admin',
    approvalLimit: null,
    maxRisk: 5,
  },
]

/** The demo reviewers of supabase/seed.sql, by email (ids are read from the database). */
export const DEMO_EMAILS = {
  finance: 'finance@demo.test',
  ops: 'ops@demo.test',
  viewer: 'viewer@demo.test',
  manager: 'manager@demo.test',
  outsider: 'outsider@demo.test',
} as const
export type DemoRole = keyof typeof DEMO_EMAILS
