// `npm run demo-upstream`: the simulated Zendesk / Stripe / HubSpot / Slack provider. Over stdio
// (--stdio, for an MCP client that starts it) or over HTTP: MCP at /mcp and the webhook receiver
// at /hooks/actions, printing every effect it applies.
import { parseArgs } from 'node:util'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { DemoLedger } from '../src/demo-upstream/ledger'
import { createDemoMcpServer } from '../src/demo-upstream/mcp-server'
import { startDemoUpstream } from '../src/demo-upstream/serve'

const { values } = parseArgs({
  options: {
    stdio: { type: 'boolean', default: false },
    'mcp-port': { type: 'string', default: '8765' },
    'webhook-port': { type: 'string', default: '8766' },
  },
})

if (values.stdio) {
  // stdout is the protocol: effects are logged to stderr.
  const ledger = new DemoLedger()
  ledger.onEffect((e) => console.error(`demo upstream: ${e.tool} applied (key ${e.idempotencyKey ?? 'none'})`))
  await createDemoMcpServer(ledger).connect(new StdioServerTransport())
} else {
  const demo = await startDemoUpstream({
    mcpPort: Number(values['mcp-port']),
    webhookPort: Number(values['webhook-port']),
    log: (line) => console.log(line),
  })
  const stop = () => void demo.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
