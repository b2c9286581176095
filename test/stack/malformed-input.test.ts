// What a careless or hostile client may send the gateway: broken %-escapes, bytes that are not
// UTF-8, JSON that is malformed or absurdly deep, the wrong media type, NUL characters. Each is
// the client's error and gets a 4xx with PostgREST's (or GoTrue's) error body, never a 500; JSON
// escapes PostgreSQL cannot store in text are left to PostgreSQL, as PostgREST leaves them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { supabaseClient, uniqueSuffix } from '../../src/stack/fixtures'
import { MAX_JSON_DEPTH } from '../../src/stack/http'
import { admin, DEMO } from '../support/db'
import { raw, stack } from './support'

const fn = `stack_input_${uniqueSuffix()}`
const asJsonb = `${fn}_jsonb`
const asJson = `${fn}_json`

beforeAll(async () => {
  await admin().query(`
    create function public.${asJsonb}(p_doc jsonb) returns jsonb language sql immutable as $$ select p_doc $$;
    create function public.${asJson}(json) returns json language sql immutable as $$ select $1 $$;
  `)
})

afterAll(async () => {
  await admin().query(`drop function public.${asJsonb}, public.${asJson}`)
})

/** JSON text of an object holding `p_doc` nested so that the whole body is `depth` levels deep. */
function bodyNested(depth: number): string {
  return `{"p_doc":${'['.repeat(depth - 1)}"leaf"${']'.repeat(depth - 1)}}`
}

describe('malformed URLs', () => {
  it.each([
    [`/rest/v1/rpc/whoami%E0%A4%A`, 'a truncated escape in the function name'],
    [`/rest/v1/rpc/who%ZZami`, 'a % with no hex digits'],
    [`/rest/v1/rpc/whoami%00`, 'an escaped NUL'],
    [`/rest/v1/rpc/whoami?select=%E0%A4`, 'a broken escape in the query'],
  ])('answers %s (%s) with 400 PGRST100', async (path) => {
    const reply = await raw(path, { body: {} })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual({
      code: 'PGRST100',
      message: 'Malformed percent-encoding in the request URL',
      details: null,
      hint: 'Every %-escape must be complete and make UTF-8 text without NUL.',
    })
  })

  it('answers a broken escape on an auth route with GoTrue’s 400 validation_failed', async () => {
    const session = (
      await supabaseClient(stack()).auth.signInWithPassword({
        email: DEMO.users.viewer.email,
        password: DEMO.password,
      })
    ).data.session!
    const reply = await raw('/auth/v1/user?fields=%E0%A4', {
      method: 'GET',
      headers: { authorization: `Bearer ${session.access_token}` },
    })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ error_code: 'validation_failed' })
  })
})

describe('request bodies', () => {
  it('refuses bytes that are not UTF-8 instead of silently replacing them (400 PGRST102)', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"p_doc": "caf'), Buffer.from([0xe9]), Buffer.from('"}')])
    const rpc = await raw(`/rest/v1/rpc/${asJsonb}`, { body: latin1 })
    expect(rpc.status).toBe(400)
    expect(rpc.body).toEqual({
      code: 'PGRST102',
      message: 'Empty or invalid json',
      details: 'The request body is not valid UTF-8.',
      hint: null,
    })
    const signIn = await raw('/auth/v1/token?grant_type=password', {
      body: Buffer.concat([
        Buffer.from(`{"email": "${DEMO.users.viewer.email}", "password": "demo-passw`),
        Buffer.from([0xc3]),
        Buffer.from('"}'),
      ]),
    })
    expect(signIn.status).toBe(400)
    expect(signIn.body).toMatchObject({ error_code: 'bad_json' })
  })

  it(`takes JSON nested ${MAX_JSON_DEPTH} deep and refuses deeper with 400 PGRST102, however deep`, async () => {
    const deepest = await raw(`/rest/v1/rpc/${asJsonb}`, { body: bodyNested(MAX_JSON_DEPTH) })
    expect(deepest.status).toBe(200)
    expect(JSON.stringify(deepest.body)).toBe(
      `${'['.repeat(MAX_JSON_DEPTH - 1)}"leaf"${']'.repeat(MAX_JSON_DEPTH - 1)}`,
    )
    for (const depth of [MAX_JSON_DEPTH + 1, 100_000]) {
      const reply = await raw(`/rest/v1/rpc/${asJsonb}`, { body: bodyNested(depth) })
      expect(reply.status, `depth ${depth}`).toBe(400)
      expect(reply.body).toMatchObject({
        code: 'PGRST102',
        details: `JSON nests deeper than ${MAX_JSON_DEPTH} levels.`,
      })
    }
    const signIn = await raw('/auth/v1/token?grant_type=refresh_token', {
      body: `{"refresh_token": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    })
    expect(signIn.status).toBe(400)
    expect(signIn.body).toMatchObject({ error_code: 'bad_json' })
  })

  it('refuses a media type other than JSON in UTF-8 with 415 PGRST107', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=iso-8859-1',
    ]) {
      const reply = await raw('/rest/v1/rpc/whoami', { body: '{}', headers: { 'content-type': type } })
      expect(reply.status, type).toBe(415)
      expect(reply.body).toMatchObject({ code: 'PGRST107', message: `Content-Type not acceptable: ${type}` })
    }
    const utf8 = await raw('/rest/v1/rpc/whoami', {
      body: '{}',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    })
    expect(utf8.status).toBe(200)
  })

  it('answers NUL characters in sign-in and refresh fields with 400 validation_failed', async () => {
    for (const [grant, body] of [
      ['password', { email: `viewer\u0000@demo.test`, password: DEMO.password }],
      ['password', { email: DEMO.users.viewer.email, password: `demo\u0000password` }],
      ['refresh_token', { refresh_token: 'token\u0000' }],
    ] as const) {
      const reply = await raw(`/auth/v1/token?grant_type=${grant}`, { body })
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.body).toMatchObject({ error_code: 'validation_failed' })
    }
  })
})

describe('escapes PostgreSQL cannot hold in text, passed on as PostgREST passes them', () => {
  const supabase = () => supabaseClient(stack(), stack().serviceRoleKey)

  it('hands a function with one unnamed json parameter a \\u0000 escape as sent, so it can judge it', async () => {
    const doc = { note: 'before\u0000after', lines: [{ memo: '\u0000' }] }
    const { data, error } = await supabase().rpc(asJson, doc)
    expect(error).toBeNull()
    expect(data).toEqual(doc)
  })

  it('answers a \\u0000 escape in named arguments with 400 22P05 from PostgreSQL, naming the escape', async () => {
    const { error, status } = await supabase().rpc(asJsonb, { p_doc: { note: 'before\u0000after' } })
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: '22P05', message: 'unsupported Unicode escape sequence' })
    expect(error?.details).toContain('\\u0000')
  })

  it('answers a lone surrogate in named arguments with a 4xx from PostgreSQL, never a 500', async () => {
    const reply = await raw(`/rest/v1/rpc/${asJsonb}`, { body: '{"p_doc": {"note": "\\ud800"}}' })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ code: expect.stringMatching(/^22/) as unknown })
  })
})
