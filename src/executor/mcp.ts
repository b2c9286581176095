// The MCP executor: calls the action's tool on an upstream MCP server, tool name `<app>_<key>`
// (the demo upstream's and the gateway's naming), with the idempotency key in the request's _meta.
// A tool result marked isError is the provider saying no (permanent); a lost connection or a
// protocol error is transient and the connection is made afresh for the next attempt.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import { connectMcp, describeEndpoint, IDEMPOTENCY_META, type McpEndpoint } from './mcp-client'
import { errorText, type ClaimedAction, type Outcome, type ToolExecutor } from './types'

export function mcpToolName(tool: { app: string; key: string }): string {
  return `${tool.app}_${tool.key}`
}

/** Text of an MCP tool result's content, for error messages. */
export function resultText(content: unknown): string {
  if (!Array.isArray(content)) return ''
  return content
    .map((c: { type?: string; text?: string }) => (c?.type === 'text' ? (c.text ?? '') : ''))
    .join('\n')
    .trim()
}

export class McpExecutor implements ToolExecutor {
  private client: Promise<Client> | undefined

  constructor(
    private readonly endpoint: McpEndpoint,
    private readonly timeoutMs: number,
  ) {}

  private connect(): Promise<Client> {
    this.client ??= connectMcp(this.endpoint, 'operator-console-executor').catch((err: unknown) => {
      this.client = undefined
      throw err
    })
    return this.client
  }

  async run(action: ClaimedAction, signal: AbortSignal): Promise<Outcome> {
    let client: Client
    try {
      client = await this.connect()
    } catch (err) {
      return { ok: false, transient: true, error: `MCP server ${describeEndpoint(this.endpoint)} unreachable: ${errorText(err)}` }
    }
    try {
      const result = await client.callTool(
        { name: mcpToolName(action.tool), arguments: action.args, _meta: { [IDEMPOTENCY_META]: action.idempotencyKey } },
        undefined,
        { signal, timeout: this.timeoutMs },
      )
      if (result.isError) {
        return { ok: false, transient: false, error: resultText(result.content) || 'the tool reported an error' }
      }
      return { ok: true, result: result.structuredContent ?? { content: result.content } }
    } catch (err) {
      // The server understood and refused the call itself (no such tool, bad arguments): no retry helps.
      if (err instanceof McpError && (err.code === ErrorCode.InvalidParams || err.code === ErrorCode.MethodNotFound)) {
        return { ok: false, transient: false, error: `MCP server refused the call: ${err.message}` }
      }
      // The connection may be half-broken: start a new one next time.
      const stale = this.client
      this.client = undefined
      void stale?.then((c) => c.close()).catch(() => {})
      return { ok: false, transient: true, error: `MCP call failed: ${errorText(err)}` }
    }
  }

  async close(): Promise<void> {
    const c = this.client
    this.client = undefined
    await c?.then((client) => client.close()).catch(() => {})
  }
}
