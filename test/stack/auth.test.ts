// GoTrue's routes as supabase-js uses them: password sign-in, rotating refresh tokens with reuse
// detection, the current user, sign-out scopes; the gateway's apikey check and CORS.
import type { Session } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { createUser, signedInClient, supabaseClient, uniqueSuffix } from '../../src/stack/fixtures'
import { admin, DEMO } from '../support/db'
import { raw, rawFrom, stack, token, nowSeconds } from './support'

const CLI_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0'
const CLI_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU'

function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

describe('keys', () => {
  it('uses the Supabase CLI keys, so `supabase start` and this stack are interchangeable', () => {
    expect(stack().anonKey).toBe(CLI_ANON_KEY)
    expect(stack().serviceRoleKey).toBe(CLI_SERVICE_ROLE_KEY)
  })
})

describe('password sign-in', () => {
  it('signs a demo reviewer in and returns a session GoTrue-shaped, with a verifiable access token', async () => {
    const supabase = supabaseClient(stack())
    const { data, error } = await supabase.auth.signInWithPassword({
      email: DEMO.users.finance.email,
      password: DEMO.password,
    })
    expect(error).toBeNull()
    const session = data.session!
    expect(session.token_type).toBe('bearer')
    expect(session.expires_in).toBe(3600)
    expect(session.expires_at).toBeGreaterThan(nowSeconds() + 3500)
    expect(session.refresh_token.length).toBeGreaterThan(10)
    expect(data.user).toMatchObject({
      id: DEMO.users.finance.id,
      email: DEMO.users.finance.email,
      aud: 'authenticated',
    })
    expect(data.user!.user_metadata).toMatchObject({ full_name: 'Frances Finance' })
    const claims = decodePayload(session.access_token)
    expect(claims).toMatchObject({
      sub: DEMO.users.finance.id,
      role: 'authenticated',
      aud: 'authenticated',
      email: DEMO.users.finance.email,
      aal: 'aal1',
      exp: session.expires_at,
    })
    expect(typeof claims.session_id).toBe('string')
  })

  it('refuses a wrong password and an unknown email with invalid_credentials (400)', async () => {
    const supabase = supabaseClient(stack())
    for (const attempt of [
      { email: DEMO.users.finance.email, password: 'not-the-password' },
      { email: 'nobody@demo.test', password: DEMO.password },
    ]) {
      const { data, error } = await supabase.auth.signInWithPassword(attempt)
      expect(data.session).toBeNull()
      expect(error).toMatchObject({
        status: 400,
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
      })
    }
  })

  it('takes a changed password at once, even right after a sign-in with the old one', async () => {
    const user = await createUser(stack().dbUrl)
    const signIn = (password: string) =>
      supabaseClient(stack()).auth.signInWithPassword({ email: user.email, password })
    expect((await signIn(user.password)).error).toBeNull()
    await admin().query(
      `update auth.users set encrypted_password = extensions.crypt('a-new-password', extensions.gen_salt('bf', 4)) where id = $1`,
      [user.id],
    )
    expect((await signIn(user.password)).error).toMatchObject({ code: 'invalid_credentials' })
    expect((await signIn('a-new-password')).error).toBeNull()
  })

  it('answers clients without an API version in GoTrue legacy shape {code, error_code, msg}', async () => {
    const reply = await raw('/auth/v1/token?grant_type=password', {
      body: { email: DEMO.users.ops.email, password: 'wrong' },
    })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    })
  })

  it('matches emails case-insensitively, as GoTrue does', async () => {
    const { error } = await supabaseClient(stack()).auth.signInWithPassword({
      email: DEMO.users.ops.email.toUpperCase(),
      password: DEMO.password,
    })
    expect(error).toBeNull()
  })
})

