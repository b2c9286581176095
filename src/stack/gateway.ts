// The local stack's API gateway on 127.0.0.1: Supabase's `apikey` check and CORS in front of the
// GoTrue routes (/auth/v1) and PostgREST's RPC route (/rest/v1/rpc). Plain node:http, no framework.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { handleAuth, type AuthContext } from './auth-routes'
import { FunctionCatalog } from './functions'
import { apiKeyOf, BodyTooLarge, sendEmpty, sendGatewayError, sendJson, setCors } from './http'
import type { ApiKeys } from './keys'
import { PasswordChecker } from './passwords'
import { startRealtime } from './realtime/server'
import { handleRpc, type RpcContext } from './rpc-routes'
import { SignInLimits } from './sign-in-limits'

export interface GatewayOptions {
  /** 0 picks a free port. */
  port: number
  jwtSecret: string
  keys: ApiKeys
  /** Connection strings: the RPC pool logs in as `authenticator`, auth as a privileged role. */
  authenticatorUrl: string
  authAdminUrl: string
  jwtExpirySeconds: number
  /** RPC connections; sized for ~200 consoles polling once a second. */
  rpcPoolSize?: number
  log?: (line: string) => void
}

export interface Gateway {
  url: string
  port: number
  close(): Promise<void>
}

const HOST = '127.0.0.1'

function newPool(connectionString: string, max: number, log?: (l: string) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    // A request waits this long for a connection before PostgREST's 504 (PGRST003).
    connectionTimeoutMillis: 10_000,
    statement_timeout: 60_000,
  })
  // An idle connection dropped by the server (restart, shutdown) must not crash the process.
  pool.on('error', (err) => log?.(`gateway pool: ${err.message}`))
  return pool
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const rpcPool = newPool(opts.authenticatorUrl, opts.rpcPoolSize ?? 30, opts.log)
  const authPool = newPool(opts.authAdminUrl, 8, opts.log)
  const rpc: RpcContext = { pool: rpcPool, catalog: new FunctionCatalog(rpcPool), jwtSecret: opts.jwtSecret }
  // The issuer depends on the bound port; it is filled in once listening.
  const auth: AuthContext = {
    pool: authPool,
    jwtSecret: opts.jwtSecret,
    jwtExpirySeconds: opts.jwtExpirySeconds,
    issuer: '',
    passwords: new PasswordChecker(),
    signInLimits: new SignInLimits(),
    signInsInFlight: new Map(),
    refreshTokenReuseSeconds: 10,
  }
  const validKeys = new Set([opts.keys.anonKey, opts.keys.serviceRoleKey])

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    setCors(req, res)
    if (req.method === 'OPTIONS') return sendEmpty(res, 200)
    const service = url.pathname.startsWith('/auth/v1/')
      ? 'auth'
      : url.pathname.startsWith('/rest/v1/')
        ? 'rest'
        : undefined
    if (!service) return sendGatewayError(res, 404, 'no Route matched with those values')
    const apiKey = apiKeyOf(req, url)
    if (!apiKey)
      return sendGatewayError(
        res,
        401,
        'No API key found in request',
        'No `apikey` request header or url param was found.',
      )
    if (!validKeys.has(apiKey)) {
      return sendGatewayError(
        res,
        401,
        'Invalid API key',
        'Double check your Supabase `anon` or `service_role` API key.',
      )
    }
    if (service === 'auth') return handleAuth(auth, req, res, url)
    return handleRpc(rpc, req, res, url, apiKey)
  }

  const server = createServer((req, res) => {
    dispatch(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) return sendGatewayError(res, 413, 'Request Entity Too Large')
      opts.log?.(
        `gateway: ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      )
      sendJson(res, 500, { message: 'An unexpected error occurred in the local stack' })
    })
  })
  const realtime = await startRealtime({ adminUrl: opts.authAdminUrl, jwtSecret: opts.jwtSecret, validKeys, log: opts.log })
  server.on('upgrade', (req, socket, head) => realtime.handleUpgrade(req, socket, head))
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(opts.port, HOST, () => {
      server.off('error', reject)
      resolvePromise()
    })
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${HOST}:${port}`
  auth.issuer = `${url}/auth/v1`

  async function close(): Promise<void> {
    // Upgraded sockets keep the server open: Realtime closes its sockets first.
    await realtime.close()
    await new Promise<void>((done) => {
      server.close(() => done())
      server.closeIdleConnections()
      // In-flight requests get a moment to finish; then every socket goes.
      setTimeout(() => server.closeAllConnections(), 1_000).unref()
    })
    await Promise.all([rpcPool.end(), authPool.end(), auth.passwords.close()])
  }
  return { url, port, close }
}
