// The replica's own indexes, chosen for the views it serves rather than for the server's workload:
// the inbox's urgency order, its filters, text search (trigram GIN: substring search without a
// scan), and the joins of the detail view. An index is only created when its columns exist.

export interface LocalIndex {
  name: string
  columns: string[]
  sql: string
}

/** The text an approval is searched by; the inbox query must use exactly this expression. */
export const APPROVAL_SEARCH_EXPR = `lower(coalesce(title, '') || ' ' || coalesce(counterparty, '') || ' ' || coalesce(kind, ''))`

const PENDING = `where status = 'pending' and deleted_at is null`

/** The most the search index's pending list holds before a write merges it (see below). */
export const SEARCH_PENDING_LIST_KB = 256

export const LOCAL_INDEXES: Record<string, LocalIndex[]> = {
  // The inbox's two urgency buckets and its tenant filter, each covering what the filters and the
  // order read, so the first page and the counts come from the index alone (after VACUUM has set
  // the visibility map) instead of random heap pages.
  approvals: [
    {
      name: 'approvals_inbox_urgency_idx',
      columns: ['status', 'deleted_at', 'risk_level', 'created_at', 'expires_at', 'kind', 'tenant_id', 'requested_by_agent_id', 'amount'],
      sql: `create index approvals_inbox_urgency_idx on approvals (risk_level desc, created_at, id)
              include (expires_at, kind, tenant_id, requested_by_agent_id, amount) ${PENDING}`,
    },
    {
      name: 'approvals_inbox_expiry_idx',
      columns: ['status', 'deleted_at', 'risk_level', 'created_at', 'expires_at', 'kind', 'tenant_id', 'requested_by_agent_id', 'amount'],
      sql: `create index approvals_inbox_expiry_idx on approvals (expires_at, risk_level desc)
              include (id, created_at, kind, tenant_id, requested_by_agent_id, amount) ${PENDING}`,
    },
    {
      name: 'approvals_inbox_tenant_idx',
      columns: ['status', 'deleted_at', 'risk_level', 'created_at', 'expires_at', 'kind', 'tenant_id', 'requested_by_agent_id', 'amount'],
      sql: `create index approvals_inbox_tenant_idx on approvals (tenant_id, risk_level desc, created_at, id)
              include (expires_at, kind, requested_by_agent_id, amount) ${PENDING}`,
    },
    {
      name: 'approvals_inbox_agent_idx',
      columns: ['status', 'deleted_at', 'risk_level', 'created_at', 'expires_at', 'kind', 'tenant_id', 'requested_by_agent_id', 'amount'],
      sql: `create index approvals_inbox_agent_idx on approvals (requested_by_agent_id, risk_level desc, created_at, id)
              include (expires_at, kind, tenant_id, amount) ${PENDING}`,
    },
    {
      // The pending requests that wait for more than one approval: the few the reviewer may have
      // approved already as they stand (queries/hidden.ts), read from here alone instead of joining
      // every decision they ever made (28.5k for the bench's manager: 29 → 3 ms a read).
      name: 'approvals_four_eyes_pending_idx',
      columns: ['id', 'payload_hash', 'status', 'deleted_at', 'required_approvals'],
      sql: `create index approvals_four_eyes_pending_idx on approvals (id) include (payload_hash) ${PENDING} and required_approvals > 1`,
    },
    {
      name: 'approvals_agent_idx',
      columns: ['requested_by_agent_id'],
      sql: `create index approvals_agent_idx on approvals (requested_by_agent_id)`,
    },
    {
      name: 'approvals_search_idx',
      // Only what the inbox can show: a small index, quick to keep up while history streams in.
      // New entries wait in GIN's pending list and are merged into the index when it outgrows its
      // limit, inside whichever write crossed it (PGlite runs no autovacuum to do it sooner). At
      // PostgreSQL's 4 MB that write took 70–100 ms once in the bench's first sync, with the
      // reviewer's call behind it, and every search read the whole list meanwhile; at 256 kB a merge
      // takes a few ms and the sync's time for approvals is the same (10.9–11.0 s against 11.0–11.2).
      columns: ['title', 'counterparty', 'kind', 'status', 'deleted_at'],
      sql: `create index approvals_search_idx on approvals using gin ((${APPROVAL_SEARCH_EXPR}) gin_trgm_ops)
        with (gin_pending_list_limit = ${SEARCH_PENDING_LIST_KB}) ${PENDING}`,
    },
  ],
  approval_decisions: [
    {
      name: 'approval_decisions_approval_idx',
      columns: ['approval_id', 'actor_id'],
      sql: `create index approval_decisions_approval_idx on approval_decisions (approval_id, actor_id)`,
    },
    {
      name: 'approval_decisions_actor_idx',
      columns: ['actor_id', 'created_at'],
      sql: `create index approval_decisions_actor_idx on approval_decisions (actor_id, created_at)`,
    },
  ],
  review_snoozes: [
    {
      name: 'review_snoozes_approval_idx',
      columns: ['approval_id', 'user_id'],
      sql: `create index review_snoozes_approval_idx on review_snoozes (approval_id, user_id)`,
    },
  ],
  audit_log: [
    {
      name: 'audit_log_entity_idx',
      columns: ['entity_id', 'occurred_at'],
      sql: `create index audit_log_entity_idx on audit_log (entity_id, occurred_at)`,
    },
    {
      name: 'audit_log_tenant_idx',
      columns: ['tenant_id', 'id'],
      sql: `create index audit_log_tenant_idx on audit_log (tenant_id, id)`,
    },
  ],
  messages: [
    {
      name: 'messages_approval_idx',
      columns: ['approval_id', 'created_at'],
      sql: `create index messages_approval_idx on messages (approval_id, created_at)`,
    },
  ],
  // What the badge counts and the views' default lists read: the open items only.
  escalations: [
    {
      name: 'escalations_open_idx',
      columns: ['status', 'deleted_at', 'tenant_id', 'to_user_id', 'created_at'],
      sql: `create index escalations_open_idx on escalations (tenant_id, to_user_id, created_at)
              where status <> 'resolved' and deleted_at is null`,
    },
  ],
  hallucination_flags: [
    {
      name: 'hallucination_flags_pending_idx',
      columns: ['status', 'deleted_at', 'tenant_id', 'created_at'],
      sql: `create index hallucination_flags_pending_idx on hallucination_flags (tenant_id, created_at)
              where status = 'pending' and deleted_at is null`,
    },
  ],
  changesets: [
    {
      name: 'changesets_review_idx',
      columns: ['status', 'deleted_at', 'tenant_id', 'created_at'],
      sql: `create index changesets_review_idx on changesets (tenant_id, created_at)
              where status = 'pending_review' and deleted_at is null`,
    },
  ],
  changeset_patches: [
    {
      name: 'changeset_patches_changeset_idx',
      columns: ['changeset_id'],
      sql: `create index changeset_patches_changeset_idx on changeset_patches (changeset_id)`,
    },
  ],
  trust_ledger: [
    { name: 'trust_ledger_agent_idx', columns: ['agent_id', 'day'], sql: `create index trust_ledger_agent_idx on trust_ledger (agent_id, day)` },
  ],
  // The Agents view's spend per agent and day (one cost row per task: as many as approvals).
  cost_transactions: [
    {
      name: 'cost_transactions_agent_idx',
      columns: ['agent_id', 'created_at'],
      sql: `create index cost_transactions_agent_idx on cost_transactions (agent_id, created_at)`,
    },
  ],
  tenant_members: [
    { name: 'tenant_members_user_idx', columns: ['user_id'], sql: `create index tenant_members_user_idx on tenant_members (user_id)` },
  ],
}

export function indexesFor(table: string, columns: Set<string>): LocalIndex[] {
  return (LOCAL_INDEXES[table] ?? []).filter((ix) => ix.columns.every((c) => columns.has(c)))
}
