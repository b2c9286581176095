// Audit-log fixtures for the Audit view's tests: a tenant's chain of many entries in one statement
// (the chain trigger links and hashes each), and a superuser rewrite of one entry that sync_pull
// sends again.
import { admin } from '../../support/db'

export const AUDIT_ACTIONS = [
  'approval.created',
  'approval.decided',
  'escalation.raised',
  'flag.reviewed',
  'changeset.reviewed',
] as const
export const AUDIT_ENTITY_TYPES = [
  'approval',
  'approval',
  'escalation',
  'hallucination_flag',
  'changeset',
] as const

/**
 * Appends `count` entries to the tenant's chain, oldest first, one minute apart and ending now:
 * entry g has action AUDIT_ACTIONS[g % 5] on entity `entity-${g % 40}`, and is by the system
 * (g % 3 = 0), an agent (1) or a user (2), taking agents and users in turn. Entries with g % 5 = 0
 * have no before state (something was created); the others change status and amount.
 */
export async function seedAuditLog(
  tenantId: string,
  count: number,
  actors: { agentIds: string[]; userIds: string[] },
): Promise<void> {
  await admin().query(
    `insert into public.audit_log (tenant_id, occurred_at, actor_type, actor_id, action, entity_type, entity_id, before_state, after_state)
     select $1, date_trunc('milliseconds', now()) - (($2::int - g) * interval '1 minute'),
            (array['system', 'agent', 'user'])[1 + g % 3],
            case g % 3 when 0 then null
                       when 1 then ($3::uuid[])[1 + (g / 3) % cardinality($3::uuid[])]
                       else ($4::uuid[])[1 + (g / 3) % cardinality($4::uuid[])] end,
            ($5::text[])[1 + g % 5], ($6::text[])[1 + g % 5], 'entity-' || (g % 40),
            case when g % 5 = 0 then null else jsonb_build_object('status', 'pending', 'amount', g) end,
            jsonb_build_object('status', case when g % 2 = 0 then 'approved' else 'rejected' end, 'amount', g + 1, 'note', 'entry ' || g)
       from generate_series(1, $2::int) g
      order by g`,
    [tenantId, count, actors.agentIds, actors.userIds, AUDIT_ACTIONS, AUDIT_ENTITY_TYPES],
  )
}

export async function serverAuditCount(
  tenantId: string,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const { rows } = await admin().query<{ n: number }>(
    `select count(*)::int as n from public.audit_log where tenant_id = $1 and ${where}`,
    [tenantId, ...params],
  )
  return rows[0]?.n ?? 0
}

/**
 * Rewrites one entry's after_state on the server as someone with superuser rights could: the
 * append-only trigger is switched off for this transaction only, and the row is stamped again
 * (sync_version, sync_txid) as the stamping trigger would, so sync_pull sends it to the replicas.
 */
export async function tamperAuditEntry(id: string, afterState: unknown): Promise<void> {
  const c = await admin().connect()
  try {
    await c.query('begin')
    await c.query('alter table public.audit_log disable trigger audit_log_append_only')
    const res = await c.query(
      `update public.audit_log
          set after_state = $2::jsonb, sync_version = nextval('public.sync_version_seq'), sync_txid = pg_current_xact_id()
        where id = $1::bigint`,
      [id, JSON.stringify(afterState)],
    )
    if (res.rowCount !== 1) throw new Error(`no audit entry ${id} to tamper with`)
    await c.query('alter table public.audit_log enable trigger audit_log_append_only')
    await c.query('commit')
  } catch (err) {
    await c.query('rollback').catch(() => {})
    throw err
  } finally {
    c.release()
  }
}
