// The part of GoTrue (Supabase Auth) the console uses: password sign-in, rotating refresh tokens,
// the current user and sign-out, with GoTrue's request, response and error shapes so that
// @supabase/auth-js behaves exactly as against a hosted project.
import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type pg from 'pg'
import { signAccessToken, verifyJwt, type Claims } from './jwt'
import { checkout } from './pg-checkout'
import { bearerToken, parseJsonObject, readBody, sendEmpty, sendJson, urlDecodes } from './http'
import type { PasswordChecker } from './passwords'
import type { SignInLimits } from './sign-in-limits'

export interface UserRow {
  id: string
  aud: string | null
  role: string | null
  email: string | null
  encrypted_password: string | null
  email_confirmed_at: Date | null
  last_sign_in_at: Date | null
  raw_app_meta_data: Record<string, unknown> | null
  raw_user_meta_data: Record<string, unknown> | null
  banned_until: Date | null
  created_at: Date | null
  updated_at: Date | null
}

export interface AuthContext {
  /** A privileged pool: GoTrue owns the auth schema (supabase_auth_admin on hosted projects). */
  pool: pg.Pool
  jwtSecret: string
  jwtExpirySeconds: number
  /** The `iss` claim GoTrue puts in access tokens: `<API URL>/auth/v1`. */
  issuer: string
  passwords: PasswordChecker
  signInLimits: SignInLimits
  /** Password sign-ins being checked, by credentials: identical attempts at once share one check. */
  signInsInFlight: Map<string, Promise<UserRow | undefined>>
  /**
   * How long a rotated refresh token may still be presented (GoTrue's
   * GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL, 10 s by default).
   */
  refreshTokenReuseSeconds: number
}

const USER_COLUMNS = `id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, banned_until, created_at, updated_at`

/** GoTrue's error: `{ code, message }` for API version 2024-01-01 clients, `{ code, error_code, msg }` before. */
class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

const API_VERSION_HEADER = 'x-supabase-api-version'
const API_VERSION_2024 = '2024-01-01'

function sendAuthError(req: IncomingMessage, res: ServerResponse, err: AuthError): void {
  const requested = req.headers[API_VERSION_HEADER]
  const version =
    typeof requested === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(requested) ? requested : undefined
  if (version && version >= API_VERSION_2024) {
    sendJson(
      res,
      err.status,
      { code: err.errorCode, message: err.message },
      { ...err.headers, 'X-Supabase-Api-Version': API_VERSION_2024 },
    )
  } else {
    sendJson(res, err.status, { code: err.status, error_code: err.errorCode, msg: err.message }, err.headers)
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** The user object GoTrue returns (token responses and GET /user). */
function userJson(u: UserRow) {
  return {
    id: u.id,
    aud: u.aud ?? 'authenticated',
    role: u.role ?? 'authenticated',
    email: u.email ?? '',
    email_confirmed_at: iso(u.email_confirmed_at),
    phone: '',
    confirmed_at: iso(u.email_confirmed_at),
    last_sign_in_at: iso(u.last_sign_in_at),
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    identities: [],
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    is_anonymous: false,
  }
}

function newRefreshToken(): string {
  return randomBytes(12).toString('base64url')
}

async function tokenResponse(
  ctx: AuthContext,
  user: UserRow,
  sessionId: string,
  refreshToken: string,
  authenticatedAt: number,
) {
  const { token, expiresAt } = await signAccessToken(ctx.jwtSecret, {
    issuer: ctx.issuer,
    userId: user.id,
    email: user.email ?? '',
    sessionId,
    appMetadata: user.raw_app_meta_data ?? {},
    userMetadata: user.raw_user_meta_data ?? {},
    authenticatedAt,
    expiresInSeconds: ctx.jwtExpirySeconds,
  })
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: ctx.jwtExpirySeconds,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  }
}

function refuseUnusable(user: UserRow): void {
  if (user.banned_until && user.banned_until.getTime() > Date.now()) {
    throw new AuthError(400, 'user_banned', 'User is banned')
  }
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client: c, release } = await checkout(pool)
  let broken: Error | undefined
  try {
    await c.query('begin')
    const out = await fn(c)
    await c.query('commit')
    return out
  } catch (err) {
    await c.query('rollback').catch((e: Error) => (broken = e))
    throw err
  } finally {
    release(broken)
  }
}

/** PostgreSQL text cannot hold NUL: such a value is the client's error, not a database failure. */
function refuseNul(value: string, field: string): void {
  if (value.includes('\0'))
    throw new AuthError(400, 'validation_failed', `${field} must not contain NUL characters`)
}

