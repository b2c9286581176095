// The gateway under pressure: many concurrent RPCs (some failing, one killing its own connection)
// leave the pool whole, and oversized bodies are refused with 413 without reaching PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { supabaseClient, uniqueSuffix } from '../../src/stack/fixtures'
import { admin } from '../support/db'
import { eventually, stack } from './support'

const fn = `stack_load_${uniqueSuffix()}`

beforeAll(async () => {
  await admin().query(`
    create function public.${fn}_slow(p_ms int) returns int language sql as $$
      select p_ms from (select pg_sleep(p_ms / 1000.0)) s
    $$;
    create function public.${fn}_fail() returns int language plpgsql as $$
    begin
      perform pg_sleep(0.01);
      raise exception 'refused on purpose';
    end $$;
    create function public.${fn}_length(p_text text) returns int language sql as $$ select length(p_text) $$;
    -- Kills the connection the gateway is using, as a server restart or network cut would.
    create function public.${fn}_drop_connection() returns int language sql security definer as $$
      select pg_terminate_backend(pg_backend_pid())::int
    $$;
  `)
})

afterAll(async () => {
  await admin().query(
    `drop function public.${fn}_slow, public.${fn}_fail, public.${fn}_drop_connection, public.${fn}_length`,
  )
})

/** Gateway connections stuck inside a transaction: a leaked or half-finished request. */
async function gatewayConnections(): Promise<{ total: number; inTransaction: number }> {
  const { rows } = await admin().query<{ total: number; in_tx: number }>(
    `select count(*)::int as total, count(*) filter (where state like 'idle in transaction%')::int as in_tx
       from pg_stat_activity where usename = 'authenticator'`,
  )
  return { total: rows[0]!.total, inTransaction: rows[0]!.in_tx }
}

describe('connection pool', () => {
  it('survives a burst of concurrent calls, half of them failing, and serves the next burst', async () => {
    const supabase = supabaseClient(stack())
    const burst = await Promise.all(
      Array.from({ length: 160 }, (_, i) =>
        i % 2 === 0 ? supabase.rpc(`${fn}_slow`, { p_ms: 20 }) : supabase.rpc(`${fn}_fail`),
      ),
    )
    expect(burst.filter((r, i) => i % 2 === 0 && r.status === 200 && r.data === 20)).toHaveLength(80)
    expect(
      burst.filter((r, i) => i % 2 === 1 && r.status === 400 && r.error?.message === 'refused on purpose'),
    ).toHaveLength(80)

    // A connection leaked per failure would exhaust the pool (30) here and time out.
    const next = await Promise.all(Array.from({ length: 200 }, () => supabase.rpc('whoami')))
    expect(next.every((r) => r.status === 200)).toBe(true)

    await eventually(
      async () => (await gatewayConnections()).inTransaction === 0,
      'no gateway connection left in a transaction',
    )
    expect((await gatewayConnections()).total).toBeLessThanOrEqual(30)
  })

  it('discards a connection that died mid-call and keeps serving', async () => {
    const supabase = supabaseClient(stack(), stack().serviceRoleKey)
    const dropped = await supabase.rpc(`${fn}_drop_connection`)
    // 57P01 (admin shutdown) is a 5xx for PostgREST; the dead connection must not return to the pool.
    expect(dropped.status).toBe(500)
    expect(dropped.error).toMatchObject({ code: '57P01' })
    const after = await Promise.all(Array.from({ length: 40 }, () => supabase.rpc(`${fn}_slow`, { p_ms: 1 })))
    expect(after.every((r) => r.status === 200)).toBe(true)
  })
})

describe('request size', () => {
  const big = () => JSON.stringify({ p_ms: 1, padding: 'x'.repeat(11 * 1024 * 1024) })

  it('refuses a body over 10 MB with 413', async () => {
    const { apiUrl, anonKey } = stack()
    const res = await fetch(`${apiUrl}/rest/v1/rpc/${fn}_slow`, {
      method: 'POST',
      headers: { apikey: anonKey, 'content-type': 'application/json' },
      body: big(),
    })
    expect(res.status).toBe(413)
  })

  it('refuses an oversized streamed body (no Content-Length) with 413 too', async () => {
    const { apiUrl, anonKey } = stack()
    const payload = Buffer.from(big())
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < payload.length; at += 1 << 20)
          controller.enqueue(payload.subarray(at, at + (1 << 20)))
        controller.close()
      },
    })
    const res = await fetch(`${apiUrl}/rest/v1/rpc/${fn}_slow`, {
      method: 'POST',
      headers: { apikey: anonKey, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' })
    expect(res.status).toBe(413)
  })

  it('accepts a large body under the limit', async () => {
    const text = 'y'.repeat(5 * 1024 * 1024)
    const { data, error } = await supabaseClient(stack()).rpc(`${fn}_length`, { p_text: text })
    expect(error).toBeNull()
    expect(data).toBe(text.length)
  })
})
