// Pulling as a reviewer the way the client replica does: call sync_pull through the same role and
// claims the gateway sets, validate the answer against the wire contract, merge rows by primary key
// (newest sync stamp wins) and cursors per (scope, table).
import type pg from 'pg'
import { TABLES, isTableName } from '../../src/shared/db'
import { PullResponse, type Cursors, type Row } from '../../src/shared/sync-protocol'
import { asUser } from '../support/db'

export async function pullOnce(userId: string, cursors: Cursors, limit: number): Promise<PullResponse> {
  return asUser(userId, (c) => pullWith(c, cursors, limit))
}

export async function pullWith(c: pg.PoolClient, cursors: Cursors, limit: number): Promise<PullResponse> {
  const { rows } = await c.query<{ p: unknown }>('select public.sync_pull($1::jsonb, $2) as p', [
    JSON.stringify(cursors),
    limit,
  ])
  return PullResponse.parse(rows[0]?.p)
}

/** A row's primary key as one string (composite keys joined with '|'). */
export function rowKey(table: string, row: Row): string {
  if (!isTableName(table)) throw new Error(`sync_pull sent rows of an unknown table: ${table}`)
  return TABLES[table].primaryKey.map((k) => String(row[k])).join('|')
}

const stamp = (row: Row) => [BigInt(String(row.sync_txid)), BigInt(String(row.sync_version))] as const

/** A minimal replica: rows by table and key, cursors, and what each pull delivered. */
export class Replica {
  tenants: string[] = []
  cursors: Cursors = {}
  readonly tables = new Map<string, Map<string, Row>>()
  /** Every (table, key, sync_version) delivered by the streams, to prove nothing comes twice. */
  readonly deliveries: string[] = []
  pulls = 0
  /** Set when the '*' streams were restarted: pull again even if the answer said has_more false. */
  restarted = false

  constructor(readonly userId: string) {}

  apply(answer: PullResponse): void {
    this.pulls++
    for (const [table, rows] of Object.entries(answer.changes)) {
      const local = this.tables.get(table) ?? new Map<string, Row>()
      this.tables.set(table, local)
      for (const row of rows) {
        const key = rowKey(table, row)
        this.deliveries.push(`${table}|${key}|${String(row.sync_version)}`)
        const held = local.get(key)
        if (!held) {
          local.set(key, row)
          continue
        }
        const [tx, v] = stamp(row)
        const [heldTx, heldV] = stamp(held)
        if (tx > heldTx || (tx === heldTx && v > heldV)) local.set(key, row)
      }
    }
    for (const [scope, streams] of Object.entries(answer.cursors)) {
      this.cursors[scope] = { ...this.cursors[scope], ...streams }
    }
    if (answer.tenants.join() !== this.tenants.join()) {
      // The visible tenants changed: purge the tenants no longer visible, and start the '*' streams
      // over, because tenant-less rows (profiles) are visible through tenants (see sync_pull).
      const visible = new Set(answer.tenants)
      for (const [table, rows] of this.tables) {
        const global = TABLES[table as keyof typeof TABLES].scope === 'global'
        for (const [key, row] of rows) {
          if (global || !visible.has(String(row.tenant_id))) rows.delete(key)
        }
      }
      for (const scope of Object.keys(this.cursors)) if (!visible.has(scope)) delete this.cursors[scope]
      this.tenants = [...answer.tenants]
      this.restarted = true
    }
  }

  keys(table: string): string[] {
    return [...(this.tables.get(table)?.keys() ?? [])].sort()
  }

  rows(table: string): Row[] {
    return [...(this.tables.get(table)?.values() ?? [])]
  }

  /** One pull (in its own transaction), applied. */
  async pull(limit = 500): Promise<PullResponse> {
    const answer = await pullOnce(this.userId, this.cursors, limit)
    this.apply(answer)
    return answer
  }

  /** Pulls until the server says there is nothing more. */
  async pullAll(limit = 500): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      this.restarted = false
      const answer = await this.pull(limit)
      if (!answer.has_more && !this.restarted) return
    }
    throw new Error('sync_pull never finished')
  }

  /**
   * Pulls until `done` holds or the deadline passes. Rows written by transactions that are still
   * open elsewhere (other test files share the server) are held back until they finish, so a test
   * waits for a condition rather than assuming one pull is enough.
   */
  async pullUntil(done: () => boolean, opts: { limit?: number; timeoutMs?: number } = {}): Promise<boolean> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000)
    for (;;) {
      await this.pullAll(opts.limit)
      if (done()) return true
      if (Date.now() > deadline) return false
      await new Promise((r) => setTimeout(r, 25))
    }
  }
}
