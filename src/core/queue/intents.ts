// The durable local queue of intents (pending_mutations): a decision is written here, in the
// replica's file, before the reviewer is told it is queued. States move held → queued → sending →
// applied | rejected | conflict; undo deletes a held intent; nothing here edits a synced row.
import type { PGliteInterface, Transaction } from '@electric-sql/pglite'
import type { Intent, IntentKind } from '../../shared/contract-domain'

type Db = PGliteInterface | Transaction

export const ACTIVE_STATES = ['held', 'queued', 'sending'] as const
export const REFUSED_STATES = ['rejected', 'conflict'] as const

export interface IntentRow {
  client_mutation_id: string
  seq: number
  user_id: string
  kind: IntentKind
  args: Record<string, unknown>
  target_id: string | null
  label: string
  state: Intent['state']
  created_at: Date
  hold_until: Date
  attempts: number
  next_attempt_at: Date | null
  refusal_code: string | null
  refusal_message: string | null
  result: Record<string, unknown> | null
  dismissed_at: Date | null
}

export interface NewIntentRow {
  clientMutationId: string
  userId: string
  kind: IntentKind
  args: Record<string, unknown>
  targetId: string | null
  label: string
  createdAt: Date
  holdUntil: Date
}

export function toIntent(row: IntentRow): Intent {
  return {
    clientMutationId: row.client_mutation_id,
    kind: row.kind,
    args: row.args,
    state: row.state,
    createdAt: row.created_at.toISOString(),
    holdUntil: row.hold_until.toISOString(),
    attempts: row.attempts,
    refusal: row.refusal_code ? { code: row.refusal_code, message: row.refusal_message ?? row.refusal_code } : null,
    label: row.label,
  }
}

const COLUMNS = `client_mutation_id, seq, user_id, kind, args, target_id, label, state, created_at, hold_until,
  attempts, next_attempt_at, refusal_code, refusal_message, result, dismissed_at`

