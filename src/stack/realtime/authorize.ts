// Private channel authorisation, done the way Supabase Realtime does it: in a transaction, insert a
// broadcast message for the topic (as the admin), take the joining user's role and claims and set
// `realtime.topic`, then try to read that message back. Only the project's SELECT policies on
// realtime.messages decide; the transaction is always rolled back, so nothing is ever sent.
import { randomUUID } from 'node:crypto'
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
  const literal = (value: string) => client.escapeLiteral(value)
  const probe = randomUUID()
  let broken: Error | undefined
  try {
    // One round trip (simple-query protocol, every value an escaped literal): a thousand consoles
    // joining at once cost the database a thousand short transactions, not five thousand.
    const results = (await client.query(`begin;
      insert into realtime.messages (id, topic, extension) values ('${probe}', ${literal(topic)}, 'broadcast');
      select set_config('role', ${literal(who.role)}, true), set_config('realtime.topic', ${literal(topic)}, true),
             set_config('request.jwt.claims', ${literal(JSON.stringify(who.claims))}, true),
             set_config('request.headers', ${literal(JSON.stringify(who.headers))}, true);
      select count(*)::int as seen from realtime.messages
       where topic = ${literal(topic)} and extension = 'broadcast'
         and id = '${probe}';
      rollback`)) as unknown as pg.QueryResult[]
    return (results[3]?.rows[0] as { seen: number } | undefined)?.seen === 1
  } catch (err) {
    // A policy that fails (SQL error) leaves a healthy connection once rolled back; a lost one does not.
    if (!isDatabaseError(err)) broken = err as Error
    await client.query('rollback').catch((e: Error) => (broken = e))
    throw err
  } finally {
    release(broken)
  }
}
