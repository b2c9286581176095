// `npm run dev:web [-- --port N] [-- --data DIR]`: the console in a browser tab. Starts the local
// stack unless SUPABASE_URL is set, then the web shell (core in this process, renderer build,
// loopback WebSocket bridge), and prints the address to open — it carries the access token.
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureStack } from '../src/stack/ensure'
import { startDevExecutor } from '../src/executor/dev'
import { DEFAULT_PORT, PROJECT_ROOT, startWebShell } from '../src/web/server/index'

const { values } = parseArgs({
  options: { port: { type: 'string' }, data: { type: 'string' } },
  allowPositionals: false,
})
const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (0–65535), not "${values.port}"`)
  process.exit(2)
}
const dataDir = resolve(values.data ?? join(PROJECT_ROOT, '.web-shell'))
const log = (line: string) => console.log(line)

const stack = await ensureStack({ log }).catch((err: unknown) => {
  console.error(`Could not start the local stack: ${err instanceof Error ? err.message : String(err)}
Set STACK_PORT to use other ports, or SUPABASE_URL and SUPABASE_ANON_KEY to use a running Supabase.`)
  process.exit(1)
})
const isLocalStack = !process.env.SUPABASE_URL
if (stack.started) log(`Local stack started at ${stack.url}.`)
else log(isLocalStack ? `Using the local stack already running at ${stack.url}.` : `Using Supabase at ${stack.url}.`)

const executor = isLocalStack ? await startDevExecutor(stack, log) : undefined

let shell
try {
  shell = await startWebShell({ backend: { url: stack.url, anonKey: stack.anonKey, isLocalStack }, dataDir, port, log })
} catch (err) {
  await executor?.stop()
  await stack.stop()
  const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
  console.error(inUse ? `Port ${port} is in use; try --port ${port + 1}.` : err)
  process.exit(1)
}

console.log(`
Operator Console (web shell) is running. Open:

  ${shell.url}

Data: ${dataDir}${isLocalStack ? '\nDemo reviewers are listed on the sign-in screen (password: demo-password).' : ''}
Only this machine can connect, and only with the token in that address. Ctrl+C stops.`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await shell.close()
  await executor?.stop()
  await stack.stop()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
