// Starts the approval gateway: signs in as the agent, connects to the upstream, and serves over
// stdio or streamable HTTP. `npm run mcp-gateway` and the tests start it here.
import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { AgentClient } from '../agent-sdk/index'
import { connectMcp, describeEndpoint, type McpEndpoint } from '../executor/mcp-client'
import { AgentSdkGate, type ApprovalGate } from './gate'
import { createGatewayServer, type GatewayOptions } from './gateway'
import { serveMcpHttp } from './http'

export interface GatewayConfig {
  upstream: McpEndpoint
  /** The console's Supabase and the agent's own credential (`npm run agent:create`). */
  backend?: { url: string; anonKey: string; email: string; password: string }
  /** Instead of backend: a gate built elsewhere. */
  gate?: ApprovalGate
  transport: { kind: 'stdio' } | { kind: 'http'; port?: number; host?: string; token?: string }
  maxWaitMs?: number
  log?: (line: string) => void
}

export interface RunningGateway {
  /** The HTTP endpoint (…/mcp); undefined over stdio. */
  url?: string
  close(): Promise<void>
}

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '')
  const expected = Buffer.from(`Bearer ${token}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  let agent: AgentClient | undefined
  let gate = config.gate
  if (!gate) {
    if (!config.backend) throw new Error('the gateway needs the console backend and an agent credential (or a gate)')
    agent = await AgentClient.signIn(config.backend)
    gate = new AgentSdkGate(agent)
  }
  const upstream = await connectMcp(config.upstream, 'operator-console-approval-gateway')
  config.log?.(`gateway: upstream ${describeEndpoint(config.upstream)}`)
  const options: GatewayOptions = { gate, upstream, maxWaitMs: config.maxWaitMs, log: config.log }
  const closeAll = async () => {
    await upstream.close().catch(() => {})
    await agent?.close().catch(() => {})
  }

  if (config.transport.kind === 'stdio') {
    const server = createGatewayServer(options)
    server.onclose = () => void closeAll()
    await server.connect(new StdioServerTransport())
    return { close: () => server.close().then(closeAll) }
  }
  const token = config.transport.token
  const http = await serveMcpHttp(() => createGatewayServer(options), {
    port: config.transport.port,
    host: config.transport.host,
    authorize: token ? (req) => (bearerMatches(req, token) ? null : 401) : undefined,
  })
  config.log?.(`gateway: serving MCP at ${http.url}`)
  return { url: http.url, close: () => http.close().then(closeAll) }
}
