// PostgREST's RPC semantics through supabase-js: the caller's JWT decides role and auth.uid(),
// arguments arrive by name with their types, results come back as JSON, and failures carry
// PostgREST's body and status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInClient, supabaseClient, uniqueSuffix } from '../../src/stack/fixtures'
import { admin, DEMO } from '../support/db'
import { nowSeconds, raw, stack, token } from './support'

type Who = { user_id: string | null; role: string; tenants: { slug: string; name: string }[] }

// Functions only this file uses, with unique names so reruns and other files never collide.
const fn = `stack_rpc_${uniqueSuffix()}`
const echo = `${fn}_echo`
const raise = `${fn}_raise`
const tenants = `${fn}_tenants`
const nothing = `${fn}_nothing`

beforeAll(async () => {
  await admin().query(`
    create function public.${echo}(p_count int, p_ids uuid[], p_doc jsonb, p_note text default 'no note')
    returns jsonb language sql stable as $$
      select jsonb_build_object('count', p_count + 1, 'ids', to_jsonb(p_ids), 'doc', p_doc, 'note', p_note,
                                'uid', auth.uid(), 'role', current_user)
    $$;
    create function public.${raise}(p_state text, p_message text) returns void language plpgsql as $$
    begin
      raise exception using errcode = p_state, message = p_message, detail = 'the detail', hint = 'the hint';
    end $$;
    create function public.${tenants}() returns setof public.tenants language sql stable as $$
      select * from public.tenants order by name
    $$;
    create function public.${nothing}() returns void language sql as $$ select $$;
  `)
})

afterAll(async () => {
  await admin().query(`drop function public.${echo}, public.${raise}, public.${tenants}, public.${nothing}`)
})

async function whoamiAs(email: string): Promise<Who> {
  const supabase = await signedInClient(stack(), email, DEMO.password)
  const { data, error } = await supabase.rpc('whoami')
  expect(error).toBeNull()
  return data as Who
}

describe('whoami through the gateway', () => {
  it('returns auth.uid() and exactly the tenants the seed gives each demo reviewer', async () => {
    const expected: Record<keyof typeof DEMO.users, string[]> = {
      finance: ['Northwind Retail'],
      ops: ['Northwind Payments'],
      viewer: ['Northwind Retail'],
      manager: ['Northwind Group', 'Northwind Payments', 'Northwind Retail'],
      outsider: ['Acme Logistics'],
    }
    for (const [key, names] of Object.entries(expected) as [keyof typeof DEMO.users, string[]][]) {
      const who = await whoamiAs(DEMO.users[key].email)
      expect(who.user_id).toBe(DEMO.users[key].id)
      expect(who.role).toBe('authenticated')
      expect(who.tenants.map((t) => t.name).sort()).toEqual(names)
    }
  })

  it('shows anon (the anon key alone) no tenant', async () => {
    const { data, error } = await supabaseClient(stack()).rpc('whoami')
    expect(error).toBeNull()
    expect(data).toEqual({ user_id: null, role: 'anon', tenants: [] })
  })
})

