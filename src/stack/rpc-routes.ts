// PostgREST's RPC endpoint, `POST /rest/v1/rpc/<function>`: authenticate the JWT (or the anon
// key), then in one transaction take the JWT's role and claims, call public.<function> with the
// body as named arguments and return its JSON. Only RPC is served: this is not a general
// PostgREST (no table routes, filters or GET calls), just the console's contract.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type pg from 'pg'
import { checkout, type Checkout } from './pg-checkout'
import {
  callSql,
  resolve,
  usesBody,
  type Callable,
  type FunctionCatalog,
  type FunctionSignature,
} from './functions'
import { verifyJwt } from './jwt'
import { bearerToken, parseJsonObject, readBody, sendEmpty, sendRawJson, sendJson, urlDecodes } from './http'
import { failure, fromDatabaseError, isDatabaseError, type PostgrestFailure } from './postgrest-errors'

export interface RpcContext {
  /** Connected as `authenticator`, which may only become anon, authenticated or service_role. */
  pool: pg.Pool
  catalog: FunctionCatalog
  jwtSecret: string
}

const API_ROLES = new Set(['anon', 'authenticated', 'service_role'])
/** What Supabase's PostgREST puts on the search_path of every request. */
const SEARCH_PATH = 'public, extensions'

function sendFailure(res: ServerResponse, f: PostgrestFailure): void {
  sendJson(res, f.status, f.body, f.headers)
}

async function authenticate(
  ctx: RpcContext,
  req: IncomingMessage,
  apiKey: string,
): Promise<{ role: string; claims: Record<string, unknown> } | PostgrestFailure> {
  const token = bearerToken(req) ?? apiKey
  const verified = await verifyJwt(ctx.jwtSecret, token)
  if (!verified.ok) {
    // PostgREST: PGRST301 for a token it cannot decode or verify, PGRST303 for claims it refuses.
    const f = failure(401, verified.reason === 'invalid' ? 'PGRST301' : 'PGRST303', verified.message)
    f.headers = {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${verified.message.replaceAll('"', "'")}"`,
    }
    return f
  }
  const role = verified.claims.role ?? 'anon'
  if (!API_ROLES.has(role)) {
    return failure(401, 'PGRST301', `JWT role "${role}" is not one of anon, authenticated, service_role`)
  }
  return { role, claims: verified.claims }
}

/**
 * The body's media type: JSON (PostgREST's default when none is given), in UTF-8. PostgREST also
 * takes forms and raw bytes for some functions; the console never sends them, so they are refused
 * here as PostgREST refuses a type it does not accept (415 PGRST107) rather than misread.
 */
function contentTypeProblem(req: IncomingMessage): PostgrestFailure | undefined {
  const header = req.headers['content-type']
  if (header === undefined) return undefined
  const [mediaType = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase())
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '')
  if (
    mediaType === 'application/json' &&
    (charset === undefined || charset === 'utf-8' || charset === 'utf8')
  )
    return undefined
  return failure(
    415,
    'PGRST107',
    `Content-Type not acceptable: ${header}`,
    null,
    'The local stack takes request bodies as application/json in UTF-8.',
  )
}

function describeArgs(fn: FunctionSignature): string {
  return fn.params.map((p) => p.name).join(', ')
}

