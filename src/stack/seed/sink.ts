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

export class ChunkSink {
  readonly rows = new Map<string, Row[]>()

  add(table: string, row: Row): void {
    let list = this.rows.get(table)
    if (!list) this.rows.set(table, (list = []))
    list.push(row)
  }

  get size(): number {
    let n = 0
    for (const list of this.rows.values()) n += list.length
    return n
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
