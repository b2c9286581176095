// The replica's own versioned migrations: the local queue (pending_mutations) and the sync
// metadata. Each runs once, in a transaction, recorded in replica_migrations. The replicated
// tables themselves follow the server registry (see mirror.ts), so a server schema change rebuilds
// only those tables and never touches queued intents.
import type { Transaction } from '@electric-sql/pglite'
import type { ReplicaDb } from './open'

interface LocalMigration {
  version: number
  name: string
  sql: string
}

export const LOCAL_MIGRATIONS: LocalMigration[] = [
  {
    version: 1,
    name: 'queue_and_sync_metadata',
    sql: `
      create table replica_meta (
        key text primary key,
        value jsonb not null
      );

      -- One cursor per (tenant, table) stream; '*' is the scope of tables without a tenant.
      create table sync_cursors (
        scope text not null,
        table_name text not null,
        txid text not null,
        version bigint not null,
        primary key (scope, table_name)
      );

      -- The tenants the last pull said are visible; anything else in the replica is purged.
      create table sync_tenants (tenant_id uuid primary key);

      -- What the replicated tables were built from, so a registry change rebuilds just that table.
      create table replica_tables (
        table_name text primary key,
        signature text not null
      );

      -- The durable local queue: one row per intent, in the order the reviewer made them (seq).
      create table pending_mutations (
        client_mutation_id uuid primary key,
        seq bigint generated always as identity unique,
        user_id uuid not null,
        kind text not null,
        args jsonb not null,
        -- The row the intent acts on (approval, escalation, flag, change set): the views join on it.
        target_id uuid,
        label text not null,
        state text not null check (state in ('held', 'queued', 'sending', 'applied', 'rejected', 'conflict')),
        created_at timestamptz not null,
        hold_until timestamptz not null,
        attempts int not null default 0,
        next_attempt_at timestamptz,
        sent_at timestamptz,
        resolved_at timestamptz,
        last_error jsonb,
        refusal_code text,
        refusal_message text,
        result jsonb,
        dismissed_at timestamptz
      );
      create index pending_mutations_user_state_idx on pending_mutations (user_id, state, seq);
      create index pending_mutations_target_idx on pending_mutations (target_id, user_id) where target_id is not null;
    `,
  },
  {
    version: 2,
    name: 'replica_tables_spec',
    // The spec each table was built from, so an upgrade that only adds columns alters the table in
    // place (its rows stay readable while the new columns are backfilled) instead of rebuilding it.
    sql: `alter table replica_tables add column built_from jsonb`,
  },
  {
    version: 3,
    name: 'audit_witnesses',
    sql: `
      -- Chain heads this console verified (entry id and its hash), one row per head it ever saw
      -- verify. Local only and never purged by a sync: a later chain must still contain each of them
      -- as witnessed, or its history was rewritten (a hash chain recomputed end to end verifies).
      create table audit_witnesses (
        tenant_id uuid not null,
        entry_id bigint not null,
        entry_hash text not null check (entry_hash ~ '^[0-9a-f]{64}$'),
        witnessed_at timestamptz not null,
        primary key (tenant_id, entry_id)
      );
    `,
  },
]

export async function runLocalMigrations(db: ReplicaDb): Promise<void> {
  await db.exec(`create table if not exists replica_migrations (
    version int primary key, name text not null, applied_at timestamptz not null default now())`)
  const applied = new Set(
    (await db.query<{ version: number }>('select version from replica_migrations')).rows.map((r) => r.version),
  )
  for (const m of LOCAL_MIGRATIONS) {
    if (applied.has(m.version)) continue
    await db.transaction(async (tx: Transaction) => {
      await tx.exec(m.sql)
      await tx.query('insert into replica_migrations (version, name) values ($1, $2)', [m.version, m.name])
    })
  }
}
