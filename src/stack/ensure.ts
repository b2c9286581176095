// For the dev commands: use the Supabase named by SUPABASE_URL, else the local stack — one already
// running from the same folder (`npm run stack` in another terminal), or a new one started here.
import { join } from 'node:path'
import { PROJECT_ROOT } from './database'
import { startStack, type Stack } from './index'
import { liveStack } from './lock'
import { EXPIRY_SWEEP_MS } from '../executor/expiry-sweep'

export const DEFAULT_STACK_DIR = join(PROJECT_ROOT, '.stack')
export const DEFAULT_STACK_PORT = 54321

export function defaultStackPort(): number {
  const fromEnv = Number(process.env.STACK_PORT)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_STACK_PORT
}

export interface EnsuredStack {
  url: string
  anonKey: string
  /** Whether this call started the stack (and stop() will stop it). */
  started: boolean
  stack?: Stack
  stop(): Promise<void>
}

async function answers(apiUrl: string, anonKey: string): Promise<boolean> {
  try {
    const res = await fetch(`${apiUrl}/auth/v1/.well-known/jwks.json`, {
      headers: { apikey: anonKey },
      signal: AbortSignal.timeout(1_000),
    })
    return res.ok
  } catch {
    return false
  }
}

export interface EnsureOptions {
  dataDir?: string
  port?: number
  /** Told when a stack is started here (one line). */
  log?: (line: string) => void
  /** PostgreSQL's own log, which is long; off unless given. */
  postgresLog?: (line: string) => void
}

export async function ensureStack(opts: EnsureOptions = {}): Promise<EnsuredStack> {
  const configured = process.env.SUPABASE_URL
  if (configured) {
    const anonKey = process.env.SUPABASE_ANON_KEY
    if (!anonKey) throw new Error('SUPABASE_URL is set but SUPABASE_ANON_KEY is not')
    return { url: configured, anonKey, started: false, stop: async () => {} }
  }
  const dataDir = opts.dataDir ?? DEFAULT_STACK_DIR
  const running = liveStack(dataDir)
  if (running?.apiUrl && running.anonKey && (await answers(running.apiUrl, running.anonKey))) {
    return { url: running.apiUrl, anonKey: running.anonKey, started: false, stop: async () => {} }
  }
  const port = opts.port ?? defaultStackPort()
  opts.log?.(`Starting the local stack from ${dataDir} on port ${port || 'any free port'}…`)
  const stack = await startStack({ dataDir, port, seed: true, demoContent: true, expirySweepMs: EXPIRY_SWEEP_MS, log: opts.postgresLog })
  return { url: stack.apiUrl, anonKey: stack.anonKey, started: true, stack, stop: stack.stop }
}