describe('JWT checks', () => {
  const claims = { sub: DEMO.users.manager.id, role: 'authenticated', aud: 'authenticated' }

  async function rpcWith(jwt: string) {
    return supabaseClient(stack(), stack().anonKey, jwt).rpc('whoami')
  }

  it('refuses an expired token with 401 PGRST303', async () => {
    const { error, status } = await rpcWith(await token({ ...claims, exp: nowSeconds() - 120 }))
    expect(status).toBe(401)
    expect(error).toMatchObject({ code: 'PGRST303', message: 'JWT expired' })
  })

  it('refuses a tampered token (payload changed, signature kept) with 401 PGRST301', async () => {
    const genuine = (
      await supabaseClient(stack()).auth.signInWithPassword({
        email: DEMO.users.outsider.email,
        password: DEMO.password,
      })
    ).data.session!.access_token
    const [header, payload, signature] = genuine.split('.')
    const claimsOf = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
    const forged = Buffer.from(JSON.stringify({ ...claimsOf, sub: DEMO.users.manager.id })).toString(
      'base64url',
    )
    const { error, status } = await rpcWith(`${header}.${forged}.${signature}`)
    expect(status).toBe(401)
    expect(error).toMatchObject({ code: 'PGRST301' })
  })

  it('refuses a token signed with another secret, an unsigned one and garbage with 401 PGRST301', async () => {
    const foreign = await token(
      { ...claims, exp: nowSeconds() + 3600 },
      'a-different-secret-with-at-least-32-characters',
    )
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, exp: nowSeconds() + 3600 })).toString('base64url')}.`
    for (const jwt of [foreign, unsigned, 'not-a-jwt']) {
      const { error, status } = await rpcWith(jwt)
      expect(status).toBe(401)
      expect(error).toMatchObject({ code: 'PGRST301' })
    }
  })

  it('refuses a signed token without exp (it would never expire) with 401 PGRST303', async () => {
    const { error, status } = await rpcWith(await token(claims))
    expect(status).toBe(401)
    expect(error).toMatchObject({ code: 'PGRST303', message: expect.stringContaining('"exp"') as unknown })
  })

  it('answers a signed token whose sub is no UUID with a 4xx, never a 500', async () => {
    for (const sub of ['------------------------------------', 'not-a-uuid']) {
      const { error, status } = await rpcWith(await token({ ...claims, sub, exp: nowSeconds() + 3600 }))
      expect(status, sub).toBe(400)
      expect(error).toMatchObject({ code: '22P02' })
    }
  })

  it('refuses a validly signed token whose role is not an API role', async () => {
    const { error, status } = await rpcWith(
      await token({ ...claims, role: 'postgres', exp: nowSeconds() + 3600 }),
    )
    expect(status).toBe(401)
    expect(error).toMatchObject({ code: 'PGRST301' })
  })

  it('accepts a short-lived token signed with the secret and runs as its subject', async () => {
    const { data, error } = await rpcWith(await token({ ...claims, exp: nowSeconds() + 60 }))
    expect(error).toBeNull()
    expect((data as Who).user_id).toBe(DEMO.users.manager.id)
  })
})

describe('calling functions', () => {
  it('passes the body as named, typed arguments and applies defaults', async () => {
    const supabase = await signedInClient(stack(), DEMO.users.finance.email, DEMO.password)
    const ids = [DEMO.tenants.retail, DEMO.tenants.acme]
    const doc = { nested: { list: [1, 'two', null] }, flag: true }
    const { data, error } = await supabase.rpc(echo, { p_count: 41, p_ids: ids, p_doc: doc })
    expect(error).toBeNull()
    expect(data).toEqual({
      count: 42,
      ids,
      doc,
      note: 'no note',
      uid: DEMO.users.finance.id,
      role: 'authenticated',
    })
    const withNote = await supabase.rpc(echo, { p_count: 1, p_ids: [], p_doc: null, p_note: 'hello' })
    expect(withNote.data).toMatchObject({ count: 2, ids: [], doc: null, note: 'hello' })
  })

  it('returns set-returning functions as a JSON array filtered by RLS', async () => {
    const manager = await signedInClient(stack(), DEMO.users.manager.email, DEMO.password)
    const { data, error } = await manager.rpc(tenants)
    expect(error).toBeNull()
    expect((data as { slug: string }[]).map((t) => t.slug)).toEqual([
      'northwind-group',
      'northwind-payments',
      'northwind-retail',
    ])
    const service = await supabaseClient(stack(), stack().serviceRoleKey).rpc(tenants)
    expect((service.data as { slug: string }[]).map((t) => t.slug)).toEqual(
      expect.arrayContaining(['acme-logistics', 'northwind-group']),
    )
  })

  it('answers a void function with 204 and no data', async () => {
    const { data, error, status } = await supabaseClient(stack()).rpc(nothing)
    expect(error).toBeNull()
    expect(status).toBe(204)
    expect(data).toBeNull()
  })

  it('answers an unknown function, or unknown / missing arguments, with PostgREST 404 PGRST202', async () => {
    const unknown = await raw('/rest/v1/rpc/no_such_function', { body: { p_x: 1 } })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({
      code: 'PGRST202',
      message: 'Could not find the function public.no_such_function(p_x) in the schema cache',
      details:
        'Searched for the function public.no_such_function with parameters p_x or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: null,
    })
    const missing = await supabaseClient(stack()).rpc(echo, { p_count: 1 })
    expect(missing.status).toBe(404)
    expect(missing.error).toMatchObject({
      code: 'PGRST202',
      hint: `Perhaps you meant to call the function public.${echo}(p_count, p_ids, p_doc, p_note)`,
    })
  })

  it('runs a function replaced after it was called with its new body, on every connection', async () => {
    // Pooled connections cache plans: a replaced function must still answer anew on each of them.
    const version = `${fn}_version`
    const define = (n: number) =>
      admin().query(`create or replace function public.${version}(p_x int) returns jsonb language sql as $$
        select jsonb_build_object('version', ${n}, 'x', p_x) $$`)
    await define(1)
    try {
      const client = supabaseClient(stack())
      // More calls at once than one connection takes, and more than the plan cache's five custom plans.
      const answers = async () => Promise.all(Array.from({ length: 12 }, (_, i) => client.rpc(version, { p_x: i })))
      for (const r of await answers()) expect(r.data).toMatchObject({ version: 1 })
      await define(2)
      const after = await answers()
      expect(after.map((r) => r.data)).toEqual(Array.from({ length: 12 }, (_, i) => ({ version: 2, x: i })))
    } finally {
      await admin().query(`drop function public.${version}`)
    }
  })

  it('refuses a body that is not a JSON object with 400 PGRST102', async () => {
    const reply = await raw('/rest/v1/rpc/whoami', { body: '[1, 2' })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ code: 'PGRST102' })
  })
})

describe('errors as PostgREST maps them', () => {
  const cases: [state: string, status: number][] = [
    ['P0001', 400],
    ['23505', 409],
    ['23503', 409],
    ['23514', 400],
    ['22023', 400],
    ['40001', 500],
    ['PT402', 402],
  ]

  it.each(cases)('SQLSTATE %s → HTTP %i with {code, message, details, hint}', async (state, status) => {
    const supabase = await signedInClient(stack(), DEMO.users.ops.email, DEMO.password)
    const reply = await supabase.rpc(raise, { p_state: state, p_message: `failed with ${state}` })
    expect(reply.status).toBe(status)
    expect(reply.error).toEqual({
      code: state,
      message: `failed with ${state}`,
      details: 'the detail',
      hint: 'the hint',
    })
  })

  it('maps insufficient privilege to 401 for anon and 403 for a signed-in reviewer', async () => {
    const anon = await supabaseClient(stack()).rpc(tenants)
    expect(anon.status).toBe(401)
    expect(anon.error).toMatchObject({ code: '42501' })
    const reviewer = await signedInClient(stack(), DEMO.users.viewer.email, DEMO.password)
    const denied = await reviewer.rpc(raise, { p_state: '42501', p_message: 'not yours' })
    expect(denied.status).toBe(403)
  })

  it('rolls the whole call back when it fails', async () => {
    const marker = `rollback-${uniqueSuffix()}`
    const sql = `create function public.${fn}_write_then_fail() returns void language plpgsql security definer set search_path = '' as $$
      begin
        insert into public.tenants (name, slug) values ('${marker}', '${marker}');
        raise exception 'after the write';
      end $$`
    await admin().query(sql)
    try {
      const reply = await supabaseClient(stack(), stack().serviceRoleKey).rpc(`${fn}_write_then_fail`)
      expect(reply.status).toBe(400)
      const left = await admin().query('select 1 from public.tenants where slug = $1', [marker])
      expect(left.rowCount).toBe(0)
    } finally {
      await admin().query(`drop function public.${fn}_write_then_fail`)
    }
  })
})
