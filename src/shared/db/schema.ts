// Shapes of the replicated-table registry (tables.gen.ts): what the client replica needs to create
// its local tables and apply pulled rows without restating the server's schema.

/** A JSON value as JSON.parse returns it: jsonb columns arrive like this. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface ColumnSpec {
  readonly name: string
  /** PostgreSQL type as format_type prints it: 'uuid', 'numeric(14,2)', 'text[]', 'xid8', … */
  readonly type: string
  readonly nullable: boolean
  /** The server fills it when an insert omits it (default, identity or generated). */
  readonly hasDefault: boolean
  /**
   * Computed by the server (identity or generated column). The replica stores the value it
   * receives, so it declares such columns as plain ones.
   */
  readonly generated: boolean
}

export interface TableSpec {
  /** 'tenant': cursors per visible tenant; 'global': under the scope '*' (GLOBAL_SCOPE). */
  readonly scope: 'tenant' | 'global'
  /** Rows never change after insert (decisions, messages, memory, audit). */
  readonly appendOnly: boolean
  /** Deletions arrive as rows with deleted_at set (tombstones). */
  readonly softDelete: boolean
  readonly primaryKey: readonly string[]
  readonly columns: readonly ColumnSpec[]
}
