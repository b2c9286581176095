// The Outbox view and the approval detail's "what happened next", from the replica: each approved
// action's envelope (pending, sending, sent, failed, dead, cancelled) with its attempts, last error
// and the provider's answer, marked with my retry or cancel on its way.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { Execution, OutboxItem } from '../../shared/contract-domain'
import type { ReviewerContext } from './standing'
import { SqlParams } from './sql-params'

/** The replica tables these reads join; a change to another cannot alter them. */
export const OUTBOX_TABLES = ['outbox', 'actions', 'approvals', 'agents']

interface ExecutionColumns {
  outbox_id: string
  outbox_status: Execution['status']
  retry_count: number
  last_error: string | null
  next_attempt_at: Date | null
  sent_at: Date | null
  action_result: unknown
  queued_at: Date
}

const EXECUTION_COLUMNS = `o.id as outbox_id, o.status as outbox_status, o.retry_count, o.last_error, o.next_attempt_at,
  o.sent_at, ac.result as action_result, o.created_at as queued_at`

function toExecution(r: ExecutionColumns): Execution {
  return {
    outboxId: r.outbox_id,
    status: r.outbox_status,
    // retry_count counts failed attempts (a lost lease included); the one that went out adds one.
    attempts: r.retry_count + (r.outbox_status === 'sent' || r.outbox_status === 'sending' ? 1 : 0),
    lastError: r.last_error,
    nextAttemptAt: r.outbox_status === 'failed' && r.next_attempt_at ? r.next_attempt_at.toISOString() : null,
    sentAt: r.sent_at ? r.sent_at.toISOString() : null,
    // A result is what the provider answered; before anything ran there is none to show.
    result: r.outbox_status === 'pending' ? null : (r.action_result ?? null),
    queuedAt: r.queued_at.toISOString(),
  }
}

/** The execution of an approval's action, for the approval detail; null when nothing was enqueued. */
export async function executionOf(db: PGliteInterface, actionId: string | null): Promise<Execution | null> {
  if (!actionId) return null
  const res = await db.query<ExecutionColumns>(
    `select ${EXECUTION_COLUMNS} from outbox o join actions ac on ac.id = o.action_id where o.action_id = $1`,
    [actionId],
  )
  const row = res.rows[0]
  return row ? toExecution(row) : null
}

const FILTERS: Record<'open' | 'sent' | 'dead' | 'all', string | null> = {
  open: `o.status in ('pending', 'sending', 'failed')`,
  sent: `o.status = 'sent'`,
  dead: `o.status in ('dead', 'cancelled')`,
  all: null,
}

interface OutboxRow extends ExecutionColumns {
  tenant_id: string
  action_id: string
  tool: { app: string; key: string }
  args: unknown
  approval_id: string | null
  approval_title: string | null
  agent_id: string | null
  agent_name: string | null
  pending: { state: NonNullable<OutboxItem['pendingIntent']>; kind: OutboxItem['pendingKind'] } | null
  last_refusal: { code: string; message: string } | null
  total: number
}

/** Envelopes in the tenants I see: what needs attention first (dead, failing), then the newest. */
export async function listOutbox(
  db: PGliteInterface,
  ctx: ReviewerContext,
  o: { status: 'open' | 'sent' | 'dead' | 'all'; tenantId?: string; limit: number; offset: number },
): Promise<{ items: OutboxItem[]; total: number }> {
  const p = new SqlParams()
  const me = p.add(ctx.userId)
  const where = ['true']
  const filter = FILTERS[o.status]
  if (filter) where.push(filter)
  if (o.tenantId) where.push(`o.tenant_id = ${p.add(o.tenantId)}`)
  const res = await db.query<OutboxRow>(
    `select o.tenant_id, o.action_id, ac.tool, ac.args, ${EXECUTION_COLUMNS},
            ap.id as approval_id, ap.title as approval_title, g.id as agent_id, g.name as agent_name,
            (select jsonb_build_object('state', pm.state, 'kind', pm.kind)
               from pending_mutations pm where pm.target_id = o.id and pm.user_id = ${me}
                and pm.state in ('held', 'queued', 'sending') order by pm.seq desc limit 1) as pending,
            (select jsonb_build_object('code', pm.refusal_code, 'message', coalesce(pm.refusal_message, pm.refusal_code))
               from pending_mutations pm where pm.target_id = o.id and pm.user_id = ${me}
                and pm.state in ('rejected', 'conflict') and pm.dismissed_at is null order by pm.seq desc limit 1) as last_refusal,
            count(*) over ()::int as total
       from outbox o
       join actions ac on ac.id = o.action_id
       left join approvals ap on ap.action_id = ac.id and ap.deleted_at is null and ap.status = 'approved'
       left join agents g on g.id = ac.agent_id
      where ${where.join(' and ')}
      order by case o.status when 'dead' then 0 when 'failed' then 1 when 'sending' then 2 when 'pending' then 3 else 4 end,
               o.updated_at desc, o.id
      limit ${p.add(o.limit)} offset ${p.add(o.offset)}`,
    p.values,
  )
  return {
    total: res.rows[0]?.total ?? 0,
    items: res.rows.map((r) => ({
      id: r.outbox_id,
      tenantId: r.tenant_id,
      actionId: r.action_id,
      tool: { app: r.tool.app, key: r.tool.key },
      args: r.args,
      approvalId: r.approval_id,
      approvalTitle: r.approval_title,
      agentId: r.agent_id,
      agentName: r.agent_name,
      execution: toExecution(r),
      pendingIntent: r.pending?.state ?? null,
      lastRefusal: r.last_refusal,
      preflight: manageRefusal(ctx, r.tenant_id),
      pendingKind: r.pending?.kind ?? null,
    })),
  }
}

/**
 * The refusal the server would give my retry or cancel when my role lacks outbox:manage; null when
 * it has it or the replica cannot tell (the server decides then). Same rule as
 * push_outbox_locate, so the console never offers what the server would refuse.
 */
export function manageRefusal(ctx: ReviewerContext, tenantId: string): OutboxItem['preflight'] {
  const standing = ctx.standing.get(tenantId)
  if (!standing?.permissions || standing.permissions.has('outbox:manage')) return null
  return {
    code: 'forbidden',
    message: `Retrying or cancelling a delivery needs the outbox:manage permission, which the ${standing.role} role does not have.`,
  }
}
