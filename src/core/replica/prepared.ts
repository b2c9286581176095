// Named prepared statements on the replica. PGlite's query() sends every call's text to be parsed,
// analysed and planned anew; a reviewer's reads repeat a handful of shapes (the inbox's page per
// filter, its search per number of words), so each shape is parsed once per session and then only
// bound and executed. After five
// executions PostgreSQL also weighs a generic plan and keeps it when it is no worse than the
// custom ones, so most calls skip planning too.
import { parse, protocol, type PGlite, type PGliteInterface, type Results } from '@electric-sql/pglite'

const { serialize } = protocol

/** What a read needs of the replica: db.query itself, or the same through prepared statements. */
export type ReplicaReads = Pick<PGliteInterface, 'query'>

interface Statement {
  name: string
  /** The parameters' type oids, as PostgreSQL inferred them: how each value is serialised. */
  paramTypes: number[]
}

/** Names are unique in the process: two sets of statements may share one database session. */
let made = 0

export class PreparedStatements implements ReplicaReads {
  private readonly byText = new Map<string, Statement>()

  constructor(
    private readonly db: PGlite,
    /** Shapes kept at once; the least recently used is closed beyond it. */
    private readonly capacity = 64,
  ) {}

  async query<T>(text: string, params: unknown[] = []): Promise<Results<T>> {
    const db = this.db
    // The same locks as db.query (PGlite's own, underscored but typed on the class): never between
    // the statements of another caller's transaction.
    return db._runExclusiveTransaction(() =>
      db._runExclusiveQuery(async () => {
        const statement = this.byText.get(text) ?? (await this.prepare(text))
        // Most recently used last: the map's order is the eviction order.
        this.byText.delete(text)
        this.byText.set(text, statement)
        const values = params.map((v, i) => (v == null ? null : serializeValue(db, statement.paramTypes[i]!, v)))
        const message = Buffer.concat([
          serialize.bind({ statement: statement.name, values }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ])
        const { messages } = await db.execProtocol(message, { syncToFs: false })
        return parse.parseResults(messages, db.parsers)[0] as Results<T>
      }),
    )
  }

  private async prepare(text: string): Promise<Statement> {
    const db = this.db
    const name = `oc_${++made}`
    const { messages } = await db.execProtocol(
      Buffer.concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    )
    const description = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs: number[] } | undefined
    const statement = { name, paramTypes: description?.dataTypeIDs ?? [] }
    if (this.byText.size >= this.capacity) {
      const [oldest, old] = this.byText.entries().next().value as [string, Statement]
      this.byText.delete(oldest)
      await db.execProtocol(Buffer.concat([serialize.close({ type: 'S', name: old.name }), serialize.sync()]), { syncToFs: false })
    }
    this.byText.set(text, statement)
    return statement
  }
}

function serializeValue(db: PGlite, type: number, value: unknown): string {
  const serializer = db.serializers[type]
  return serializer ? serializer(value) : String(value)
}
