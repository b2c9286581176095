// The generator's write pipeline: two write lanes (connections) that each own some tenants and
// take one chunk at a time, one transaction per chunk, while the next chunk is being generated;
// and an audit lane that appends each tenant's chain entries in order on its own connection.
import type pg from 'pg'
import type { ChunkSink } from './sink'
import type { Row, TableWriter } from './writer'

export async function inTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query('begin')
  try {
    const out = await fn()
    await client.query('commit')
    return out
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  }
}

/** Writes a chunk's rows, parents before children, in one statement. */
export function writeSink(writer: TableWriter, sink: ChunkSink): Promise<void> {
  return writer.insertAll(sink.batches())
}

/**
 * One connection and the tenants it owns. Splitting by tenant keeps every foreign key inside one
 * lane (a chunk never refers to another lane's uncommitted rows) and lets two lanes use both cores.
 */
export class WriteLane {
  readonly tenantIds = new Set<string>()
  private writing: Promise<void> = Promise.resolve()

  constructor(
    readonly client: pg.ClientBase,
    readonly writer: TableWriter,
  ) {}

  /** Waits for the previous chunk, then starts writing this one without waiting for it. */
  async submit(sink: ChunkSink): Promise<void> {
    await this.writing
    this.writing = inTransaction(this.client, () => writeSink(this.writer, sink))
    // Awaited by the next submit or drain; marked handled now so a failure is not reported twice.
    this.writing.catch(() => {})
  }

  drain(): Promise<void> {
    return this.writing
  }
}

/** Audit entries per statement: small autocommitted batches keep each chain head's row short-lived. */
const AUDIT_BATCH = 1000

export class AuditLane {
  private writing: Promise<void> = Promise.resolve()

  constructor(private readonly writer: TableWriter) {}

  /** Appends rows after everything queued before them (chains are ordered by insertion). */
  queue(rows: Row[]): void {
    for (let i = 0; i < rows.length; i += AUDIT_BATCH) {
      const batch = rows.slice(i, i + AUDIT_BATCH)
      this.writing = this.writing.then(() => this.writer.insert('audit_log', batch))
    }
    this.writing.catch(() => {})
  }

  drain(): Promise<void> {
    return this.writing
  }
}
