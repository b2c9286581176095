// The CSV files an auditor takes away, built from the replica (so they work offline): the audit log
// with the Audit view's filters, my decision history with each outcome and the server's reason, and
// the segregation-of-duties report. Each holds every matching row, not the page on screen, in the
// order the screen lists them (newest first).
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { AuditFilter, CsvFile, ExportRequest, SodViolation } from '../../shared/contract-domain'
import { ApiError } from '../../shared/errors'
import { auditWhere, type AuditRow } from './audit'
import { csvHeader, csvRecords, fileDate, toCsv, type CsvColumn } from './csv'
import { SqlParams } from './sql-params'
import { sodReport } from './sod'

type Csv = z.infer<typeof CsvFile>

/** Rows read per query: an audit log of a million entries never sits in one result. */
const PAGE = 5000

export async function exportCsv(db: PGliteInterface, userId: string, request: ExportRequest, now: Date): Promise<Csv> {
  const date = fileDate(now)
  switch (request.kind) {
    case 'audit': {
      const slug = await scopeSlug(db, request.filter.tenantId)
      return { filename: `audit-${slug}-${date}.csv`, ...(await auditCsv(db, request.filter)) }
    }
    case 'history': {
      const rows = await historyRows(db, userId)
      return { filename: `my-decisions-${date}.csv`, csv: toCsv(HISTORY_COLUMNS, rows), rows: rows.length }
    }
    case 'sod': {
      const slug = await scopeSlug(db, request.tenantId)
      const { violations } = await sodReport(db, request.tenantId)
      return { filename: `segregation-of-duties-${slug}-${date}.csv`, csv: toCsv(SOD_COLUMNS, violations), rows: violations.length }
    }
  }
}

/** The tenant's slug for a file name, or "all" when the export is not scoped to one. */
async function scopeSlug(db: PGliteInterface, tenantId: string | undefined): Promise<string> {
  if (!tenantId) return 'all'
  const res = await db.query<{ slug: string }>('select slug from tenants where id = $1', [tenantId])
  const slug = res.rows[0]?.slug
  if (!slug) throw new ApiError('not_found', 'That tenant is not in your replica.')
  return slug
}

// ───────────── the audit log ─────────────

/** An audit_log row as the Audit view reads it, named for people: the tenant's slug and the actor's name. */
type AuditCsvRow = Omit<AuditRow, 'tenant_id'> & {
  tenant_slug: string | null
  actor_name: string | null
  witnessed_hash: string | null
  witnessed_at: Date | null
}

const AUDIT_CSV_COLUMNS: CsvColumn<AuditCsvRow>[] = [
  { header: 'id', type: 'text', value: (r) => r.id },
  { header: 'tenant', type: 'text', value: (r) => r.tenant_slug },
  { header: 'occurred_at', type: 'timestamp', value: (r) => r.occurred_at },
  { header: 'actor_type', type: 'text', value: (r) => r.actor_type },
  { header: 'actor_id', type: 'text', value: (r) => r.actor_id },
  { header: 'actor_name', type: 'text', value: (r) => r.actor_name },
  { header: 'action', type: 'text', value: (r) => r.action },
  { header: 'entity_type', type: 'text', value: (r) => r.entity_type },
  { header: 'entity_id', type: 'text', value: (r) => r.entity_id },
  { header: 'before_state', type: 'json', value: (r) => r.before_state },
  { header: 'after_state', type: 'json', value: (r) => r.after_state },
  { header: 'metadata', type: 'json', value: (r) => r.metadata },
  // The chain links, so an auditor can re-verify the file on their own.
  { header: 'prev_hash', type: 'text', value: (r) => r.prev_hash },
  { header: 'integrity_hash', type: 'text', value: (r) => r.integrity_hash },
  // Heads this console verified: the entry's hash as it was witnessed, and when. An auditor holding
  // an earlier export checks a later one offline: every witnessed entry of the earlier file must
  // still be in the later one with integrity_hash equal to its witnessed_hash, or history was
  // rewritten (or cut) after that verification.
  { header: 'witnessed_hash', type: 'text', value: (r) => r.witnessed_hash },
  { header: 'witnessed_at', type: 'timestamp', value: (r) => r.witnessed_at },
]

/** The filtered log as CSV, written a page at a time: only one page of rows is ever held. */
async function auditCsv(db: PGliteInterface, filter: AuditFilter): Promise<{ csv: string; rows: number }> {
  let csv = csvHeader(AUDIT_CSV_COLUMNS)
  let rows = 0
  let before: string | null = null
  for (;;) {
    const p = new SqlParams()
    // auditWhere names audit_log's columns unqualified: filter inside, join the names outside.
    const cond = auditWhere(p, filter)
    const older: string = before === null ? '' : `and id < ${p.add(before)}::bigint`
    const page: { rows: AuditCsvRow[] } = await db.query<AuditCsvRow>(
      `select l.id::text as id, t.slug as tenant_slug, l.occurred_at, l.actor_type, l.actor_id::text as actor_id,
              coalesce(g.name, pr.full_name, pr.email) as actor_name, l.action, l.entity_type, l.entity_id,
              l.before_state, l.after_state, l.metadata, l.prev_hash, l.integrity_hash,
              w.entry_hash as witnessed_hash, w.witnessed_at
         from (select * from audit_log where ${cond} ${older} order by id desc limit ${PAGE}) l
         left join tenants t on t.id = l.tenant_id
         left join audit_witnesses w on w.tenant_id = l.tenant_id and w.entry_id = l.id
         left join agents g on l.actor_type = 'agent' and g.id = l.actor_id
         left join profiles pr on l.actor_type = 'user' and pr.id = l.actor_id
        order by l.id desc`,
      p.values,
    )
    csv += csvRecords(AUDIT_CSV_COLUMNS, page.rows)
    rows += page.rows.length
    if (page.rows.length < PAGE) return { csv, rows }
    before = page.rows.at(-1)!.id
  }
}

