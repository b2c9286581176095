// Direct database access for tests: the superuser (fixtures, tampering) and "as a user" sessions
// that reproduce exactly what the gateway sets per request (role + request.jwt.claims), so RLS and
// the RPCs can be tested without HTTP where HTTP is not the point.
import pg from 'pg'
import { inject } from 'vitest'

let pool: pg.Pool | undefined

/** Superuser pool for fixtures and tampering. Closed by vitest when the file's worker exits. */
export function admin(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: inject('stack').dbUrl, max: 10 })
  return pool
}

export type Claims = { sub?: string; role: 'anon' | 'authenticated' | 'service_role'; [k: string]: unknown }

/** Runs fn in one transaction on its own connection (as the superuser): committed with `commit`, else rolled back. */
export async function inTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>, opts: { commit?: boolean } = {}): Promise<T> {
  const c = await admin().connect()
  try {
    await c.query('begin')
    const out = await fn(c)
    await c.query(opts.commit ? 'commit' : 'rollback')
    return out
  } catch (err) {
    await c.query('rollback').catch(() => {})
    throw err
  } finally {
    c.release()
  }
}

/** Runs fn in one transaction as the given JWT claims would through the gateway; rolls back unless commit. */
export function asClaims<T>(claims: Claims, fn: (c: pg.PoolClient) => Promise<T>, opts: { commit?: boolean } = {}): Promise<T> {
  return inTransaction(async (c) => {
    await c.query(`set local role ${claims.role}`)
    await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)])
    return fn(c)
  }, opts)
}

export function asUser<T>(userId: string, fn: (c: pg.PoolClient) => Promise<T>, opts?: { commit?: boolean }) {
  return asClaims({ sub: userId, role: 'authenticated' }, fn, opts)
}

export function asAnon<T>(fn: (c: pg.PoolClient) => Promise<T>) {
  return asClaims({ role: 'anon' }, fn)
}

/** The demo identities from supabase/seed.sql. */
export const DEMO = {
  password: 'demo-password',
  tenants: {
    group: '10000000-0000-4000-8000-000000000001',
    retail: '10000000-0000-4000-8000-000000000002',
    payments: '10000000-0000-4000-8000-000000000003',
    acme: '10000000-0000-4000-8000-000000000004',
  },
  users: {
    finance: { id: '20000000-0000-4000-8000-000000000001', email: 'finance@demo.test' },
    ops: { id: '20000000-0000-4000-8000-000000000002', email: 'ops@demo.test' },
    viewer: { id: '20000000-0000-4000-8000-000000000003', email: 'viewer@demo.test' },
    manager: { id: '20000000-0000-4000-8000-000000000004', email: 'manager@demo.test' },
    outsider: { id: '20000000-0000-4000-8000-000000000005', email: 'outsider@demo.test' },
  },
} as const
