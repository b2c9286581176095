// GoTrue's routes as supabase-js uses them: password sign-in, rotating refresh tokens with reuse
// detection, the current user, sign-out scopes; the gateway's apikey check and CORS.
import type { Session } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { createUser, supabaseClient } from '../../src/stack/fixtures'
import { admin, DEMO } from '../support/db'
import { raw, stack, token, nowSeconds } from './support'

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
  it('rotates: a refresh gives new tokens, and the used refresh token is then refused', async () => {
    const supabase = supabaseClient(stack())
    const signIn = await supabase.auth.signInWithPassword({
      email: DEMO.users.viewer.email,
      password: DEMO.password,
    })
    const first = signIn.data.session!
    const refreshed = await supabase.auth.refreshSession({ refresh_token: first.refresh_token })
    expect(refreshed.error).toBeNull()
    const second = refreshed.data.session!
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(decodePayload(second.access_token)).toMatchObject({
      sub: DEMO.users.viewer.id,
      session_id: decodePayload(first.access_token).session_id,
    })

    const replay = await supabaseClient(stack()).auth.refreshSession({ refresh_token: first.refresh_token })
    expect(replay.data.session).toBeNull()
    expect(replay.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' })
  })

  it('treats a replayed refresh token as theft and revokes the whole session (reuse detection)', async () => {
    const supabase = supabaseClient(stack())
    const first = (
      await supabase.auth.signInWithPassword({ email: DEMO.users.ops.email, password: DEMO.password })
    ).data.session!
    const second = (await supabase.auth.refreshSession({ refresh_token: first.refresh_token })).data.session!
    await supabaseClient(stack()).auth.refreshSession({ refresh_token: first.refresh_token })
    const afterTheft = await supabaseClient(stack()).auth.refreshSession({
      refresh_token: second.refresh_token,
    })
    expect(afterTheft.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' })
  })

  it('refuses an unknown refresh token with refresh_token_not_found', async () => {
    const { error } = await supabaseClient(stack()).auth.refreshSession({
      refresh_token: 'never-issued-token',
    })
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