const rateLimited = (retryAfterSeconds: number) =>
  new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached', {
    'Retry-After': String(retryAfterSeconds),
  })

/** The user whose password this is, or undefined; the same work whether or not the e-mail exists. */
async function checkCredentials(
  ctx: AuthContext,
  email: string,
  password: string,
): Promise<UserRow | undefined> {
  const found = await ctx.pool.query<UserRow>(
    `select ${USER_COLUMNS} from auth.users where lower(email) = lower($1)`,
    [email.trim()],
  )
  const user = found.rows[0]
  // An unknown e-mail is checked against a dummy hash: the answer takes as long as a wrong password.
  return (await ctx.passwords.matches(password, user?.encrypted_password)) ? user : undefined
}

/**
 * The limits are checked before anything else, and neither the answer nor its timing tells which
 * e-mails have accounts. Identical attempts at once (a console retrying, the benchmark's consoles
 * signing in as one demo reviewer) share one check and count as one attempt; each still answers
 * 429 when its address or account is limited.
 */
async function passwordGrant(ctx: AuthContext, body: Record<string, unknown>, clientIp: string) {
  const { email, password } = body
  if (typeof email !== 'string' || email === '')
    throw new AuthError(400, 'validation_failed', 'missing email or phone')
  if (typeof password !== 'string')
    throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials')
  refuseNul(email, 'email')
  refuseNul(password, 'password')
  const credentials = createHash('sha256')
    .update(email.trim().toLowerCase())
    .update('\0')
    .update(password)
    .digest('base64')
  let check = ctx.signInsInFlight.get(credentials)
  if (check) {
    const wait = ctx.signInLimits.waitFor(clientIp, email)
    if (wait > 0) throw rateLimited(wait)
  } else {
    const attempt = ctx.signInLimits.begin(clientIp, email)
    if (!attempt.allowed) throw rateLimited(attempt.retryAfterSeconds)
    // A full queue of checks means a storm: turn the attempt away now rather than queue it for
    // seconds (it stays counted against its address and account like any failure).
    if (ctx.passwords.saturated) throw rateLimited(1)
    check = checkCredentials(ctx, email, password).then((found) => {
      if (found) attempt.succeeded()
      return found
    })
    const forget = () => ctx.signInsInFlight.delete(credentials)
    ctx.signInsInFlight.set(credentials, check)
    check.then(forget, forget)
  }
  const user = await check
  if (!user) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials')
  if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed')
  refuseUnusable(user)
  const refreshToken = newRefreshToken()
  const signedIn = await inTransaction(ctx.pool, async (c) => {
    const session = await c.query<{ id: string }>(
      'insert into auth.sessions (user_id) values ($1) returning id',
      [user.id],
    )
    const sessionId = session.rows[0]!.id
    await c.query('insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)', [
      refreshToken,
      user.id,
      sessionId,
    ])
    const updated = await c.query<UserRow>(
      `update auth.users set last_sign_in_at = now() where id = $1 returning ${USER_COLUMNS}`,
      [user.id],
    )
    return { sessionId, user: updated.rows[0]! }
  })
  return tokenResponse(ctx, signedIn.user, signedIn.sessionId, refreshToken, Math.floor(Date.now() / 1000))
}

type RefreshOutcome =
  | { ok: true; user: UserRow; sessionId: string; token: string; authenticatedAt: number }
  | { ok: false; error: AuthError }

const tokenNotFound = () =>
  new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')

/**
 * Rotation as GoTrue does it: each refresh revokes the presented token and issues its child in
 * the same session. A revoked token presented again is answered, not refused, when it is
 *  - the parent of the session's active token (the client never stored the last answer, or two
 *    tabs refreshed at once): the active token comes back, no new one is made; or
 *  - rotated (it has a child) within the reuse interval (requests that raced): it gets a new child.
 * Otherwise it is taken as theft (reuse detection) and the session ends, all its refresh tokens
 * with it; that commits although the request is refused. Stricter than GoTrue in two ways, so that
 * nothing revoked comes back: a token revoked without being rotated (by an administrator) has no
 * reuse interval, and theft ends the session instead of only marking its tokens revoked (each of
 * which GoTrue then lets back in within its own interval).
 * The presented token's row is locked, so two refreshes with one token run one after the other and
 * the second sees the first's outcome.
 */
