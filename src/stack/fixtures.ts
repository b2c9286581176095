// Fresh identities for tests: users, tenants and memberships with unique names, so every test
// file works on rows no other file touches. Tenancy tables only; richer fixtures live elsewhere.
import { randomUUID } from 'node:crypto'
import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js'
import pg from 'pg'
import WebSocket from 'ws'

const pools = new Map<string, pg.Pool>()

function poolFor(dbUrl: string): pg.Pool {
  let pool = pools.get(dbUrl)
  if (!pool) {
    // allowExitOnIdle: a test worker must not stay alive for a fixture pool.
    pool = new pg.Pool({ connectionString: dbUrl, max: 4, allowExitOnIdle: true })
    pool.on('error', () => {})
    pools.set(dbUrl, pool)
  }
  return pool
}

/** Closes the fixture pools (optional: they let the process exit on their own). */
export async function closeFixtures(): Promise<void> {
  const all = [...pools.values()]
  pools.clear()
  await Promise.all(all.map((p) => p.end()))
}

/** A short unique suffix for names, slugs and emails. */
export function uniqueSuffix(): string {
  return randomUUID().replaceAll('-', '').slice(0, 10)
}

export interface TestUser {
  id: string
  email: string
  password: string
  fullName: string
}

export const TEST_PASSWORD = 'test-password'

/** An auth user (bcrypt hash as GoTrue stores it) and, through the migration's trigger, a profile. */
export async function createUser(
  dbUrl: string,
  opts: { email?: string; password?: string; fullName?: string } = {},
): Promise<TestUser> {
  const suffix = uniqueSuffix()
  const email = opts.email ?? `reviewer-${suffix}@test.local`
  const password = opts.password ?? TEST_PASSWORD
  const fullName = opts.fullName ?? `Reviewer ${suffix}`
  // Cost 4 keeps fixtures fast; the gateway checks any bcrypt cost.
  const { rows } = await poolFor(dbUrl).query<{ id: string }>(
    `insert into auth.users (email, encrypted_password, raw_user_meta_data)
     values ($1, extensions.crypt($2, extensions.gen_salt('bf', 4)), jsonb_build_object('full_name', $3::text))
     returning id`,
    [email, password, fullName],
  )
  return { id: rows[0]!.id, email, password, fullName }
}

export type TenantKind = 'holding' | 'subsidiary' | 'standalone'

export interface TestTenant {
  id: string
  name: string
  slug: string
  kind: TenantKind
  parentTenantId: string | null
}

export async function createTenant(
  dbUrl: string,
  opts: {
    name?: string
    slug?: string
    kind?: TenantKind
    parentTenantId?: string
    baseCurrency?: string
  } = {},
): Promise<TestTenant> {
  const suffix = uniqueSuffix()
  const kind = opts.kind ?? (opts.parentTenantId ? 'subsidiary' : 'standalone')
  const name = opts.name ?? `Test Tenant ${suffix}`
  const slug = opts.slug ?? `test-${suffix}`
  const { rows } = await poolFor(dbUrl).query<{ id: string }>(
    `insert into public.tenants (name, slug, kind, parent_tenant_id, base_currency)
     values ($1, $2, $3, $4, $5) returning id`,
    [name, slug, kind, opts.parentTenantId ?? null, opts.baseCurrency ?? 'USD'],
  )
  return { id: rows[0]!.id, name, slug, kind, parentTenantId: opts.parentTenantId ?? null }
}

export type MemberRole = 'admin' | 'finance' | 'ops' | 'manager' | 'operator' | 'viewer'

export async function addMember(
  dbUrl: string,
  m: {
    tenantId: string
    userId: string
    role: MemberRole
    approvalLimit?: number | null
    maxRisk?: number
    isActive?: boolean
  },
): Promise<void> {
  await poolFor(dbUrl).query(
    `insert into public.tenant_members (tenant_id, user_id, role, approval_limit, max_risk, is_active)
     values ($1, $2, $3, $4, $5, $6)`,
    [m.tenantId, m.userId, m.role, m.approvalLimit ?? null, m.maxRisk ?? 5, m.isActive ?? true],
  )
}

/** A tenant with one member of the given role: the usual start of a test. */
export async function createTenantWithMember(
  dbUrl: string,
  role: MemberRole = 'finance',
  opts: { approvalLimit?: number | null; maxRisk?: number } = {},
): Promise<{ tenant: TestTenant; user: TestUser }> {
  const [tenant, user] = await Promise.all([createTenant(dbUrl), createUser(dbUrl)])
  await addMember(dbUrl, { tenantId: tenant.id, userId: user.id, role, ...opts })
  return { tenant, user }
}

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>
// ws's first constructor overload (address: null) hides the (string | URL) one from the check.
const wsTransport = WebSocket as unknown as RealtimeTransport

export interface StackAddress {
  apiUrl: string
  anonKey: string
}

/**
 * A supabase-js client for Node tests and tools: no stored session, no background refresh, and
 * `ws` as Realtime's transport (Node 20 has no global WebSocket).
 */
export function supabaseClient(
  stack: StackAddress,
  key: string = stack.anonKey,
  accessToken?: string,
): SupabaseClient {
  return createClient(stack.apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: wsTransport },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {},
  })
}

/** A client signed in with email and password; throws when the stack refuses the sign-in. */
export async function signedInClient(
  stack: StackAddress,
  email: string,
  password: string,
): Promise<SupabaseClient> {
  const client = supabaseClient(stack)
  const { error } = await client.auth.signInWithPassword({ email, password })
  if (error) throw new Error(`sign-in as ${email} failed: ${error.message}`)
  return client
}
