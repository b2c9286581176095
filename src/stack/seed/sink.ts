// Where generated rows collect before they are written: per table in foreign-key order for one
// chunk, and audit entries held until their place in each tenant's hash chain is certain.
import { iso } from './model'
import type { Row } from './writer'

/** Parents before children, so every batch satisfies the foreign keys as it lands. */
export const TABLE_ORDER = [
  'orders',
  'payments',
  'disputes',
  'refunds',
  'payouts',
  'payout_lines',
  'journal_postings',
  'tasks',
  'actions',
  'changesets',
  'changeset_patches',
  'approvals',
  'approval_decisions',
  'outbox',
  'escalations',
  'hallucination_flags',
  'messages',
  'memory_entries',
  'cost_transactions',
  'review_snoozes',
  'trust_ledger',
] as const

/** One table's share of a chunk, serialised: a JSON array of rows and the columns they set. */
export interface TableBatch {
  table: string
  json: string
  columns: string[]
  count: number
}

/**
 * A chunk's rows by table. `flush()` serialises what was added so far into JSON fragments, so row
 * objects die young instead of being carried (and copied by the garbage collector) until the
 * chunk is written; only the fragment strings live on.
 */
export class ChunkSink {
  private pending = new Map<string, Row[]>()
  private fragments = new Map<string, string[]>()
  private columns = new Map<string, Set<string>>()
  private counts = new Map<string, number>()

  add(table: string, row: Row): void {
    let list = this.pending.get(table)
    if (!list) this.pending.set(table, (list = []))
    list.push(row)
  }

  flush(): void {
    for (const [table, rows] of this.pending) {
      if (rows.length === 0) continue
      let cols = this.columns.get(table)
      if (!cols) this.columns.set(table, (cols = new Set()))
      for (const row of rows) for (const k in row) cols.add(k)
      const list = this.fragments.get(table) ?? []
      list.push(JSON.stringify(rows).slice(1, -1))
      this.fragments.set(table, list)
      this.counts.set(table, (this.counts.get(table) ?? 0) + rows.length)
    }
    this.pending.clear()
  }

  /** Everything added, per table, in foreign-key order; refuses a table without a place in it. */
  batches(): TableBatch[] {
    this.flush()
    for (const table of this.fragments.keys()) {
      if (!(TABLE_ORDER as readonly string[]).includes(table))
        throw new Error(`seed: no write order for table ${table}`)
    }
    return TABLE_ORDER.filter((t) => this.fragments.has(t)).map((table) => ({
      table,
      json: `[${this.fragments.get(table)!.join(',')}]`,
      columns: [...this.columns.get(table)!],
      count: this.counts.get(table)!,
    }))
  }
}

export interface AuditEvent {
  tenantId: string
  at: number
  actorType: 'user' | 'agent' | 'system'
  actorId: string | null
  action: string
  entityType: string
  entityId: string
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
  metadata?: Record<string, unknown>
}

/**
 * Audit entries waiting for their turn. The chain is ordered by insertion, so entries are released
 * in time order only once no later-generated event can precede them (the watermark).
 * The demo's audit log starts at `since` (as if auditing was switched on then): each entry costs
 * the chain trigger a canonical-JSON hash, so 90 days of full trail would dominate a large run.
 */
export class AuditBuffer {
  private pending: AuditEvent[] = []

  constructor(private readonly since = -Infinity) {}

  push(e: AuditEvent): void {
    if (e.at >= this.since) this.pending.push(e)
  }

  /** Entries strictly before `watermark` (of the given tenants, or all), oldest first, as audit_log rows. */
  release(watermark: number, tenantIds?: ReadonlySet<string>): Row[] {
    const due = (e: AuditEvent) => e.at < watermark && (!tenantIds || tenantIds.has(e.tenantId))
    const ready = this.pending.filter(due)
    this.pending = this.pending.filter((e) => !due(e))
    ready.sort((a, b) => a.at - b.at)
    return ready.map(toRow)
  }

  get size(): number {
    return this.pending.length
  }
}

function toRow(e: AuditEvent): Row {
  return {
    tenant_id: e.tenantId,
    occurred_at: iso(e.at),
    actor_type: e.actorType,
    actor_id: e.actorId,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    before_state: e.before ?? null,
    after_state: e.after ?? null,
    metadata: e.metadata ?? {},
  }
}
