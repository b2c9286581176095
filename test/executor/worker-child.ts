// A worker process for the SIGKILL test: one worker loop, its config from a file, the database
// from $EXECUTOR_DB_URL — what `npm run executor` runs, without the CLI's local-stack lookup, so
// it bundles into one quick-starting file.
import { loadConfig } from '../../src/executor/config'
import { startExecutor } from '../../src/executor/run'

const [configPath] = process.argv.slice(2)
const dbUrl = process.env.EXECUTOR_DB_URL
if (!configPath || !dbUrl) throw new Error('usage: worker-child CONFIG (with EXECUTOR_DB_URL set)')
const executor = startExecutor({ dbUrl, config: loadConfig(configPath), workers: 1 })
process.once('SIGTERM', () => void executor.stop().then(() => process.exit(0)))
