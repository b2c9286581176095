// The local Supabase-compatible stack: PostgreSQL (embedded) plus the HTTP gateway that speaks the
// part of Supabase's API the console uses. Dev commands, the benchmark and the tests all start it here.
import { startDatabase, type Database } from './database'

export interface StackOptions {
  /** Gateway port; PostgreSQL listens on port + 1. */
  port: number
  dataDir: string
  fresh?: boolean
  seed?: boolean
  log?: (line: string) => void
}

export interface Stack {
  apiUrl: string
  /** Superuser connection string, for tooling and test fixtures. */
  dbUrl: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
  stop(): Promise<void>
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const db: Database = await startDatabase({
    dataDir: opts.dataDir,
    port: opts.port + 1,
    fresh: opts.fresh,
    seed: opts.seed,
    log: opts.log,
  })
  // The HTTP gateway (auth + rpc) is added on top of the database in src/stack/gateway.ts.
  return {
    apiUrl: `http://127.0.0.1:${opts.port}`,
    dbUrl: db.url,
    anonKey: '',
    serviceRoleKey: '',
    jwtSecret: '',
    stop: () => db.stop(),
  }
}
