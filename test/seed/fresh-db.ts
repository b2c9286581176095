// A database of its own on the shared test server, with the schema and demo seed applied: the
// generator writes into the demo tenants, which other test files must find untouched.
import pg from 'pg'
import { inject } from 'vitest'
import { applySchema } from '../../src/stack/database'

export interface FreshDatabase {
  url: string
  pool: pg.Pool
  drop(): Promise<void>
}

export async function freshDatabase(label: string): Promise<FreshDatabase> {
  const serverUrl = inject('stack').dbUrl
  const name = `${label}_${process.pid}_${Date.now().toString(36)}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  await applySchema(url.toString(), { seed: true })
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 })
  // drop() ends the pool, then drops the database `with (force)`: a connection still closing then
  // is terminated by the server (57P01). That is the drop working, not a failure of the test; left
  // unheard, the pool re-emitted it as an uncaught error (one npm test run under load).
  pool.on('error', () => {})
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end()
      const c = new pg.Client({ connectionString: serverUrl })
      await c.connect()
      try {
        await c.query(`drop database if exists ${name} with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** Runs fn in one rolled-back transaction as the signed-in reviewer, as the gateway sets it up. */
export async function asReviewer<T>(
  pool: pg.Pool,
  userId: string,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const c = await pool.connect()
  try {
    await c.query('begin')
    await c.query('set local role authenticated')
    await c.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: userId, role: 'authenticated' }),
    ])
    return await fn(c)
  } finally {
    await c.query('rollback').catch(() => {})
    c.release()
  }
}
