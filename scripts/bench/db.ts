// The bench's own superuser connections to its stack (fixtures, head cursors, probes). Each is
// ended when its part is done, whatever happens: one left open when a part fails would still be
// connected when the bench stops the stack, and the server's goodbye (57P01, "terminating
// connection due to administrator command") would reach it as an unhandled 'error' event, killing
// the bench and hiding the failure that stopped it.
import pg from 'pg'

export async function withDatabase<T>(dbUrl: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: dbUrl })
  // A connection lost mid-part fails the query that was using it (that error is the one reported);
  // the event itself only says the same thing again.
  db.on('error', (err) => console.error(`bench: database connection lost: ${err.message}`))
  await db.connect()
  try {
    return await fn(db)
  } finally {
    await db.end().catch(() => {})
  }
}
