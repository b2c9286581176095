// The policy editor's reads. The tools a reviewer may set policies for, the approvers a policy may
// name and the tenant's agents come from the replica; the policy as saved and the backtest come
// from the server (tool_policies is not replicated, and the backtest runs over the tenant's whole
// decided history), so those two need the network and say so plainly when it is not there.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { BacktestResult, PolicyEditorState, PolicyTool, ToolPolicy } from '../../shared/contract-domain'
import { ApiError, isErrorCode } from '../../shared/errors'
import type { Auth } from '../auth/auth'
import type { ReviewerContext } from './standing'

type Tool = z.input<typeof PolicyTool>

/** The permission policy.set and the backtest require (the server checks it again). */
const MANAGE = 'policies:manage'

const mayManage = (me: ReviewerContext, tenantId: string) =>
  me.standing.get(tenantId)?.permissions?.has(MANAGE) ?? false

export async function policyTools(
  db: PGliteInterface,
  me: ReviewerContext,
  tenantId: string | undefined,
): Promise<Tool[]> {
  const { rows } = await db.query<{
    id: string
    tenant_id: string
    app: string
    tool_key: string
    write_allowed: boolean
    risk_default: number
  }>(
    `select id, tenant_id, app, tool_key, write_allowed, risk_default from tools
      where deleted_at is null and ($1::uuid is null or tenant_id = $1)
      order by write_allowed desc, app, tool_key`,
    [tenantId ?? null],
  )
  return rows
    .filter((t) => mayManage(me, t.tenant_id))
    .map((t) => ({
      id: t.id,
      tenantId: t.tenant_id,
      app: t.app,
      key: t.tool_key,
      writeAllowed: t.write_allowed,
      riskDefault: t.risk_default,
    }))
}

/** What the core needs to reach the server on the reviewer's behalf. */
export interface ServerAccess {
  auth: Auth
  /** The reviewer chose to work offline: no request leaves the machine. */
  workingOffline: boolean
}

const OFFLINE = 'This needs a connection to the server, and there is none right now. Nothing was changed.'

/** One RPC as the signed-in reviewer; a refusal arrives as its own code, a lost network as `offline`. */
async function serverRpc(access: ServerAccess, fn: string, args: Record<string, unknown>): Promise<unknown> {
  if (access.workingOffline)
    throw new ApiError('offline', 'You are working offline: this needs the server. Go online to use it.')
  const token = await access.auth.token()
  if (!token.ok)
    throw token.reason === 'unreachable' ? new ApiError('offline', OFFLINE) : new ApiError('sign_in_required')
  let res
  try {
    res = await access.auth.data.rpc(fn, args).abortSignal(AbortSignal.timeout(20_000))
  } catch {
    throw new ApiError('offline', OFFLINE)
  }
  if (!res.error) return res.data
  if (res.status === 0 || res.status >= 500) throw new ApiError('offline', OFFLINE)
  // Business refusals (SQLSTATE OC400) carry the stable code as message and the sentence as detail.
  const code = res.error.message
  if (isErrorCode(code)) throw new ApiError(code, res.error.details || undefined)
  throw new ApiError('internal', `${fn}: ${res.error.message}`.slice(0, 500))
}

interface ServerPolicies {
  tenant: { policy: ToolPolicy; updated_at: string } | null
  agent: { policy: ToolPolicy; updated_at: string } | null
  tool_default: ToolPolicy
}

