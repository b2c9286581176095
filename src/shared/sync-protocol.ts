// The wire contract of the two sync RPCs (see ../../../shared/design/sync.md). The server functions
// `sync_pull` and `sync_push` produce exactly these shapes; the core validates every answer against
// them before touching the replica, so a malformed or truncated response changes nothing.
import { z } from 'zod'

/** Cursor of one (tenant, table) stream: the last (sync_txid, sync_version) the client holds. */
export const StreamCursor = z.strictObject({
  txid: z.string().regex(/^\d{1,20}$/), // xid8 as text
  version: z.number().int().nonnegative(),
})
export type StreamCursor = z.infer<typeof StreamCursor>

/**
 * Cursors keyed by tenant id, then by table name. Tables without a tenant (profiles,
 * role_permissions) live under the key GLOBAL_SCOPE. A missing cursor means "from the beginning".
 * An answer carries only the cursors it moved; the client merges them into what it holds.
 *
 * When an answer's `tenants` differs from the replica's, the client, in the same local transaction:
 * purges the rows and cursors of tenants no longer listed, drops every GLOBAL_SCOPE row and the
 * GLOBAL_SCOPE cursors (a profile becomes visible through a tenant without changing itself), and
 * ignores the answer's GLOBAL_SCOPE rows; then it pulls again at once, whatever `has_more` said.
 */
export const Cursors = z.record(z.string(), z.record(z.string(), StreamCursor))
export type Cursors = z.infer<typeof Cursors>
export const GLOBAL_SCOPE = '*'

/** A replicated row exactly as `to_jsonb(row)` renders it on the server. */
export const Row = z.record(z.string(), z.unknown())
export type Row = z.infer<typeof Row>

export const PullResponse = z.strictObject({
  /** Every tenant the caller may see now; anything else in the replica is purged. */
  tenants: z.array(z.guid()),
  /**
   * Rows by table, each table's rows in (sync_txid, sync_version) order (tenants interleaved).
   * Tables come in priority order: tenants, tenant_members, profiles, role_permissions, agents,
   * tools, tasks, actions, approvals, … history (messages, memory, audit) last. Soft-deleted rows
   * (deleted_at set) are tombstones: the client keeps or hides them, never resurrects older copies.
   */
  changes: z.record(z.string(), z.array(Row)),
  /**
   * Only on a fresh replica's first pulls (empty cursors): pending approvals and the rows they show,
   * most urgent first, so the inbox is usable before history streams in. They do not move cursors;
   * the normal stream sends them again later and the client keeps whichever version is newer.
   */
  priority: z.record(z.string(), z.array(Row)).optional(),
  cursors: Cursors,
  has_more: z.boolean(),
  /**
   * Per visible tenant, the tables a read permission gates that the caller may not read there
   * (audit_log without audit:read, …). The client deletes what it holds of them in that tenant and
   * drops their cursors, in the same local transaction; when the permission comes back the table is
   * no longer listed and its stream starts again from zero.
   */
  withheld: z.record(z.string(), z.array(z.string())).optional(),
  /**
   * Rows still to come after this answer. Sent only with the first pull (empty cursors), counted
   * exactly then; first-sync progress = rows applied / (first answer's rows + this).
   */
  remaining_estimate: z.number().int().nonnegative().nullable().optional(),
})
export type PullResponse = z.infer<typeof PullResponse>

export const MutationStatus = z.enum(['applied', 'rejected', 'conflict'])

export const PushMutation = z.strictObject({
  client_mutation_id: z.guid(),
  kind: z.string(),
  args: z.record(z.string(), z.unknown()),
  client_created_at: z.string(),
})
export type PushMutation = z.infer<typeof PushMutation>

export const MutationResult = z.strictObject({
  client_mutation_id: z.guid(),
  status: MutationStatus,
  /** Stable refusal code (see src/shared/errors.ts), or null when applied. */
  code: z.string().nullable(),
  message: z.string().nullable(),
  /** The affected row after the mutation, when applied. */
  row: Row.nullable(),
})
export type MutationResult = z.infer<typeof MutationResult>

export const PushResponse = z.strictObject({ results: z.array(MutationResult) })
export type PushResponse = z.infer<typeof PushResponse>
