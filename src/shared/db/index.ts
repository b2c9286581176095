// The replicated tables as data (TABLES, generated from the migrations) and as types, for the
// client replica and the core's queries.
import { TABLES, type TableRows } from './tables.gen'

export { TABLES } from './tables.gen'
export type * from './tables.gen'
export type { ColumnSpec, Json, TableSpec } from './schema'

export type TableName = keyof typeof TABLES
export type RowOf<T extends TableName> = TableRows[T]

export const TABLE_NAMES = Object.keys(TABLES) as TableName[]

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(TABLES, name)
}
