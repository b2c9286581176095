// The dev commands' executor: with the local stack, approved actions run against the demo upstream
// (2 workers, every tool to its MCP server), so approving in the dev console shows the whole loop —
// queued, sent, the provider's answer — in the Outbox view. Off with OPS_CONSOLE_EXECUTOR=0.
import { startDemoUpstream } from '../demo-upstream/serve'
import { DEFAULT_STACK_DIR, type EnsuredStack } from '../stack/ensure'
import { liveStack } from '../stack/lock'
import { parseConfig } from './config'
import { startExecutor } from './run'

export async function startDevExecutor(stack: EnsuredStack, log: (line: string) => void): Promise<{ stop(): Promise<void> } | undefined> {
  if (process.env.OPS_CONSOLE_EXECUTOR === '0') return undefined
  const dbUrl = stack.stack?.dbUrl ?? liveStack(DEFAULT_STACK_DIR)?.dbUrl
  if (!dbUrl) return undefined
  const demo = await startDemoUpstream({ log })
  const config = parseConfig({ routes: [{ tools: ['*'], executor: { kind: 'mcp', url: demo.mcpUrl } }] })
  const executor = startExecutor({ dbUrl, config, workers: 2, log })
  log('Executor: 2 workers running approved actions against the demo upstream (OPS_CONSOLE_EXECUTOR=0 turns it off).')
  return {
    stop: async () => {
      await executor.stop()
      await demo.close()
    },
  }
}