export async function insertIntent(db: Db, i: NewIntentRow): Promise<IntentRow> {
  const state = i.holdUntil.getTime() > i.createdAt.getTime() ? 'held' : 'queued'
  const res = await db.query<IntentRow>(
    `insert into pending_mutations (client_mutation_id, user_id, kind, args, target_id, label, state, created_at, hold_until)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
    [i.clientMutationId, i.userId, i.kind, JSON.stringify(i.args), i.targetId, i.label, state, i.createdAt, i.holdUntil],
  )
  return res.rows[0] as IntentRow
}

export async function getIntent(db: Db, userId: string, id: string): Promise<IntentRow | null> {
  const res = await db.query<IntentRow>(
    `select ${COLUMNS} from pending_mutations where client_mutation_id = $1 and user_id = $2`,
    [id, userId],
  )
  return res.rows[0] ?? null
}

/** Undo: only while the intent is still inside its hold window; after that it may be on the wire. */
export async function undoIntent(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
  const res = await db.query(
    `delete from pending_mutations
      where client_mutation_id = $1 and user_id = $2 and state = 'held' and hold_until > $3`,
    [id, userId, now],
  )
  return (res.affectedRows ?? 0) > 0
}

export async function dismissIntent(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
  const res = await db.query(
    `update pending_mutations set dismissed_at = $3
      where client_mutation_id = $1 and user_id = $2 and state in ('rejected', 'conflict') and dismissed_at is null`,
    [id, userId, now],
  )
  return (res.affectedRows ?? 0) > 0
}

/** Held intents whose window has passed become queued (eligible to send). */
export async function releaseHeld(db: Db, userId: string, now: Date): Promise<IntentRow[]> {
  const res = await db.query<IntentRow>(
    `update pending_mutations set state = 'queued'
      where user_id = $1 and state = 'held' and hold_until <= $2
      returning ${COLUMNS}`,
    [userId, now],
  )
  return res.rows
}

export async function nextHoldDeadline(db: Db, userId: string): Promise<Date | null> {
  const res = await db.query<{ at: Date | null }>(
    `select min(hold_until) as at from pending_mutations where user_id = $1 and state = 'held'`,
    [userId],
  )
  return res.rows[0]?.at ?? null
}

/**
 * The next batch to push: queued intents in the order they were made, skipping any whose target
 * still has an earlier intent held (so two intents on one approval reach the server in order).
 */
export async function claimBatch(db: Db, userId: string, now: Date, limit: number): Promise<IntentRow[]> {
  const res = await db.query<IntentRow>(
    `update pending_mutations p set state = 'sending', attempts = attempts + 1, sent_at = $2
      where client_mutation_id in (
        select q.client_mutation_id from pending_mutations q
         where q.user_id = $1 and q.state = 'queued'
           and (q.next_attempt_at is null or q.next_attempt_at <= $2)
           and not exists (
             select 1 from pending_mutations e
              where e.user_id = q.user_id and e.target_id = q.target_id and e.seq < q.seq and e.state = 'held')
         order by q.seq
         limit $3)
      returning ${COLUMNS}`,
    [userId, now, limit],
  )
  return res.rows.sort((a, b) => a.seq - b.seq)
}

/**
 * A claimed batch cut into one part per tenant, each in queue order: the parts may be on the
 * server at the same time (sync/push.ts). A tenant's writes take turns on the server (its audit
 * chain's head is locked to commit), so parts of different tenants run side by side, and every
 * intent for one approval stays in one part, in order. Only when every intent acts on an approval
 * the replica holds: anything else keeps the batch whole, sent as one part as before.
 */
export async function splitByTenant(db: Db, batch: IntentRow[]): Promise<IntentRow[][]> {
  const targets = batch.map((r) => r.target_id)
  if (targets.some((t) => t === null)) return [batch]
  const res = await db.query<{ id: string; tenant_id: string }>(
    `select id, tenant_id from approvals where id = any($1::uuid[])`,
    [targets],
  )
  const tenantOf = new Map(res.rows.map((r) => [r.id, r.tenant_id]))
  const parts = new Map<string, IntentRow[]>()
  for (const row of batch) {
    const tenant = tenantOf.get(row.target_id!)
    if (tenant === undefined) return [batch]
    const part = parts.get(tenant)
    if (part) part.push(row)
    else parts.set(tenant, [row])
  }
  return [...parts.values()]
}

/** A transient failure: back to queued, not before `retryAt`. */
export async function requeue(db: Db, ids: string[], retryAt: Date, error: { code: string; message: string }) {
  if (ids.length === 0) return [] as IntentRow[]
  const res = await db.query<IntentRow>(
    `update pending_mutations set state = 'queued', next_attempt_at = $2, last_error = $3
      where client_mutation_id = any($1::uuid[]) and state = 'sending'
      returning ${COLUMNS}`,
    [ids, retryAt, JSON.stringify(error)],
  )
  return res.rows
}

export interface Resolution {
  id: string
  status: 'applied' | 'rejected' | 'conflict'
  code: string | null
  message: string | null
  row: Record<string, unknown> | null
}

/**
 * Records the server's answers in one statement (a push of hundreds is one write, not hundreds);
 * only intents still `sending` change, so an answer that arrives twice resolves once.
 */
export async function resolveAll(db: Db, answers: Resolution[], now: Date): Promise<IntentRow[]> {
  if (answers.length === 0) return []
  const rows = answers.map((r) => ({
    answer_id: r.id,
    answer_state: r.status,
    answer_code: r.status === 'applied' ? null : (r.code ?? 'refused'),
    answer_message: r.message,
    answer_row: r.row,
  }))
  const res = await db.query<IntentRow>(
    `update pending_mutations
        set state = answer_state, refusal_code = answer_code, refusal_message = answer_message, result = answer_row,
            resolved_at = $2, last_error = null
       from jsonb_to_recordset($1::jsonb)
              as a(answer_id uuid, answer_state text, answer_code text, answer_message text, answer_row jsonb)
      where client_mutation_id = answer_id and state = 'sending'
      returning ${COLUMNS}`,
    [JSON.stringify(rows), now],
  )
  // A four-eyes approval's label says which approval it was as the server counted it (confirmedLabel).
  const serverRows = new Map(answers.map((r) => [r.id, r.status === 'applied' ? r.row : null]))
  const relabels = res.rows.flatMap((row) => {
    const label = confirmedLabel(row, serverRows.get(row.client_mutation_id) ?? null)
    return label !== null && label !== row.label ? [{ relabel_id: row.client_mutation_id, new_label: label }] : []
  })
  if (relabels.length === 0) return res.rows
  const relabelled = await db.query<IntentRow>(
    `update pending_mutations set label = new_label
       from jsonb_to_recordset($1::jsonb) as r(relabel_id uuid, new_label text)
      where client_mutation_id = relabel_id
      returning ${COLUMNS}`,
    [JSON.stringify(relabels)],
  )
  const byId = new Map(relabelled.rows.map((row) => [row.client_mutation_id, row]))
  return res.rows.map((row) => byId.get(row.client_mutation_id) ?? row)
}

/** " (1 of 2)" after the verb: which of a four-eyes request's approvals a decision is (queue/create.ts). */
const NTH_APPROVAL = / \((\d+) of (\d+)\)(?= · )/

/**
 * The label of an approval the server applied, saying which of a four-eyes request's approvals it
 * was. The label written with the decision counted the approvals this replica knew of then; the
 * server may have counted otherwise (another approver's decision reached it first, or an edit
 * restarted the count), and History must read as it happened. Two approvals at most are required,
 * so the server's row says it: still open, this was the first; approved, the second. Null: no change.
 */
export function confirmedLabel(row: Pick<IntentRow, 'kind' | 'label'>, server: Record<string, unknown> | null): string | null {
  if (row.kind !== 'approval.decide' || !server) return null
  const of = Number(server['required_approvals'])
  if (!NTH_APPROVAL.test(row.label) || of !== 2) return null
  const nth = server['status'] === 'approved' ? 2 : 1
  return row.label.replace(NTH_APPROVAL, ` (${nth} of ${of})`)
}

/** After a crash mid-push nothing knows whether the server got it: send again (the ledger dedups). */
export async function recoverInterrupted(db: Db, userId: string): Promise<number> {
  const res = await db.query(`update pending_mutations set state = 'queued' where user_id = $1 and state = 'sending'`, [
    userId,
  ])
  return res.affectedRows ?? 0
}

export async function queueSummary(db: Db, userId: string): Promise<{ depth: number; oldest: Date | null }> {
  const res = await db.query<{ depth: number; oldest: Date | null }>(
    `select count(*)::int as depth, min(created_at) as oldest from pending_mutations
      where user_id = $1 and state in ('held', 'queued', 'sending')`,
    [userId],
  )
  const row = res.rows[0]
  return { depth: row?.depth ?? 0, oldest: row?.oldest ?? null }
}

export async function listQueue(db: Db, userId: string): Promise<IntentRow[]> {
  const res = await db.query<IntentRow>(
    `select ${COLUMNS} from pending_mutations
      where user_id = $1
        and (state in ('held', 'queued', 'sending') or (state in ('rejected', 'conflict') and dismissed_at is null))
      order by seq`,
    [userId],
  )
  return res.rows
}

export async function listHistory(db: Db, userId: string, limit: number, offset: number) {
  const res = await db.query<IntentRow & { total: number }>(
    `select ${COLUMNS}, count(*) over ()::int as total from pending_mutations
      where user_id = $1 and state in ('applied', 'rejected', 'conflict')
      order by seq desc limit $2 offset $3`,
    [userId, limit, offset],
  )
  const total = res.rows[0]?.total ?? (offset > 0 ? await countHistory(db, userId) : 0)
  return { rows: res.rows, total }
}

async function countHistory(db: Db, userId: string): Promise<number> {
  const res = await db.query<{ n: number }>(
    `select count(*)::int as n from pending_mutations where user_id = $1 and state in ('applied', 'rejected', 'conflict')`,
    [userId],
  )
  return res.rows[0]?.n ?? 0
}
