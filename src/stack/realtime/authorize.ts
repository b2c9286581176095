// Private channel authorisation, done the way Supabase Realtime does it: in a transaction, insert a
// broadcast message for the topic (as the admin), take the joining user's role and claims and set
// `realtime.topic`, then try to read that message back. Only the project's SELECT policies on
// realtime.messages decide; the transaction is always rolled back, so nothing is ever sent.
import type pg from 'pg'
import { checkout } from '../pg-checkout'
import { isDatabaseError } from '../postgrest-errors'

export interface JoinIdentity {
  role: string
  claims: Record<string, unknown>
  headers: Record<string, unknown>
}

export async function mayRead(adminPool: pg.Pool, topic: string, who: JoinIdentity): Promise<boolean> {
  const { client, release } = await checkout(adminPool)
  let broken: Error | undefined
  try {
    await client.query('begin')
    const probe = await client.query<{ id: string }>(
      `insert into realtime.messages (topic, extension) values ($1, 'broadcast') returning id`,
      [topic],
    )
    await client.query(
      `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
              set_config('request.jwt.claims', $3, true), set_config('request.headers', $4, true)`,
      [who.role, topic, JSON.stringify(who.claims), JSON.stringify(who.headers)],
    )
    const seen = await client.query(
      `select 1 from realtime.messages where topic = $1 and extension = 'broadcast' and id = $2`,
      [topic, probe.rows[0]!.id],
    )
    return seen.rowCount === 1
  } catch (err) {
    // A policy that fails (SQL error) leaves a healthy connection once rolled back; a lost one does not.
    if (!isDatabaseError(err)) broken = err as Error
    throw err
  } finally {
    await client.query('rollback').catch((e: Error) => (broken = e))
    release(broken)
  }
}
