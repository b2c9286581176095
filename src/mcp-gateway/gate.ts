// The approval gate the MCP gateway routes write tools through: the tenant's tools catalog, and
// propose-then-await-decision for one call. `AgentSdkGate` is the real one — the agent intake
// (agent_propose and its policy) through the agent SDK, signed in as the gateway's agent.
import { createHash } from 'node:crypto'
import { AgentClient, AgentRefusal, type Decision } from '../agent-sdk/index'

export interface CatalogTool {
  app: string
  key: string
  /** False: a read, passed straight through. True: every call needs an approval (or a policy). */
  writeAllowed: boolean
  description: string | null
}

export interface ProposedCall {
  tool: { app: string; key: string }
  args: Record<string, unknown>
  /** Same key, same request: a repeated call resumes the request instead of filing a second one. */
  idempotencyKey: string
  title: string
  summary: string
}

export interface Proposal {
  actionId: string
  approvalId: string
  /** Resolves with the decision, or `pending` if none came within timeoutMs. */
  awaitDecision(opts: { timeoutMs: number }): Promise<Decision>
}

export interface ApprovalGate {
  catalog(): Promise<CatalogTool[]>
  /** Files the call for approval; throws GateRefusal when the intake refuses it. */
  propose(call: ProposedCall): Promise<Proposal>
}

/** The intake refused to file the call (unknown tool, invalid arguments, suspended agent…). */
export class GateRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'GateRefusal'
  }
}

export class AgentSdkGate implements ApprovalGate {
  constructor(private readonly agent: AgentClient) {}

  async catalog(): Promise<CatalogTool[]> {
    const data = await this.agent.call('agent_tools')
    return (data as { app: string; key: string; write_allowed: boolean; description: string | null }[]).map((t) => ({
      app: t.app,
      key: t.key,
      writeAllowed: t.write_allowed,
      description: t.description,
    }))
  }

  async propose(call: ProposedCall): Promise<Proposal> {
    try {
      const handle = await this.agent.requestApproval({
        tool: call.tool,
        args: call.args,
        // Keys are per tenant: the agent's id keeps two agents' identical calls apart.
        idempotencyKey: `${await this.agentId()}:${call.idempotencyKey}`,
        title: call.title,
        summary: call.summary,
      })
      return {
        actionId: handle.actionId,
        approvalId: handle.approvalId,
        awaitDecision: (opts) => handle.decision(opts),
      }
    } catch (err) {
      if (err instanceof AgentRefusal) throw new GateRefusal(err.code, err.message)
      throw err
    }
  }

  private async agentId(): Promise<string> {
    const { data } = await this.agent.supabase.auth.getSession()
    const id = data.session?.user.app_metadata?.agent_id
    if (typeof id !== 'string') throw new GateRefusal('not_an_agent', 'The gateway is not signed in as an agent.')
    return id
  }
}

/** A stable key for one call: the tool and its canonical arguments. */
export function callKey(name: string, canonicalArgs: string): string {
  return 'mcp-' + createHash('sha256').update(`${name}\n${canonicalArgs}`).digest('hex').slice(0, 40)
}
