// Starts the demo upstream: the MCP server over streamable HTTP and the webhook receiver, sharing
// one ledger, so every simulated effect is recorded once whichever door it came through.
import { serveMcpHttp } from '../mcp-gateway/http'
import { DemoLedger } from './ledger'
import { createDemoMcpServer } from './mcp-server'
import { startWebhookReceiver, type ReceiverFaults } from './webhook-receiver'

export interface DemoUpstream {
  ledger: DemoLedger
  mcpUrl: string
  webhookUrl: string
  close(): Promise<void>
}

export const DEMO_WEBHOOK_SECRET_ENV = 'DEMO_WEBHOOK_SECRET'

export async function startDemoUpstream(
  opts: { mcpPort?: number; webhookPort?: number; webhookSecret?: string; faults?: ReceiverFaults; log?: (line: string) => void } = {},
): Promise<DemoUpstream> {
  const ledger = new DemoLedger()
  const mcp = await serveMcpHttp(() => createDemoMcpServer(ledger), { port: opts.mcpPort })
  const webhook = await startWebhookReceiver({
    secret: opts.webhookSecret ?? process.env[DEMO_WEBHOOK_SECRET_ENV] ?? 'demo-webhook-secret',
    ledger,
    port: opts.webhookPort,
    faults: opts.faults,
  })
  ledger.onEffect((e) => opts.log?.(`demo upstream: ${e.tool} applied (key ${e.idempotencyKey ?? 'none'}) via ${e.via}`))
  opts.log?.(`demo upstream: MCP at ${mcp.url}, webhook at ${webhook.url}`)
  return {
    ledger,
    mcpUrl: mcp.url,
    webhookUrl: webhook.url,
    close: async () => {
      await Promise.all([mcp.close(), webhook.close()])
    },
  }
}
