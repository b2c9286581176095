// Checks a server answer completely before anything is written locally: the wire shape (zod, from
// src/shared/sync-protocol.ts) and the promises the shape cannot express — every row names its key
// and version, and no row belongs to a tenant the same answer says is invisible.
import { z } from 'zod'
import { GLOBAL_SCOPE, PullResponse, PushResponse, type Row } from '../../shared/sync-protocol'
import type { TableSpec } from '../replica/tables'

// The wire shape of sync-protocol.ts, with each row checked by a plain predicate instead of a
// per-key record parse: a first sync validates hundreds of thousands of rows, and the columns that
// matter (key, version, tenant) are checked one by one below anyway.
const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v)
const Rows = z.record(z.string(), z.array(z.custom<Row>(isRow, 'a row must be an object')))
const FastPullResponse = PullResponse.extend({ changes: Rows, priority: Rows.optional() })

export class BadAnswer extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadAnswer'
  }
}

export function parsePull(data: unknown, specs: Map<string, TableSpec>): PullResponse {
  const parsed = FastPullResponse.safeParse(data)
  if (!parsed.success) throw new BadAnswer(`sync_pull answer has the wrong shape: ${parsed.error.issues[0]?.message ?? ''}`)
  const pull = parsed.data
  const visible = new Set(pull.tenants)
  for (const section of [pull.priority ?? {}, pull.changes]) {
    for (const [table, rows] of Object.entries(section)) {
      const spec = specs.get(table)
      if (!spec) continue
      for (const row of rows) checkRow(spec, row, visible)
    }
  }
  for (const scope of Object.keys(pull.cursors)) {
    if (scope !== GLOBAL_SCOPE && !visible.has(scope)) throw new BadAnswer(`sync_pull answer moves a cursor of invisible tenant ${scope}`)
  }
  return pull
}

function checkRow(spec: TableSpec, row: Record<string, unknown>, visible: Set<string>): void {
  for (const key of spec.primaryKey) {
    if (row[key] === null || row[key] === undefined) throw new BadAnswer(`a ${spec.name} row has no ${key}`)
  }
  if (typeof row.sync_version !== 'number' || !Number.isSafeInteger(row.sync_version)) {
    throw new BadAnswer(`a ${spec.name} row has no sync_version`)
  }
  if (spec.tenantScoped && (typeof row.tenant_id !== 'string' || !visible.has(row.tenant_id))) {
    throw new BadAnswer(`a ${spec.name} row belongs to a tenant that is not visible`)
  }
}

export function parsePush(data: unknown, sentIds: Set<string>): PushResponse {
  const parsed = PushResponse.safeParse(data)
  if (!parsed.success) throw new BadAnswer(`sync_push answer has the wrong shape: ${parsed.error.issues[0]?.message ?? ''}`)
  for (const r of parsed.data.results) {
    if (!sentIds.has(r.client_mutation_id)) throw new BadAnswer('sync_push answered for a mutation it was not sent')
  }
  return parsed.data
}
