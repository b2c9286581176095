// Borrowing a pool connection safely: node-postgres emits 'error' on a checked-out client whose
// connection dies, which crashes the process unless someone listens, and a dead connection must be
// destroyed rather than returned to the pool.
import type pg from 'pg'

export interface Checkout {
  client: pg.PoolClient
  /** Returns the connection; a failed one (given here or seen meanwhile) is destroyed instead. */
  release(err?: Error): void
}

export async function checkout(pool: pg.Pool): Promise<Checkout> {
  const client = await pool.connect()
  let died: Error | undefined
  const onError = (err: Error) => {
    died ??= err
  }
  client.on('error', onError)
  return {
    client,
    release(err) {
      const failure = err ?? died
      // A dead connection may still emit; keep swallowing those after it leaves us.
      if (!failure) client.off('error', onError)
      client.release(failure)
    },
  }
}
