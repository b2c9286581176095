// Issuing an agent its own sign-in, with the service-role key (operators' tooling, never agents):
// the agent row (created when missing), an Auth user whose app_metadata names the agent and its
// tenant, and the binding the database checks on every call. The password is returned once.
import { randomBytes } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'

export interface AgentCredentials {
  agentId: string
  tenantId: string
  userId: string
  email: string
  password: string
}

export interface ProvisionOptions {
  /** Tenant id or slug. */
  tenant: string
  /** The agent's name; an agent of that name in the tenant is reused. */
  agent: string
  autonomy?: 'A1' | 'A2' | 'A3'
  /** Highest risk (0–5) the agent may ask for. */
  riskTier?: number
}

export async function createAgentCredentials(
  service: SupabaseClient,
  opts: ProvisionOptions,
): Promise<AgentCredentials> {
  const provisioned = await service.rpc('agent_provision', {
    p_tenant: opts.tenant,
    p_name: opts.agent,
    p_autonomy: opts.autonomy ?? null,
    p_risk_tier: opts.riskTier ?? null,
  })
  if (provisioned.error) throw new Error(`agent_provision failed: ${provisioned.error.message}`)
  const { agent_id: agentId, tenant_id: tenantId } = provisioned.data as { agent_id: string; tenant_id: string }
  // A synthetic address: agents receive no mail; the random part lets one agent hold several credentials.
  const email = `agent-${agentId}-${randomBytes(4).toString('hex')}@agents.invalid`
  const password = randomBytes(24).toString('base64url')
  const created = await service.auth.admin.createUser({
    email,
    password,
    email_confirm: true,
    app_metadata: { agent_id: agentId, tenant_id: tenantId },
    user_metadata: { full_name: opts.agent },
  })
  if (created.error || !created.data.user) {
    throw new Error(`creating the agent's Auth user failed: ${created.error?.message ?? 'no user returned'}`)
  }
  const userId = created.data.user.id
  const bound = await service.rpc('agent_identity_bind', { p_user_id: userId })
  if (bound.error) throw new Error(`agent_identity_bind failed: ${bound.error.message}`)
  return { agentId, tenantId, userId, email, password }
}
