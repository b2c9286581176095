// The replicated tables as the replica sees them, read from the server's generated registry
// (src/shared/db), so the replica never restates a server column by hand.
import { TABLES } from '../../shared/db'
import type { TableSpec } from './tables'

export function replicatedTables(): TableSpec[] {
  return Object.entries(TABLES).map(([name, t]) => ({
    name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    primaryKey: [...t.primaryKey],
    tenantScoped: t.scope === 'tenant',
  }))
}