async function refreshGrant(ctx: AuthContext, body: Record<string, unknown>) {
  const presented = body.refresh_token
  if (typeof presented !== 'string' || presented === '') {
    throw new AuthError(400, 'validation_failed', 'refresh_token required')
  }
  refuseNul(presented, 'refresh_token')
  const outcome = await inTransaction<RefreshOutcome>(ctx.pool, async (c) => {
    const found = await c.query<{
      revoked: boolean
      rotated_recently: boolean
      session_id: string
      user_id: string
      not_after: Date | null
      session_created: Date
    }>(
      `select t.revoked,
              t.updated_at > now() - make_interval(secs => $2)
                and exists (select 1 from auth.refresh_tokens c where c.parent = t.token) as rotated_recently,
              t.session_id, t.user_id, s.not_after, s.created_at as session_created
         from auth.refresh_tokens t join auth.sessions s on s.id = t.session_id
        where t.token = $1
        for update of t`,
      [presented, ctx.refreshTokenReuseSeconds],
    )
    const row = found.rows[0]
    if (!row) return { ok: false, error: tokenNotFound() }
    if (row.not_after && row.not_after.getTime() <= Date.now()) {
      return {
        ok: false,
        error: new AuthError(400, 'session_expired', 'Invalid Refresh Token: Session Expired'),
      }
    }
    const users = await c.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1`, [
      row.user_id,
    ])
    const user = users.rows[0]
    if (!user) return { ok: false, error: tokenNotFound() }
    refuseUnusable(user)
    const answer = (token: string): RefreshOutcome => ({
      ok: true,
      user,
      sessionId: row.session_id,
      token,
      authenticatedAt: Math.floor(row.session_created.getTime() / 1000),
    })
    if (row.revoked) {
      const active = await c.query<{ token: string; parent: string | null }>(
        `select token, parent from auth.refresh_tokens
          where session_id = $1 and not revoked order by id desc limit 1`,
        [row.session_id],
      )
      const current = active.rows[0]
      if (current?.parent === presented) {
        await c.query('update auth.sessions set updated_at = now() where id = $1', [row.session_id])
        return answer(current.token)
      }
      if (!row.rotated_recently) {
        await c.query('delete from auth.sessions where id = $1', [row.session_id])
        return {
          ok: false,
          error: new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used'),
        }
      }
    }
    const token = newRefreshToken()
    // A token reused within the interval keeps the time of its first revocation, so the interval
    // runs from then and cannot be stretched by presenting it again and again.
    await c.query(
      'update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1 and not revoked',
      [presented],
    )
    await c.query(
      'insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)',
      [token, user.id, row.session_id, presented],
    )
    await c.query('update auth.sessions set updated_at = now() where id = $1', [row.session_id])
    return answer(token)
  })
  if (!outcome.ok) throw outcome.error
  return tokenResponse(ctx, outcome.user, outcome.sessionId, outcome.token, outcome.authenticatedAt)
}

const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)

interface Authenticated {
  claims: Claims
  user: UserRow
  sessionId: string | undefined
}

/** GoTrue's requireAuthentication: a valid access token whose user (and session) still exist. */
async function authenticate(ctx: AuthContext, req: IncomingMessage): Promise<Authenticated> {
  const token = bearerToken(req)
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
  const verified = await verifyJwt(ctx.jwtSecret, token)
  if (!verified.ok) {
    throw new AuthError(
      403,
      'bad_jwt',
      `invalid JWT: unable to parse or verify signature, ${verified.message}`,
    )
  }
  const { claims } = verified
  // Both claims go into uuid columns: anything else is the token's fault (GoTrue's 403 bad_jwt),
  // not a database error.
  if (claims.sub === undefined) throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim')
  if (!isUuid(claims.sub)) throw new AuthError(403, 'bad_jwt', 'invalid claim: sub claim must be a UUID')
  if (claims.session_id !== undefined && !isUuid(claims.session_id)) {
    throw new AuthError(403, 'bad_jwt', 'invalid claim: session_id claim must be a UUID')
  }
  const sessionId = claims.session_id
  if (sessionId) {
    const session = await ctx.pool.query('select 1 from auth.sessions where id = $1 and user_id = $2', [
      sessionId,
      claims.sub,
    ])
    if (session.rowCount === 0) {
      throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist')
    }
  }
  const users = await ctx.pool.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1`, [
    claims.sub,
  ])
  const user = users.rows[0]
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist')
  return { claims, user, sessionId }
}

/**
 * GoTrue's admin user creation (`auth.admin.createUser`), for the service role only: what
 * `npm run agent:create` uses to give an agent its own sign-in, as it would on a hosted project.
 */
async function adminCreateUser(ctx: AuthContext, req: IncomingMessage, body: Record<string, unknown>) {
  const token = bearerToken(req)
  const verified = token ? await verifyJwt(ctx.jwtSecret, token) : undefined
  if (!verified?.ok || verified.claims.role !== 'service_role') {
    throw new AuthError(403, 'not_admin', 'User not allowed')
  }
  const { email, password, email_confirm, app_metadata, user_metadata } = body
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format')
  }
  if (typeof password !== 'string' || password.length < 6) {
    throw new AuthError(422, 'weak_password', 'Password should be at least 6 characters.')
  }
  const isObject = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v))
  if (!isObject(app_metadata) || !isObject(user_metadata)) {
    throw new AuthError(400, 'validation_failed', 'app_metadata and user_metadata must be objects')
  }
  try {
    // Hashed by PostgreSQL (pgcrypto, bcrypt at GoTrue's cost 10), as the fixtures do: the hashing
    // stays off the gateway's thread, which the password checks keep free for a reason (passwords.ts).
    const created = await ctx.pool.query<UserRow>(
      `insert into auth.users (email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
       values ($1, extensions.crypt($2, extensions.gen_salt('bf', 10)), case when $3 then now() end,
               '{"provider":"email","providers":["email"]}'::jsonb || coalesce($4::jsonb, '{}'), coalesce($5::jsonb, '{}'))
       returning ${USER_COLUMNS}`,
      [email.trim(), password, email_confirm === true, JSON.stringify(app_metadata ?? {}), JSON.stringify(user_metadata ?? {})],
    )
    return userJson(created.rows[0]!)
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered')
    }
    throw err
  }
}

