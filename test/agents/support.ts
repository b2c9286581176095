// Agents for tests: a fresh tenant with the demo tools and a reviewer, agents with their own
// credentials issued exactly as `npm run agent:create` does, and SDK clients signed in as them.
import { decodeJwt } from 'jose'
import { inject } from 'vitest'
import { AgentClient, type AgentClientOptions, type ApprovalRequest } from '../../src/agent-sdk/index'
import { createAgentCredentials, type AgentCredentials } from '../../src/agent-sdk/provision'
import { addMember, createTenant, createUser, supabaseClient, type TestUser } from '../../src/stack/fixtures'
import { TOOLS } from '../../src/stack/seed/tools'
import { admin, asClaims } from '../support/db'
import { mutation, pushOne } from '../push/support'

export const stack = () => inject('stack')

export interface AgentWorld {
  tenantId: string
  reviewer: TestUser
  /** Holds agents:manage and policies:manage. */
  admin: TestUser
  tools: { refund: string; payout: string; readOnly: string }
}

/** A tenant (USD unless told) with stripe.refund / stripe.payout (write) and crm.lookup (read-only), a finance reviewer and an admin. */
export async function agentWorld(opts: { baseCurrency?: string } = {}): Promise<AgentWorld> {
  const { dbUrl } = stack()
  const tenant = await createTenant(dbUrl, opts)
  const [reviewer, adminUser] = await Promise.all([createUser(dbUrl), createUser(dbUrl)])
  await addMember(dbUrl, { tenantId: tenant.id, userId: reviewer.id, role: 'finance' })
  await addMember(dbUrl, { tenantId: tenant.id, userId: adminUser.id, role: 'admin' })
  return { tenantId: tenant.id, reviewer, admin: adminUser, tools: await addAgentTools(tenant.id) }
}

/** The tools the agent tests call, in a tenant: two Stripe writes (amounts in cents) and a read-only lookup. */
export async function addAgentTools(tenantId: string): Promise<AgentWorld['tools']> {
  const insert = async (app: string, key: string, spec: { json_schema: unknown; risk_default: number }, write: boolean, bucket: string | null) => {
    const { rows } = await admin().query<{ id: string }>(
      `insert into public.tools (tenant_id, app, tool_key, category, json_schema, risk_default, approval_default, write_allowed, rate_bucket)
       values ($1, $2, $3, 'payments', $4, $5, 'required', $6, $7)
       returning id`,
      [tenantId, app, key, JSON.stringify(spec.json_schema), spec.risk_default, write, bucket],
    )
    return rows[0]!.id
  }
  return {
    refund: await insert('stripe', 'refund', TOOLS.stripe_refund, true, 'stripe-write'),
    payout: await insert('stripe', 'payout', TOOLS.stripe_payout, true, 'stripe-write'),
    readOnly: await insert('crm', 'lookup', { json_schema: { type: 'object' }, risk_default: 0 }, false, null),
  }
}

export interface TestAgent extends AgentCredentials {
  client: AgentClient
  /** The claims of the agent's access token, for direct SQL as the agent. */
  claims: { sub: string; role: 'authenticated'; [k: string]: unknown }
}

export async function newAgent(
  tenantId: string,
  opts: { name?: string; autonomy?: 'A1' | 'A2' | 'A3'; riskTier?: number } & Pick<AgentClientOptions, 'fileTogether'> = {},
): Promise<TestAgent> {
  const s = stack()
  const service = supabaseClient(s, s.serviceRoleKey)
  const creds = await createAgentCredentials(service, {
    tenant: tenantId,
    agent: opts.name ?? `Agent ${crypto.randomUUID().slice(0, 8)}`,
    autonomy: opts.autonomy ?? 'A3',
    riskTier: opts.riskTier ?? 5,
  })
  return signIn(creds, opts.fileTogether === undefined ? {} : { fileTogether: opts.fileTogether })
}

/** A new process of the same agent: signs in again with the same credential. */
export async function signIn(creds: AgentCredentials, opts: Pick<AgentClientOptions, 'fileTogether'> = {}): Promise<TestAgent> {
  const s = stack()
  const client = await AgentClient.signIn({ url: s.apiUrl, anonKey: s.anonKey, email: creds.email, password: creds.password, pollIntervalMs: 100, ...opts })
  const { data } = await client.supabase.auth.getSession()
  const claims = decodeJwt(data.session!.access_token) as TestAgent['claims']
  return { ...creds, client, claims }
}

/** Runs SQL as the agent exactly as the gateway would for its token (RLS applies). */
export function asAgent<T>(agent: TestAgent, fn: Parameters<typeof asClaims<T>>[1]) {
  return asClaims(agent.claims, fn)
}

let seq = 0
/** A valid stripe.refund call; `cents` in minor units (USD). */
export function refund(cents: number, extra: Partial<ApprovalRequest> = {}): ApprovalRequest {
  seq += 1
  return {
    tool: 'stripe.refund',
    args: {
      charge: `ch_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`,
      amount: cents,
      currency: 'usd',
      reason: 'requested_by_customer',
    },
    idempotencyKey: `test-${Date.now()}-${seq}-${Math.random()}`,
    ...extra,
  }
}

/** Saves a policy through sync_push as the tenant's admin (the console's policy.set intent). */
export async function setPolicy(world: AgentWorld, toolId: string, policy: unknown, agentId?: string) {
  const result = await pushOne(world.admin.id, mutation('policy.set', { tool_id: toolId, policy, ...(agentId ? { agent_id: agentId } : {}) }))
  if (result.status !== 'applied') throw new Error(`policy.set refused: ${result.code} ${result.message}`)
  return result
}
