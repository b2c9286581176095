// The Audit view from the replica: the tenant's audit log, and its hash chain recomputed locally so
// a rewritten entry is named without asking the server. The approval detail shows entries the same way.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import { verifyAuditChain, type AuditRowLike } from '../../../shared/audit-chain'
import type { AuditEntry, AuditVerdict } from '../../../shared/contract-domain'
import { ApiError } from '../../../shared/errors'
import { SqlParams } from './inbox'

export const AUDIT_COLUMNS = `id::text as id, tenant_id, occurred_at, actor_type, actor_id::text as actor_id, action, entity_type,
  entity_id, before_state, after_state, metadata, prev_hash, integrity_hash`

export type AuditRow = AuditRowLike & { id: string; occurred_at: Date; actor_type: 'user' | 'agent' | 'system' }

/** One replica audit row as the Audit view and the approval detail show it. */
export function toAuditEntry(e: AuditRow): z.infer<typeof AuditEntry> {
  return {
    id: e.id,
    tenantId: e.tenant_id,
    occurredAt: e.occurred_at.toISOString(),
    actorType: e.actor_type,
    actorId: e.actor_id,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    beforeState: e.before_state,
    afterState: e.after_state,
    integrityHash: e.integrity_hash,
  }
}

export async function listAudit(
  db: PGliteInterface,
  o: { tenantId?: string; entityId?: string; limit: number; offset: number },
): Promise<{ items: z.infer<typeof AuditEntry>[]; total: number }> {
  const p = new SqlParams()
  const where = ['true']
  if (o.tenantId) where.push(`tenant_id = ${p.add(o.tenantId)}`)
  if (o.entityId) where.push(`entity_id = ${p.add(o.entityId)}`)
  const cond = where.join(' and ')
  const rows = await db.query<AuditRow>(
    `select ${AUDIT_COLUMNS} from audit_log where ${cond} order by id desc limit ${p.add(o.limit)} offset ${p.add(o.offset)}`,
    p.values,
  )
  const total = await db.query<{ n: number }>(`select count(*)::int as n from audit_log where ${cond}`, p.values.slice(0, -2))
  return {
    total: total.rows[0]?.n ?? 0,
    items: rows.rows.map(toAuditEntry),
  }
}

/** Reads the tenant's whole chain from the replica (in pages) and verifies it link by link. */
export async function verifyAudit(db: PGliteInterface, tenantId: string): Promise<z.infer<typeof AuditVerdict>> {
  const known = await db.query('select 1 from tenants where id = $1', [tenantId])
  if (known.rows.length === 0) throw new ApiError('not_found')
  const rows: AuditRow[] = []
  let after = '-1'
  for (;;) {
    const page = await db.query<AuditRow>(
      `select ${AUDIT_COLUMNS} from audit_log where tenant_id = $1 and id > $2::bigint order by id limit 5000`,
      [tenantId, after],
    )
    rows.push(...page.rows)
    if (page.rows.length < 5000) break
    after = page.rows.at(-1)!.id
  }
  const verdict = await verifyAuditChain(rows)
  return verdict.ok
    ? { tenantId, entries: rows.length, ok: true, brokenAt: null }
    : { tenantId, entries: rows.length, ok: false, brokenAt: { id: verdict.brokenAt, reason: verdict.reason } }
}
