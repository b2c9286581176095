// What the replica needs to know about each replicated table: its columns with PostgreSQL types,
// its primary key, and whether it belongs to a tenant. Built from the server's generated registry
// (src/shared/db) so no table's columns are declared by hand here.

export interface ColumnSpec {
  name: string
  /** PostgreSQL type as the server declares it: uuid, text, numeric(14,2), jsonb, uuid[], xid8 … */
  type: string
}

export interface TableSpec {
  name: string
  columns: ColumnSpec[]
  primaryKey: string[]
  /** Has tenant_id: rows are purged when the tenant is no longer visible. */
  tenantScoped: boolean
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/
// Types the replica can hold as the server does; anything else is stored as text.
const TYPE = /^(uuid|text|jsonb|json|boolean|bool|date|timestamptz|timestamp with time zone|timestamp|timestamp without time zone|time|bigint|int8|integer|int4|int|smallint|int2|real|double precision|float8|numeric(\(\d+,\s*\d+\))?|char(\(\d+\))?|character(\(\d+\))?|varchar(\(\d+\))?|character varying(\(\d+\))?|xid8|inet|citext|interval|bytea)(\[\])?$/

export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new Error(`unsafe identifier ${JSON.stringify(name)}`)
  return `"${name}"`
}

export function localType(serverType: string): string {
  const t = serverType.trim().toLowerCase()
  if (t === 'citext') return 'text'
  if (t === 'citext[]') return 'text[]'
  return TYPE.test(t) ? t : 'text'
}

export function checkSpec(spec: TableSpec): void {
  quoteIdent(spec.name)
  for (const c of spec.columns) quoteIdent(c.name)
  const names = new Set(spec.columns.map((c) => c.name))
  if (spec.primaryKey.length === 0 || !spec.primaryKey.every((k) => names.has(k))) {
    throw new Error(`table ${spec.name}: primary key not among its columns`)
  }
  if (!names.has('sync_version')) throw new Error(`table ${spec.name}: no sync_version column`)
  if (spec.tenantScoped && !names.has('tenant_id')) throw new Error(`table ${spec.name}: tenant-scoped without tenant_id`)
}
