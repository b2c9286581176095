// The demo upstream as an MCP server: lists the demo tools (reads annotated read-only) and runs
// them against the ledger, applying a write once per idempotency key (from the call's _meta).
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { IDEMPOTENCY_META } from '../executor/mcp-client'
import { DemoLedger, IdempotencyConflict } from './ledger'
import { argumentErrors, DEMO_TOOLS, findTool } from './tools'

function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] }
}

function ok(result: unknown, replayed = false): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(result) }],
    structuredContent: result as Record<string, unknown>,
    ...(replayed ? { _meta: { 'operator-console/replayed': true } } : {}),
  }
}

export function createDemoMcpServer(ledger: DemoLedger): Server {
  const server = new Server({ name: 'operator-console-demo-upstream', version: '0.1.0' }, { capabilities: { tools: {} } })
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: DEMO_TOOLS.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema as { type: 'object'; [k: string]: unknown },
      annotations: { readOnlyHint: t.readOnly, destructiveHint: !t.readOnly, idempotentHint: t.readOnly },
    })),
  }))
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const { name, arguments: args = {}, _meta } = request.params
    const tool = findTool(name)
    if (!tool) return toolError(`Unknown tool ${name}.`)
    const invalid = argumentErrors(tool, args)
    if (invalid) return toolError(`Invalid arguments for ${name}: ${invalid}`)
    const rawKey = (_meta as Record<string, unknown> | undefined)?.[IDEMPOTENCY_META]
    const key = typeof rawKey === 'string' && rawKey.length > 0 ? rawKey : null
    if (tool.readOnly) return ok(ledger.read(name, 'mcp', () => tool.run(args, JSON.stringify(args))))
    try {
      const { result, replayed } = ledger.write(name, args, key, 'mcp', () => tool.run(args, key ?? crypto.randomUUID()))
      return ok(result, replayed)
    } catch (err) {
      if (err instanceof IdempotencyConflict) return toolError(err.message)
      throw err
    }
  })
  return server
}
