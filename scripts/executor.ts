// `npm run executor`: outbox workers that run approved actions exactly once (issue 13).
// The database URL comes from --db-url, $EXECUTOR_DB_URL, or the local stack started by
// `npm run stack`; the routes from --config / $EXECUTOR_CONFIG, or --demo for the demo upstream.
import { parseArgs } from 'node:util'
import { DEFAULT_STACK_DIR } from '../src/stack/ensure'
import { liveStack } from '../src/stack/lock'
import { loadConfig, parseConfig, type ExecutorConfig } from '../src/executor/config'
import { startExecutor } from '../src/executor/run'
import { startDemoUpstream } from '../src/demo-upstream/serve'

const USAGE = `usage: npm run executor -- [--config FILE] [--demo] [--workers N] [--db-url URL]
  --config FILE   routes and delivery policy (JSON; see README-exec.md); default $EXECUTOR_CONFIG
  --demo          start the demo upstream here and send every tool to it (MCP over HTTP)
  --workers N     worker loops in this process (default 2); run more processes for more
  --db-url URL    PostgreSQL as a role that is (or may become) outbox_executor;
                  default $EXECUTOR_DB_URL, else the local stack's
  Workers take the role outbox_executor on connecting; set EXECUTOR_DB_ROLE= (empty) when the
  URL's login role already is a member limited to it.`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      demo: { type: 'boolean', default: false },
      workers: { type: 'string', default: '2' },
      'db-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return console.log(USAGE)
  const workers = Number(values.workers)
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('--workers must be 1–64')
  const dbUrl = values['db-url'] ?? process.env.EXECUTOR_DB_URL ?? liveStack(DEFAULT_STACK_DIR)?.dbUrl
  if (!dbUrl) throw new Error('no database: pass --db-url, set EXECUTOR_DB_URL, or start the local stack (npm run stack)')

  const log = (line: string) => console.log(line)
  const demo = values.demo ? await startDemoUpstream({ log }) : undefined
  const configPath = values.config ?? process.env.EXECUTOR_CONFIG
  let config: ExecutorConfig
  if (configPath) config = loadConfig(configPath)
  else if (demo) config = parseConfig({ routes: [{ tools: ['*'], executor: { kind: 'mcp', url: demo.mcpUrl } }] })
  else throw new Error('no routes: pass --config FILE (or set EXECUTOR_CONFIG), or --demo')

  const role = process.env.EXECUTOR_DB_ROLE === undefined ? undefined : process.env.EXECUTOR_DB_ROLE || null
  const executor = startExecutor({ dbUrl, config, workers, role, log })
  log(`executor: ${workers} worker(s) running; Ctrl-C stops them after the calls in flight`)
  const stop = async () => {
    await executor.stop()
    await demo?.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