// ───────────── my decision history ─────────────

interface HistoryCsvRow {
  client_mutation_id: string
  kind: string
  args: Record<string, unknown>
  label: string
  state: 'applied' | 'rejected' | 'conflict'
  created_at: Date
  resolved_at: Date | null
  refusal_code: string | null
  refusal_message: string | null
  target_id: string | null
  tenant_slug: string | null
  amount: string | null
  currency: string | null
}

const OUTCOME: Record<HistoryCsvRow['state'], string> = { applied: 'applied', rejected: 'refused', conflict: 'conflict' }

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** The verb of an intent, whatever its kind names it (decision, verdict…). */
function decisionOf(r: HistoryCsvRow): string {
  switch (r.kind) {
    case 'approval.decide':
      return text(r.args['decision']) ?? 'decide'
    case 'flag.review':
    case 'changeset.review':
      return text(r.args['verdict']) ?? 'review'
    case 'escalation.acknowledge':
      return 'acknowledge'
    case 'escalation.resolve':
      return 'resolve'
    case 'snooze.set':
      return r.args['until'] ? 'snooze' : 'unsnooze'
    case 'outbox.retry':
      return 'retry'
    case 'outbox.cancel':
      return 'cancel'
    default:
      return 'message'
  }
}

/** What the reviewer wrote with the intent: a reason, a resolution, notes, a comment or a message. */
function myWords(args: Record<string, unknown>): string | null {
  for (const key of ['reason', 'resolution', 'notes', 'comment', 'body']) {
    const v = text(args[key])
    if (v) return v
  }
  return null
}

const HISTORY_COLUMNS: CsvColumn<HistoryCsvRow>[] = [
  { header: 'decided_at', type: 'timestamp', value: (r) => r.created_at },
  { header: 'kind', type: 'text', value: (r) => r.kind },
  { header: 'decision', type: 'text', value: decisionOf },
  { header: 'subject', type: 'text', value: (r) => r.label },
  { header: 'tenant', type: 'text', value: (r) => r.tenant_slug },
  { header: 'target_id', type: 'text', value: (r) => r.target_id },
  { header: 'amount', type: 'decimal', value: (r) => r.amount },
  { header: 'currency', type: 'text', value: (r) => r.currency },
  { header: 'my_reason', type: 'text', value: (r) => myWords(r.args) },
  { header: 'on_behalf_of', type: 'text', value: (r) => text(r.args['on_behalf_of']) },
  { header: 'outcome', type: 'text', value: (r) => OUTCOME[r.state] },
  { header: 'refusal_code', type: 'text', value: (r) => r.refusal_code },
  { header: 'server_reason', type: 'text', value: (r) => r.refusal_message },
  { header: 'answered_at', type: 'timestamp', value: (r) => r.resolved_at },
  { header: 'client_mutation_id', type: 'text', value: (r) => r.client_mutation_id },
]

/** Every answered intent of mine (what the History view lists), with the tenant and money of its target. */
async function historyRows(db: PGliteInterface, userId: string): Promise<HistoryCsvRow[]> {
  const res = await db.query<HistoryCsvRow>(
    `select pm.client_mutation_id, pm.kind, pm.args, pm.label, pm.state, pm.created_at, pm.resolved_at,
            pm.refusal_code, pm.refusal_message, pm.target_id, t.slug as tenant_slug,
            a.amount::text as amount, a.currency::text as currency
       from pending_mutations pm
       left join approvals a on pm.kind in ('approval.decide', 'snooze.set', 'message.send') and a.id = pm.target_id
       left join escalations e on pm.kind in ('escalation.acknowledge', 'escalation.resolve') and e.id = pm.target_id
       left join hallucination_flags f on pm.kind = 'flag.review' and f.id = pm.target_id
       left join changesets c on pm.kind = 'changeset.review' and c.id = pm.target_id
       left join tenants t on t.id = coalesce(a.tenant_id, e.tenant_id, f.tenant_id, c.tenant_id)
      where pm.user_id = $1 and pm.state in ('applied', 'rejected', 'conflict')
      order by pm.seq desc`,
    [userId],
  )
  return res.rows
}

// ───────────── segregation of duties ─────────────

type Violation = z.infer<typeof SodViolation>

const SOD_COLUMNS: CsvColumn<Violation>[] = [
  { header: 'decided_at', type: 'timestamp', value: (v) => v.decidedAt },
  { header: 'rule', type: 'text', value: (v) => v.rule },
  { header: 'tenant', type: 'text', value: (v) => v.tenantSlug },
  { header: 'approval_id', type: 'text', value: (v) => v.approvalId },
  { header: 'approval_title', type: 'text', value: (v) => v.title },
  { header: 'kind', type: 'text', value: (v) => v.kind },
  { header: 'amount', type: 'decimal', value: (v) => v.amount },
  { header: 'currency', type: 'text', value: (v) => v.currency },
  { header: 'requested_by_id', type: 'text', value: (v) => v.requesterId },
  { header: 'requested_by', type: 'text', value: (v) => v.requesterName },
  { header: 'decision_id', type: 'text', value: (v) => v.decisionId },
  { header: 'decision', type: 'text', value: (v) => v.decision },
  { header: 'decided_by_id', type: 'text', value: (v) => v.actorId },
  { header: 'decided_by', type: 'text', value: (v) => v.actorName },
  { header: 'on_behalf_of_id', type: 'text', value: (v) => v.onBehalfOf },
  { header: 'on_behalf_of', type: 'text', value: (v) => v.onBehalfOfName },
  { header: 'reason', type: 'text', value: (v) => v.reason },
]