describe('refresh tokens', () => {
  async function signIn(email: string, password: string = DEMO.password): Promise<Session> {
    const { data, error } = await supabaseClient(stack()).auth.signInWithPassword({ email, password })
    expect(error).toBeNull()
    return data.session!
  }
  const refresh = (refreshToken: string) =>
    supabaseClient(stack()).auth.refreshSession({ refresh_token: refreshToken })
  /** Moves a rotated token's revocation back past GoTrue's 10 s reuse interval (instead of waiting). */
  const revokedLongAgo = (refreshToken: string) =>
    admin().query(
      `update auth.refresh_tokens set updated_at = now() - interval '11 seconds' where token = $1`,
      [refreshToken],
    )

  it('rotates: a refresh gives a new refresh token and a new access token in the same session', async () => {
    const first = await signIn(DEMO.users.viewer.email)
    const refreshed = await refresh(first.refresh_token)
    expect(refreshed.error).toBeNull()
    const second = refreshed.data.session!
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(decodePayload(second.access_token)).toMatchObject({
      sub: DEMO.users.viewer.id,
      session_id: decodePayload(first.access_token).session_id,
    })
  })

  it('answers two refreshes at once with one token with a valid session each, and the session lives on', async () => {
    const user = await createUser(stack().dbUrl)
    const first = await signIn(user.email, user.password)
    const racing = await Promise.all([refresh(first.refresh_token), refresh(first.refresh_token)])
    for (const r of racing) expect(r.error).toBeNull()
    const sessions = racing.map((r) => r.data.session!)
    for (const s of sessions) {
      expect(s.refresh_token).not.toBe(first.refresh_token)
      const me = await supabaseClient(stack()).auth.getUser(s.access_token)
      expect(me.data.user?.id).toBe(user.id)
    }
    // Neither was taken for theft: the session still refreshes with what either request got.
    for (const s of sessions) expect((await refresh(s.refresh_token)).error).toBeNull()
  })

  it('gives a replayed token its unused child back, as GoTrue does when a client lost the answer', async () => {
    const first = await signIn(DEMO.users.finance.email)
    const second = (await refresh(first.refresh_token)).data.session!
    await revokedLongAgo(first.refresh_token)
    const replay = await refresh(first.refresh_token)
    expect(replay.error).toBeNull()
    expect(replay.data.session!.refresh_token).toBe(second.refresh_token)
  })

  it('lets a token whose child was used already in again within the reuse interval (racing requests)', async () => {
    const first = await signIn(DEMO.users.ops.email)
    const second = (await refresh(first.refresh_token)).data.session!
    await refresh(second.refresh_token)
    const late = await refresh(first.refresh_token)
    expect(late.error).toBeNull()
    expect(decodePayload(late.data.session!.access_token).session_id).toBe(
      decodePayload(first.access_token).session_id,
    )
  })

  it('takes reuse past the interval for theft and ends the whole session', async () => {
    const first = await signIn(DEMO.users.ops.email)
    const second = (await refresh(first.refresh_token)).data.session!
    const third = (await refresh(second.refresh_token)).data.session!
    await revokedLongAgo(first.refresh_token)
    const theft = await refresh(first.refresh_token)
    expect(theft.data.session).toBeNull()
    expect(theft.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' })
    // Every token of the session is dead, even those still inside their own reuse interval.
    for (const token of [third.refresh_token, second.refresh_token]) {
      expect((await refresh(token)).error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
    }
    const me = await raw('/auth/v1/user', {
      method: 'GET',
      headers: { authorization: `Bearer ${third.access_token}` },
    })
    expect(me.body).toMatchObject({ error_code: 'session_not_found' })
  })

  it('gives a token revoked without being rotated (by an administrator) no reuse interval', async () => {
    const session = await signIn(DEMO.users.manager.email)
    await admin().query('update auth.refresh_tokens set revoked = true where token = $1', [
      session.refresh_token,
    ])
    const { data, error } = await refresh(session.refresh_token)
    expect(data.session).toBeNull()
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_already_used' })
  })

  it('refuses an unknown refresh token with refresh_token_not_found', async () => {
    const { error } = await refresh('never-issued-token')
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
  })
})

describe('current user and sign-out', () => {
  it('returns the signed-in user from GET /auth/v1/user', async () => {
    const supabase = supabaseClient(stack())
    await supabase.auth.signInWithPassword({ email: DEMO.users.manager.email, password: DEMO.password })
    const { data, error } = await supabase.auth.getUser()
    expect(error).toBeNull()
    expect(data.user).toMatchObject({
      id: DEMO.users.manager.id,
      email: DEMO.users.manager.email,
      role: 'authenticated',
    })
  })

  it('refuses GET /auth/v1/user with an expired or foreign token (403 bad_jwt)', async () => {
    const claims = { sub: DEMO.users.manager.id, role: 'authenticated', aud: 'authenticated' }
    for (const jwt of [
      await token({ ...claims, exp: nowSeconds() - 3600 }),
      await token(
        { ...claims, exp: nowSeconds() + 3600 },
        'some-other-secret-that-is-at-least-32-characters',
      ),
    ]) {
      const { data, error } = await supabaseClient(stack()).auth.getUser(jwt)
      expect(data.user).toBeNull()
      expect(error).toMatchObject({ status: 403, code: 'bad_jwt' })
    }
  })

  it('refuses a signed token without exp, or whose sub or session_id is no UUID, with 403 bad_jwt', async () => {
    const exp = nowSeconds() + 3600
    const valid = { sub: DEMO.users.manager.id, role: 'authenticated', aud: 'authenticated' }
    for (const claims of [
      valid, // no exp: it would never expire
      { ...valid, exp, sub: '------------------------------------' },
      { ...valid, exp, sub: 42 as unknown as string },
      { ...valid, exp, session_id: 'not-a-session' },
    ]) {
      const reply = await raw('/auth/v1/user', {
        method: 'GET',
        headers: { authorization: `Bearer ${await token(claims)}` },
      })
      expect(reply.status, JSON.stringify(claims)).toBe(403)
      expect(reply.body).toMatchObject({ error_code: 'bad_jwt' })
    }
  })

  it('signing out revokes the refresh token and ends the session', async () => {
    const supabase = supabaseClient(stack())
    const session = (
      await supabase.auth.signInWithPassword({ email: DEMO.users.outsider.email, password: DEMO.password })
    ).data.session!
    const { error } = await supabase.auth.signOut()
    expect(error).toBeNull()
    const refresh = await supabaseClient(stack()).auth.refreshSession({
      refresh_token: session.refresh_token,
    })
    expect(refresh.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
    const user = await raw('/auth/v1/user', {
      method: 'GET',
      headers: { authorization: `Bearer ${session.access_token}` },
    })
    expect(user.status).toBe(403)
    expect(user.body).toMatchObject({ error_code: 'session_not_found' })
  })

  it('scope local ends only this device; scope others keeps only this one', async () => {
    const user = await createUser(stack().dbUrl)
    const devices = [supabaseClient(stack()), supabaseClient(stack()), supabaseClient(stack())]
    const sessions: Session[] = []
    for (const d of devices)
      sessions.push(
        (await d.auth.signInWithPassword({ email: user.email, password: user.password })).data.session!,
      )
    const stillRefreshes = async (i: number) => {
      const r = await supabaseClient(stack()).auth.refreshSession({
        refresh_token: sessions[i]!.refresh_token,
      })
      if (r.data.session) sessions[i] = r.data.session
      return r.error === null
    }
    await devices[0]!.auth.signOut({ scope: 'local' })
    expect(await stillRefreshes(0)).toBe(false)
    expect(await stillRefreshes(1)).toBe(true)
    expect(await stillRefreshes(2)).toBe(true)

    await devices[1]!.auth.setSession({
      access_token: sessions[1]!.access_token,
      refresh_token: sessions[1]!.refresh_token,
    })
    await devices[1]!.auth.signOut({ scope: 'others' })
    expect(await stillRefreshes(2)).toBe(false)
    expect(await stillRefreshes(1)).toBe(true)
  })
})

describe('sign-in rate limits', () => {
  const signInFrom = (ip: string, email: string, password: string) =>
    rawFrom(ip, '/auth/v1/token?grant_type=password', { body: { email, password } })

  it('turns an account away with 429 and Retry-After after 10 failures, unknown e-mails alike', async () => {
    const user = await createUser(stack().dbUrl)
    const unknown = `nobody-${uniqueSuffix()}@demo.test`
    for (const [ip, email] of [
      ['127.0.0.11', user.email],
      ['127.0.0.12', unknown],
    ] as const) {
      const guesses = await Promise.all(
        Array.from({ length: 15 }, (_, i) => signInFrom(ip, email, `guess-${i}`)),
      )
      expect(guesses.filter((g) => g.status === 400)).toHaveLength(10)
      const refused = guesses.filter((g) => g.status === 429)
      expect(refused).toHaveLength(5)
      for (const r of refused) {
        expect(r.body).toEqual({
          code: 429,
          error_code: 'over_request_rate_limit',
          msg: 'Request rate limit reached',
        })
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      }
    }
    // The limit holds for the account from any address, the right password included.
    const right = await signInFrom('127.0.0.13', user.email, user.password)
    expect(right.status).toBe(429)
  })

  it('answers a burst of 150 bad sign-ins from one address with 429s while everyone else is served', async () => {
    const attacker = '127.0.0.21'
    const reviewer = await signedInClient(stack(), DEMO.users.viewer.email, DEMO.password)
    const burst = Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        signInFrom(attacker, `guess-${i}-${uniqueSuffix()}@demo.test`, 'x'),
      ),
    )
    const [replies, user, rpc] = await Promise.all([burst, reviewer.auth.getUser(), reviewer.rpc('whoami')])
    expect(user.error).toBeNull()
    expect(rpc.error).toBeNull()
    expect(replies.filter((r) => r.status === 400)).toHaveLength(30)
    expect(replies.filter((r) => r.status === 429)).toHaveLength(120)
    // The address stays limited (the right password too); other addresses sign in as usual.
    expect((await signInFrom(attacker, DEMO.users.viewer.email, DEMO.password)).status).toBe(429)
    expect((await signInFrom('127.0.0.22', DEMO.users.viewer.email, DEMO.password)).status).toBe(200)
  })

  it('counts only failures: many correct sign-ins from one address are all served', async () => {
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => signInFrom('127.0.0.31', DEMO.users.manager.email, DEMO.password)),
    )
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(200))
  })
})