function notFound(name: string, keys: string[], nearest: FunctionSignature | undefined): PostgrestFailure {
  const sorted = [...keys].sort()
  const searched = sorted.length ? `with parameters ${sorted.join(', ')}` : 'without parameters'
  return failure(
    404,
    'PGRST202',
    `Could not find the function public.${name}(${sorted.join(', ')}) in the schema cache`,
    `Searched for the function public.${name} ${searched} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
    nearest ? `Perhaps you meant to call the function public.${name}(${describeArgs(nearest)})` : null,
  )
}

type Call = { resolution: Callable; body: string | undefined }

async function planCall(
  ctx: RpcContext,
  name: string,
  body: Record<string, unknown>,
  raw: string,
): Promise<Call | PostgrestFailure> {
  const keys = Object.keys(body)
  const r = resolve(await ctx.catalog.overloads(name), keys)
  if (r.kind === 'not-found') return notFound(name, keys, r.nearest)
  if (r.kind === 'ambiguous') {
    return failure(
      300,
      'PGRST203',
      `Could not choose the best candidate function between: ${r.candidates.map((c) => `public.${name}(${describeArgs(c)})`).join(', ')}`,
      null,
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    )
  }
  return { resolution: r, body: usesBody(r) ? (raw.trim() === '' ? '{}' : raw) : undefined }
}

/** One transaction: role and claims local to it, the call, commit. The connection always goes back. */
async function execute(
  ctx: RpcContext,
  req: IncomingMessage,
  auth: { role: string; claims: Record<string, unknown> },
  call: Call,
  path: string,
): Promise<{ ok: true; json: string | undefined } | PostgrestFailure> {
  let borrowed: Checkout
  try {
    borrowed = await checkout(ctx.pool)
  } catch (err) {
    return failure(
      504,
      'PGRST003',
      'Timed out acquiring connection from connection pool.',
      (err as Error).message,
    )
  }
  const { client } = borrowed
  let broken: Error | undefined
  const literal = (value: string) => client.escapeLiteral(value)
  // One round trip: the simple-query protocol runs all four statements in order, and every value
  // goes in as an escaped literal (the role comes from a fixed set). This is what keeps the
  // gateway's cost per poll low when hundreds of consoles poll at once. Not prepared: preparing
  // them per connection saved no measurable CPU (issue 12: 0.71 vs 0.70 ms of PostgreSQL per
  // refused agent proposal, one session alternating both forms) and cost code.
  const settings = `select set_config('search_path', ${literal(SEARCH_PATH)}, true),
    set_config('role', ${literal(auth.role)}, true),
    set_config('request.jwt.claims', ${literal(JSON.stringify(auth.claims))}, true),
    set_config('request.method', 'POST', true),
    set_config('request.path', ${literal(path)}, true),
    set_config('request.headers', ${literal(JSON.stringify(req.headers))}, true)`
  const callText = callSql(call.resolution, call.body === undefined ? undefined : literal(call.body))
  try {
    const results: unknown = await client.query(`begin; ${settings}; ${callText}; commit`)
    const callResult = Array.isArray(results)
      ? (results[2] as pg.QueryResult<{ body: string | null }>)
      : undefined
    if (!callResult) throw new Error('unexpected reply to the RPC transaction')
    return {
      ok: true,
      json: call.resolution.fn.returnsVoid ? undefined : (callResult.rows[0]?.body ?? 'null'),
    }
  } catch (err) {
    await client.query('rollback').catch((e: Error) => (broken = e))
    if (!isDatabaseError(err)) {
      broken ??= err as Error
      return failure(
        503,
        'PGRST001',
        'Database client error. Retrying the connection.',
        (err as Error).message,
      )
    }
    return fromDatabaseError(err, auth.role)
  } finally {
    borrowed.release(broken)
  }
}

export async function handleRpc(
  ctx: RpcContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  apiKey: string,
): Promise<void> {
  const match = /^\/rest\/v1\/rpc\/([^/]+)\/?$/.exec(url.pathname)
  if (!match) {
    return sendFailure(
      res,
      failure(
        404,
        'PGRST125',
        'Invalid path specified in request URL',
        'The local stack serves only POST /rest/v1/rpc/<function>.',
      ),
    )
  }
  if (req.method !== 'POST') {
    return sendFailure(res, failure(405, 'PGRST101', 'The local stack calls functions with POST only'))
  }
  if (!urlDecodes(url)) {
    return sendFailure(
      res,
      failure(
        400,
        'PGRST100',
        'Malformed percent-encoding in the request URL',
        null,
        'Every %-escape must be complete and make UTF-8 text without NUL.',
      ),
    )
  }
  const name = decodeURIComponent(match[1]!)
  const auth = await authenticate(ctx, req, apiKey)
  if ('status' in auth) return sendFailure(res, auth)
  const badType = contentTypeProblem(req)
  if (badType) return sendFailure(res, badType)
  const body = parseJsonObject(await readBody(req))
  if (!body.ok) return sendFailure(res, failure(400, 'PGRST102', 'Empty or invalid json', body.reason))
  const call = await planCall(ctx, name, body.value, body.text)
  if ('status' in call) return sendFailure(res, call)
  const outcome = await execute(ctx, req, auth, call, url.pathname)
  if (!('ok' in outcome)) {
    if (outcome.body.code === '42883' || outcome.body.code === '42P13') ctx.catalog.forget(name)
    return sendFailure(res, outcome)
  }
  if (outcome.json === undefined) return sendEmpty(res, 204)
  sendRawJson(res, 200, outcome.json)
}
