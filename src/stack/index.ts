// The local Supabase-compatible stack: PostgreSQL (embedded) plus the HTTP gateway that speaks the
// part of Supabase's API the console uses. Dev commands, the benchmark and the tests all start it here.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ExpirySweep } from '../executor/expiry-sweep'
import { socketConnectionString, startDatabase, type Database } from './database'
import { startGateway, type Gateway } from './gateway'
import { apiKeys, LOCAL_JWT_SECRET } from './keys'
import { claimStackDir, releaseStackDir, writeStackRecord } from './lock'
import { freePortPair, portIsFree } from './ports'
import { generateDemoContent } from './seed/generate'

export interface StackOptions {
  /** Gateway port; PostgreSQL listens on port + 1. 0 or absent: a free pair is picked. */
  port?: number
  /** The stack's folder: the cluster lives in `<dataDir>/pg`, the owner record in `<dataDir>/stack.json`. */
  dataDir: string
  /** Recreate the database from scratch. */
  fresh?: boolean
  /** Load supabase/seed.sql when the database is new. */
  seed?: boolean
  /**
   * With seed, on a new database also generate a demo inbox (~300 approvals with their evidence,
   * history and audit trail) so the dev console opens on work to do. Tests leave it off: they make
   * their own rows and expect the demo tenants as seed.sql leaves them.
   */
  demoContent?: boolean
  /** Lifetime of access tokens (GoTrue's JWT expiry); default 3600. */
  jwtExpirySeconds?: number
  rpcPoolSize?: number
  /**
   * Mark overdue requests expired on the server every this many ms (expire_due_approvals), as the
   * executor does; the dev stack turns it on. Off by default: tests expire what they mean to.
   */
  expirySweepMs?: number
  log?: (line: string) => void
}

export interface Stack {
  apiUrl: string
  /** Superuser connection string, for tooling and test fixtures. */
  dbUrl: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
  /** Stops HTTP, then the pools, then PostgreSQL. Safe to call twice. */
  stop(): Promise<void>
}

export const AUTHENTICATOR_PASSWORD = 'authenticator'

export async function startStack(opts: StackOptions): Promise<Stack> {
  mkdirSync(opts.dataDir, { recursive: true })
  claimStackDir(opts.dataDir)
  let db: Database | undefined
  let gateway: Gateway | undefined
  try {
    const port = opts.port || (await freePortPair())
    for (const p of [port, port + 1]) {
      if (!(await portIsFree(p)))
        throw new Error(`port ${p} is in use (the stack needs ${port} and ${port + 1})`)
    }
    db = await startDatabase({
      dataDir: join(opts.dataDir, 'pg'),
      port: port + 1,
      fresh: opts.fresh,
      seed: opts.seed,
      log: opts.log,
    })
    if (opts.seed && opts.demoContent && db.created) await generateDemoContent(db.url, opts.log)
    const jwtSecret = LOCAL_JWT_SECRET
    const keys = await apiKeys(jwtSecret)
    gateway = await startGateway({
      port,
      jwtSecret,
      keys,
      authenticatorUrl: socketConnectionString(port + 1, 'authenticator', AUTHENTICATOR_PASSWORD),
      authAdminUrl: socketConnectionString(port + 1),
      jwtExpirySeconds: opts.jwtExpirySeconds ?? 3600,
      rpcPoolSize: opts.rpcPoolSize,
      log: opts.log,
    })
    const info = {
      apiUrl: gateway.url,
      dbUrl: db.url,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
    }
    writeStackRecord(opts.dataDir, info)
    const sweep = opts.expirySweepMs ? new ExpirySweep({ dbUrl: db.url, intervalMs: opts.expirySweepMs, log: opts.log }) : undefined
    sweep?.start()
    const running = { db, gateway }
    let stopping: Promise<void> | undefined
    const stop = () =>
      (stopping ??= (async () => {
        try {
          await sweep?.stop()
          await running.gateway.close()
        } finally {
          await running.db.stop()
          releaseStackDir(opts.dataDir)
        }
      })())
    return { ...info, jwtSecret, stop }
  } catch (err) {
    await gateway?.close().catch(() => {})
    await db?.stop().catch(() => {})
    releaseStackDir(opts.dataDir)
    throw err
  }
}