export async function policyEditorState(
  db: PGliteInterface,
  me: ReviewerContext,
  access: ServerAccess,
  args: { toolId: string; agentId?: string | undefined },
): Promise<z.input<typeof PolicyEditorState>> {
  const tool = (
    await db.query<{
      id: string
      tenant_id: string
      app: string
      tool_key: string
      write_allowed: boolean
      risk_default: number
      base_currency: string
    }>(
      `select t.id, t.tenant_id, t.app, t.tool_key, t.write_allowed, t.risk_default, tn.base_currency::text as base_currency
       from tools t join tenants tn on tn.id = t.tenant_id
      where t.id = $1 and t.deleted_at is null`,
      [args.toolId],
    )
  ).rows[0]
  if (!tool) throw new ApiError('not_found')
  if (!mayManage(me, tool.tenant_id))
    throw new ApiError(
      'forbidden',
      'Setting this tool’s policy needs the policies:manage permission in its tenant.',
    )
  const agents = (
    await db.query<{ id: string; name: string }>(
      `select id, name from agents where tenant_id = $1 and deleted_at is null order by name, id`,
      [tool.tenant_id],
    )
  ).rows
  const agent = args.agentId ? agents.find((a) => a.id === args.agentId) : undefined
  if (args.agentId && !agent) throw new ApiError('not_found', 'No such agent in the tool’s tenant.')
  // Who could decide there: a direct membership wins over one through the holding (effective_membership).
  const approvers = (
    await db.query<{ id: string; name: string }>(
      `select id, name from (
       select distinct on (m.user_id) m.user_id as id, coalesce(p.full_name, p.email, m.user_id::text) as name, m.role
         from tenant_members m
         join tenants t on t.id = $1
         left join tenants h on h.id = t.parent_tenant_id and h.kind = 'holding' and h.is_active and h.deleted_at is null
         left join profiles p on p.id = m.user_id
        where m.is_active and m.deleted_at is null and (m.tenant_id = t.id or m.tenant_id = h.id)
        order by m.user_id, (m.tenant_id = t.id) desc) e
      where exists (select 1 from role_permissions rp where rp.role = e.role and rp.permission = 'approvals:decide')
      order by name, id`,
      [tool.tenant_id],
    )
  ).rows

  const server = (await serverRpc(access, 'agent_policy_current', {
    p_tool_id: tool.id,
    p_agent_id: agent?.id ?? null,
  })) as ServerPolicies
  const saved = agent ? server.agent : server.tenant
  return {
    tool: {
      id: tool.id,
      tenantId: tool.tenant_id,
      app: tool.app,
      key: tool.tool_key,
      writeAllowed: tool.write_allowed,
      riskDefault: tool.risk_default,
    },
    baseCurrency: tool.base_currency,
    agent: agent ?? null,
    saved: saved?.policy ?? null,
    savedAt: saved ? new Date(saved.updated_at).toISOString() : null,
    inherited: (agent ? server.tenant?.policy : undefined) ?? server.tool_default,
    approvers,
    agents,
  }
}

interface ServerBacktest {
  days: number
  decided: number
  would_auto_approve: number
  would_auto_approve_rejected: number
  would_auto_approve_edited: number
  would_deny: number
  would_deny_approved: number
  would_require: number
  auto_approved_but_rejected_or_edited: string[]
}

export async function backtestPolicy(
  db: PGliteInterface,
  access: ServerAccess,
  args: { toolId: string; agentId?: string | undefined; policy: ToolPolicy },
): Promise<z.input<typeof BacktestResult>> {
  const r = (await serverRpc(access, 'agent_policy_backtest', {
    p_tool_id: args.toolId,
    p_policy: args.policy,
    p_agent_id: args.agentId ?? null,
  })) as ServerBacktest
  const ids = r.auto_approved_but_rejected_or_edited
  // The requests themselves as the replica holds them (the server names them; the replica shows them).
  const { rows } = await db.query<{
    id: string
    title: string | null
    agent_name: string | null
    amount: string | null
    currency: string | null
    status: string
    decided_by_name: string | null
    decided_at: Date | null
  }>(
    `select a.id, a.title, ag.name as agent_name, a.amount::text as amount, a.currency::text as currency, a.status,
            coalesce(p.full_name, p.email) as decided_by_name, a.decided_at
       from approvals a
       left join agents ag on ag.id = a.requested_by_agent_id
       left join profiles p on p.id = a.decided_by
      where a.id = any ($1::uuid[])
      order by a.decided_at desc nulls last, a.id`,
    [ids],
  )
  return {
    days: r.days,
    decided: r.decided,
    wouldAutoApprove: r.would_auto_approve,
    wouldAutoApproveRejected: r.would_auto_approve_rejected,
    wouldAutoApproveEdited: r.would_auto_approve_edited,
    wouldDeny: r.would_deny,
    wouldDenyApproved: r.would_deny_approved,
    wouldRequire: r.would_require,
    cases: rows.map((a) => ({
      approvalId: a.id,
      title: a.title,
      agentName: a.agent_name,
      amount: a.amount,
      currency: a.currency,
      outcome: a.status === 'rejected' ? 'rejected' : 'edited',
      decidedByName: a.decided_by_name,
      decidedAt: a.decided_at ? a.decided_at.toISOString() : null,
    })),
  }
}