describe('API gateway', () => {
  it('requires a known apikey on every route, as Supabase does', async () => {
    const missing = await raw('/auth/v1/token?grant_type=password', {
      headers: { apikey: '' },
      body: { email: DEMO.users.finance.email, password: DEMO.password },
    })
    expect(missing.status).toBe(401)
    expect(missing.body).toMatchObject({ message: 'No API key found in request' })
    const forged = await token(
      { iss: 'supabase-demo', role: 'anon', exp: 1983812996 },
      'forged-secret-forged-secret-forged-secret',
    )
    const wrong = await raw('/rest/v1/rpc/whoami', { headers: { apikey: forged } })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toMatchObject({ message: 'Invalid API key' })
  })

  it('answers CORS preflights without a key and marks replies readable cross-origin', async () => {
    const { apiUrl } = stack()
    const preflight = await fetch(`${apiUrl}/rest/v1/rpc/whoami`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey, authorization, content-type',
      },
    })
    expect(preflight.status).toBe(200)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('apikey')
    const reply = await raw('/rest/v1/rpc/whoami', { body: {} })
    expect(reply.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('answers routes it does not serve with 404', async () => {
    expect((await raw('/storage/v1/bucket', { method: 'GET' })).status).toBe(404)
    const table = await raw('/rest/v1/tenants', { method: 'GET' })
    expect(table.status).toBe(404)
    expect(table.body).toMatchObject({ code: 'PGRST125' })
  })
})
