// The MCP approval gateway: an MCP server in front of an upstream MCP server. It lists the
// upstream's tools that the tenant's catalog knows; reads pass straight through; a write is filed
// through the agent intake (policy, then a reviewer), the call waits for the decision, and only an
// approved call reaches the upstream — with exactly the approved (possibly edited) arguments. A
// rejection comes back as a tool error the model can read, with the reviewer's reason. Tools the
// catalog does not know are refused: nothing runs that the tenant has not described.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import type { Decision } from '../agent-sdk/index'
import { canonicalJson, payloadHash } from '../shared/audit-chain'
import { IDEMPOTENCY_META } from '../executor/mcp-client'
import { callKey, GateRefusal, type ApprovalGate, type CatalogTool } from './gate'

export interface GatewayOptions {
  gate: ApprovalGate
  upstream: Client
  /** How long one call waits for a decision before answering "still pending" (default 10 min). */
  maxWaitMs?: number
  /** How often a waiting call reports progress (resets the client's timeout when it asks so). */
  progressEveryMs?: number
  /** The catalog is re-read at most this often (default 10 s). */
  catalogTtlMs?: number
  log?: (line: string) => void
}

/** Where the approval behind a write call is named in its result's _meta. */
export const APPROVAL_META = 'operator-console/approval'

/** `stripe_refund` ↔ (stripe, refund): the app is everything before the first underscore. */
export function catalogRef(name: string): { app: string; key: string } | null {
  const i = name.indexOf('_')
  return i > 0 && i < name.length - 1 ? { app: name.slice(0, i), key: name.slice(i + 1) } : null
}

function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] }
}

/** The rest of a decision that is not an approval, as the model should read it. */
function notApproved(name: string, d: Exclude<Decision, { outcome: 'approved' }>, waitedMs: number): CallToolResult {
  switch (d.outcome) {
    case 'rejected':
      return toolError(
        d.reasonCode === 'policy_denied'
          ? `${name} was denied by policy${d.reason ? `: ${d.reason}` : '.'} Nothing was run. Do not ask again with the same arguments.`
          : `A reviewer rejected ${name}${d.reason ? `: ${d.reason}` : ' (no reason given).'} Nothing was run.`,
      )
    case 'expired':
      return toolError(`Nobody approved ${name} before the request expired; it was not run.`)
    case 'cancelled':
      return toolError(`The request to run ${name} was cancelled${d.reason ? `: ${d.reason}` : '.'} Nothing was run.`)
    case 'pending':
      return toolError(
        `Still waiting for a reviewer to approve ${name} after ${Math.round(waitedMs / 1000)} s; nothing has run. ` +
          'Call the tool again with the same arguments to keep waiting for the same request.',
      )
  }
}

export function createGatewayServer(opts: GatewayOptions): Server {
  const maxWaitMs = opts.maxWaitMs ?? 10 * 60_000
  const progressEveryMs = opts.progressEveryMs ?? 10_000
  const ttl = opts.catalogTtlMs ?? 10_000
  let cached: { at: number; tools: Map<string, CatalogTool> } | undefined

  async function catalog(fresh = false): Promise<Map<string, CatalogTool>> {
    if (!fresh && cached && Date.now() - cached.at < ttl) return cached.tools
    const tools = new Map((await opts.gate.catalog()).map((t) => [`${t.app}_${t.key}`, t]))
    cached = { at: Date.now(), tools }
    return tools
  }

  async function upstreamTools(): Promise<Tool[]> {
    const tools: Tool[] = []
    let cursor: string | undefined
    do {
      const page = await opts.upstream.listTools(cursor ? { cursor } : undefined)
      tools.push(...page.tools)
      cursor = page.nextCursor
    } while (cursor)
    return tools
  }

  const server = new Server(
    { name: 'operator-console-approval-gateway', version: '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions:
        'Write tools are reviewed by a person before they run: a call waits for the decision, then runs with the ' +
        'approved arguments (a reviewer may edit them) or returns the reviewer’s reason as an error.',
    },
  )

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const [known, upstream] = await Promise.all([catalog(), upstreamTools()])
    return {
      tools: upstream
        .filter((t) => known.has(t.name))
        .map((t) => {
          const entry = known.get(t.name)!
          return entry.writeAllowed
            ? {
                ...t,
                description: `${t.description ?? entry.description ?? ''} Needs a reviewer’s approval: the call waits for the decision.`.trim(),
                annotations: { ...t.annotations, readOnlyHint: false },
              }
            : { ...t, annotations: { ...t.annotations, readOnlyHint: true } }
        }),
    }
  })

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args = {}, _meta } = request.params
    let entry = (await catalog()).get(name)
    entry ??= (await catalog(true)).get(name)
    if (!entry || !catalogRef(name)) {
      return toolError(`${name} is not in this tenant's tools catalog, so the approval gateway refuses it.`)
    }
    if (!entry.writeAllowed) {
      // The catalog says it cannot write: a read runs as asked, with no approval.
      return (await opts.upstream.callTool({ name, arguments: args })) as CallToolResult
    }

    const given = (_meta as Record<string, unknown> | undefined)?.[IDEMPOTENCY_META]
    const key = typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : callKey(name, canonicalJson(args))
    let proposal
    try {
      proposal = await opts.gate.propose({
        tool: { app: entry.app, key: entry.key },
        args,
        idempotencyKey: key,
        title: `${entry.app}.${entry.key} (via MCP)`,
        summary: `Requested by an MCP client through the approval gateway.\n\n\`\`\`json\n${JSON.stringify(args, null, 2)}\n\`\`\``,
      })
    } catch (err) {
      if (err instanceof GateRefusal) return toolError(`${name} was refused before review (${err.code}): ${err.message}`)
      throw err
    }
    opts.log?.(`gateway: ${name} filed as action ${proposal.actionId}; waiting for the decision`)

    // While a person decides, tell the client the call is alive (it may reset its timeout on it).
    const token = _meta?.progressToken
    let ticks = 0
    const progress =
      token === undefined
        ? undefined
        : setInterval(() => {
            ticks += 1
            void extra
              .sendNotification({
                method: 'notifications/progress',
                params: { progressToken: token, progress: ticks, message: 'Waiting for a reviewer’s decision…' },
              })
              .catch(() => {})
          }, progressEveryMs)
    const started = Date.now()
    let decision: Decision
    try {
      decision = await proposal.awaitDecision({ timeoutMs: maxWaitMs })
    } finally {
      if (progress) clearInterval(progress)
    }
    if (decision.outcome !== 'approved') return notApproved(name, decision, Date.now() - started)

    // The same rule as the executor: only arguments that hash to the approved payload hash leave.
    if ((await payloadHash(decision.args)) !== decision.payloadHash) {
      return toolError(`${name} was approved, but the arguments received do not match the approved payload hash; nothing was run.`)
    }
    // The action id is the idempotency key the executor uses too: whichever reaches the upstream
    // first applies the action, the other gets the same answer back.
    const result = (await opts.upstream.callTool({
      name,
      arguments: decision.args,
      _meta: { [IDEMPOTENCY_META]: proposal.actionId },
    })) as CallToolResult
    const note = decision.edited
      ? [{ type: 'text' as const, text: `A reviewer edited the arguments before approving; it ran with: ${JSON.stringify(decision.args)}` }]
      : []
    return {
      ...result,
      content: [...note, ...(result.content ?? [])],
      _meta: {
        ...result._meta,
        [APPROVAL_META]: { action_id: proposal.actionId, approval_id: proposal.approvalId, edited: decision.edited, route: decision.route },
      },
    }
  })

  return server
}