/** Sign-out deletes sessions (their refresh tokens go with them): scope global, local or others. */
async function logout(ctx: AuthContext, who: Authenticated, scope: string): Promise<void> {
  if (scope === 'global') {
    await ctx.pool.query('delete from auth.sessions where user_id = $1', [who.user.id])
  } else if (scope === 'local') {
    if (who.sessionId) await ctx.pool.query('delete from auth.sessions where id = $1', [who.sessionId])
  } else if (scope === 'others') {
    await ctx.pool.query('delete from auth.sessions where user_id = $1 and id is distinct from $2', [
      who.user.id,
      who.sessionId ?? null,
    ])
  } else {
    throw new AuthError(400, 'validation_failed', `Unsupported logout scope "${scope}"`)
  }
}

async function route(ctx: AuthContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!urlDecodes(url))
    throw new AuthError(400, 'validation_failed', 'Malformed percent-encoding in the request URL')
  const path = url.pathname.replace(/^\/auth\/v1/, '').replace(/\/+$/, '')
  if (path === '/token' && req.method === 'POST') {
    const body = parseJsonObject(await readBody(req))
    if (!body.ok) throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${body.reason}`)
    const grant = url.searchParams.get('grant_type')
    if (grant === 'password')
      return sendJson(res, 200, await passwordGrant(ctx, body.value, req.socket.remoteAddress ?? 'unknown'))
    if (grant === 'refresh_token') return sendJson(res, 200, await refreshGrant(ctx, body.value))
    throw new AuthError(400, 'validation_failed', 'unsupported_grant_type')
  }
  if (path === '/user' && req.method === 'GET') {
    const who = await authenticate(ctx, req)
    return sendJson(res, 200, userJson(who.user))
  }
  if (path === '/logout' && req.method === 'POST') {
    const who = await authenticate(ctx, req)
    await logout(ctx, who, url.searchParams.get('scope') ?? 'global')
    return sendEmpty(res, 204)
  }
  if (path === '/admin/users' && req.method === 'POST') {
    const body = parseJsonObject(await readBody(req))
    if (!body.ok) throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${body.reason}`)
    return sendJson(res, 200, await adminCreateUser(ctx, req, body.value))
  }
  // Legacy HS256 projects publish no asymmetric keys; auth-js then verifies through GET /user.
  if (path === '/.well-known/jwks.json' && req.method === 'GET') return sendJson(res, 200, { keys: [] })
  throw new AuthError(404, 'not_found', `The local stack does not serve ${req.method} /auth/v1${path}`)
}

export async function handleAuth(
  ctx: AuthContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    await route(ctx, req, res, url)
  } catch (err) {
    if (err instanceof AuthError) return sendAuthError(req, res, err)
    throw err
  }
}
