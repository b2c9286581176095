// One way to reach an MCP server, shared by the executor's MCP executor and the approval gateway's
// upstream: streamable HTTP at a URL, or a child process spoken to over stdio.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'

export type McpEndpoint =
  | { url: string; headers?: Record<string, string> }
  | { command: string; args?: string[]; env?: Record<string, string> }

/** The _meta key under which a tool call carries its idempotency key. */
export const IDEMPOTENCY_META = 'operator-console/idempotency-key'

export async function connectMcp(endpoint: McpEndpoint, clientName: string): Promise<Client> {
  const client = new Client({ name: clientName, version: '0.1.0' })
  const transport =
    'url' in endpoint
      ? new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: endpoint.headers ?? {} } })
      : new StdioClientTransport({
          command: endpoint.command,
          args: endpoint.args ?? [],
          env: { ...(process.env as Record<string, string>), ...(endpoint.env ?? {}) },
          stderr: 'inherit',
        })
  await client.connect(transport)
  return client
}

export function describeEndpoint(endpoint: McpEndpoint): string {
  return 'url' in endpoint ? endpoint.url : [endpoint.command, ...(endpoint.args ?? [])].join(' ')
}
