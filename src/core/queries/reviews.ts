// The other review views — escalations, hallucination flags, change sets — read from the replica,
// each row marked with the reviewer's own intent on it: on its way (pendingIntent) or refused
// (lastRefusal), derived from the queue and never by editing the synced row.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { ChangesetDetail, ChangesetItem, EscalationItem, FlagItem, TaskSummary } from '../../shared/contract-domain'
import { ApiError } from '../../shared/errors'
import { SqlParams } from './sql-params'
import type { ReviewerContext } from './standing'

type Page<T> = { items: T[]; total: number }

/**
 * Columns giving my latest intent on `alias`.id: when on its way, its state, kind and verdict (one
 * lookup for all three); when refused, the refusal.
 */
function intentMark(alias: string, me: string): string {
  return `(select jsonb_build_object('state', pm.state, 'kind', pm.kind, 'verdict', pm.args->>'verdict')
             from pending_mutations pm where pm.target_id = ${alias}.id and pm.user_id = ${me}
              and pm.state in ('held', 'queued', 'sending') order by pm.seq desc limit 1) as pending,
          (select jsonb_build_object('code', pm.refusal_code, 'message', coalesce(pm.refusal_message, pm.refusal_code))
             from pending_mutations pm where pm.target_id = ${alias}.id and pm.user_id = ${me}
              and pm.state in ('rejected', 'conflict') and pm.dismissed_at is null order by pm.seq desc limit 1) as last_refusal`
}

/** `P`: what a view reads of the intent on its way beyond its state (its kind, its verdict). */
interface Marked<P extends object = object> {
  pending: ({ state: NonNullable<EscalationItem['pendingIntent']> } & P) | null
  last_refusal: { code: string; message: string } | null
  total: number
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/**
 * The refusal the server would give when my role in the tenant lacks `permission`; null when it has
 * it, or when the replica cannot tell (no role permissions synced yet, no membership row): the
 * server decides then.
 */
function missingPermission(ctx: ReviewerContext, tenantId: string, permission: string, doing: string): EscalationItem['preflight'] {
  const standing = ctx.standing.get(tenantId)
  if (!standing?.permissions || standing.permissions.has(permission)) return null
  return { code: 'forbidden', message: `${doing} needs the ${permission} permission, which the ${standing.role} role does not have.` }
}

/** The related task's columns, prefixed `task_`, from a `left join tasks t`. */
const TASK_COLUMNS = `t.id as task_id, t.title as task_title, t.status as task_status, t.description as task_description,
  t.priority as task_priority, t.due_at as task_due_at, t.blocked_reason as task_blocked_reason`

interface TaskColumns {
  task_id: string | null
  task_title: string | null
  task_status: string | null
  task_description: string | null
  task_priority: number | null
  task_due_at: Date | null
  task_blocked_reason: string | null
}

function toTask(r: TaskColumns): TaskSummary | null {
  if (r.task_id === null) return null
  return {
    id: r.task_id,
    title: r.task_title ?? '',
    status: r.task_status ?? '',
    description: r.task_description,
    priority: r.task_priority ?? 3,
    dueAt: iso(r.task_due_at),
    blockedReason: r.task_blocked_reason,
  }
}

type EscalationRow = Marked<{ kind: EscalationItem['pendingKind'] }> &
  TaskColumns & {
    id: string
    tenant_id: string
    type: EscalationItem['type']
    trigger: string
    context: string
    impact: string
    recommendation: string | null
    status: EscalationItem['status']
    from_agent_id: string
    from_agent_name: string | null
    to_user_id: string | null
    to_agent_id: string | null
    to_agent_name: string | null
    approval_id: string | null
    approval_title: string | null
    related_task_id: string | null
    created_at: Date
    acknowledged_at: Date | null
    acknowledged_by_name: string | null
    resolved_at: Date | null
    resolved_by_name: string | null
    resolution: string | null
  }

/**
 * Escalations addressed to me, or to an agent of a tenant I review (agents have no owner column:
 * membership is what makes an agent mine to oversee). Ones addressed to another reviewer are theirs,
 * as in the badge count (counts.ts). Grouped by type (action required first) and trigger, mine first
 * within a trigger, newest first.
 */
export async function listEscalations(
  db: PGliteInterface,
  ctx: ReviewerContext,
  o: { status: 'open' | 'resolved' | 'all'; tenantId?: string; limit: number; offset: number },
): Promise<Page<EscalationItem>> {
  const p = new SqlParams()
  const me = p.add(ctx.userId)
  const where = [`e.deleted_at is null`, `(e.to_user_id = ${me} or e.to_user_id is null)`]
  if (o.status === 'open') where.push(`e.status <> 'resolved'`)
  if (o.status === 'resolved') where.push(`e.status = 'resolved'`)
  if (o.tenantId) where.push(`e.tenant_id = ${p.add(o.tenantId)}`)
  const res = await db.query<EscalationRow>(
    `select e.id, e.tenant_id, e.type, e.trigger, e.context, e.impact, e.recommendation, e.status, e.from_agent_id,
            g.name as from_agent_name, e.to_user_id, e.to_agent_id, ta.name as to_agent_name, e.approval_id,
            a.title as approval_title, e.related_task_id, e.created_at, e.acknowledged_at,
            coalesce(ack.full_name, ack.email) as acknowledged_by_name, e.resolved_at,
            coalesce(res.full_name, res.email) as resolved_by_name, e.resolution, ${TASK_COLUMNS},
            ${intentMark('e', me)},
            count(*) over ()::int as total
       from escalations e
       left join agents g on g.id = e.from_agent_id
       left join agents ta on ta.id = e.to_agent_id
       left join approvals a on a.id = e.approval_id and a.deleted_at is null
       left join tasks t on t.id = e.related_task_id and t.deleted_at is null
       left join profiles ack on ack.id = e.acknowledged_by
       left join profiles res on res.id = e.resolved_by
      where ${where.join(' and ')}
      order by (e.type = 'action_required') desc, e.trigger, (e.to_user_id = ${me}) desc nulls last, e.created_at desc, e.id
      limit ${p.add(o.limit)} offset ${p.add(o.offset)}`,
    p.values,
  )
  return {
    total: res.rows[0]?.total ?? 0,
    items: res.rows.map((e) => ({
      id: e.id,
      tenantId: e.tenant_id,
      type: e.type,
      trigger: e.trigger,
      context: e.context,
      impact: e.impact,
      recommendation: e.recommendation,
      status: e.status,
      fromAgentId: e.from_agent_id,
      fromAgentName: e.from_agent_name,
      toUserId: e.to_user_id,
      toAgentId: e.to_agent_id,
      toAgentName: e.to_agent_name,
      approvalId: e.approval_id,
      approvalTitle: e.approval_title,
      relatedTaskId: e.related_task_id,
      task: toTask(e),
      createdAt: e.created_at.toISOString(),
      acknowledgedAt: iso(e.acknowledged_at),
      acknowledgedByName: e.acknowledged_by_name,
      resolvedAt: iso(e.resolved_at),
      resolvedByName: e.resolved_by_name,
      resolution: e.resolution,
      pendingIntent: e.pending?.state ?? null,
      lastRefusal: e.last_refusal,
      // Escalations addressed to me I may always handle; others need the permission.
      preflight: e.to_user_id === ctx.userId ? null : missingPermission(ctx, e.tenant_id, 'escalations:resolve', 'Handling escalations'),
      pendingKind: e.pending?.kind ?? null,
    })),
  }
}

type FlagRow = Marked<{ verdict: FlagItem['pendingVerdict'] }> &
  TaskColumns & {
    id: string
    tenant_id: string
    agent_id: string
    agent_name: string | null
    approval_id: string | null
    approval_title: string | null
    detection_method: string
    confidence_score: string | null
    flagged_content: string | null
    status: FlagItem['status']
    reviewed_at: Date | null
    reviewed_by_name: string | null
    notes: string | null
    created_at: Date
  }

/** Hallucination flags in the tenants I review; the most confident first (the likeliest to be real). */
export async function listFlags(
  db: PGliteInterface,
  ctx: ReviewerContext,
  o: { status: 'pending' | 'reviewed' | 'all'; tenantId?: string; limit: number; offset: number },
): Promise<Page<FlagItem>> {
  const p = new SqlParams()
  const me = p.add(ctx.userId)
  const where = [`f.deleted_at is null`]
  if (o.status === 'pending') where.push(`f.status = 'pending'`)
  if (o.status === 'reviewed') where.push(`f.status <> 'pending'`)
  if (o.tenantId) where.push(`f.tenant_id = ${p.add(o.tenantId)}`)
  const res = await db.query<FlagRow>(
    `select f.id, f.tenant_id, f.agent_id, g.name as agent_name, f.approval_id, a.title as approval_title,
            f.detection_method, f.confidence_score::text as confidence_score, f.flagged_content, f.status, f.reviewed_at,
            coalesce(rv.full_name, rv.email) as reviewed_by_name, f.notes, f.created_at, ${TASK_COLUMNS},
            ${intentMark('f', me)},
            count(*) over ()::int as total
       from hallucination_flags f
       left join agents g on g.id = f.agent_id
       left join approvals a on a.id = f.approval_id and a.deleted_at is null
       left join tasks t on t.id = f.task_id and t.deleted_at is null
       left join profiles rv on rv.id = f.reviewed_by
      where ${where.join(' and ')}
      order by (f.status = 'pending') desc, f.confidence_score desc nulls last, f.created_at desc, f.id
      limit ${p.add(o.limit)} offset ${p.add(o.offset)}`,
    p.values,
  )
  return {
    total: res.rows[0]?.total ?? 0,
    items: res.rows.map((f) => ({
      id: f.id,
      tenantId: f.tenant_id,
      agentId: f.agent_id,
      agentName: f.agent_name,
      taskId: f.task_id,
      task: toTask(f),
      approvalId: f.approval_id,
      approvalTitle: f.approval_title,
      detectionMethod: f.detection_method,
      confidenceScore: f.confidence_score === null ? null : Number(f.confidence_score),
      flaggedContent: f.flagged_content,
      status: f.status,
      reviewedAt: iso(f.reviewed_at),
      reviewedByName: f.reviewed_by_name,
      notes: f.notes,
      createdAt: f.created_at.toISOString(),
      pendingIntent: f.pending?.state ?? null,
      lastRefusal: f.last_refusal,
      preflight: missingPermission(ctx, f.tenant_id, 'flags:review', 'Reviewing flags'),
      pendingVerdict: f.pending?.verdict ?? null,
    })),
  }
}

interface ChangesetRow extends Marked<{ verdict: ChangesetItem['pendingVerdict'] }> {
  id: string
  tenant_id: string
  title: string
  description: string | null
  status: ChangesetItem['status']
  agent_id: string | null
  agent_name: string | null
  patch_count: number
  created_at: Date
  reviewed_at: Date | null
  reviewed_by_name: string | null
  review_comment: string | null
  written_by_me: boolean
}

function changesetSql(where: string, me: string, tail = ''): string {
  return `select c.id, c.tenant_id, c.title, c.description, c.status, c.agent_id, g.name as agent_name,
                 (select count(*) from changeset_patches cp where cp.changeset_id = c.id and cp.deleted_at is null)::int as patch_count,
                 c.created_at, c.reviewed_at, coalesce(rv.full_name, rv.email) as reviewed_by_name, c.review_comment,
                 coalesce(c.author_user_id = ${me}, false) as written_by_me, ${intentMark('c', me)},
                 count(*) over ()::int as total
            from changesets c
            left join agents g on g.id = c.agent_id
            left join profiles rv on rv.id = c.reviewed_by
           where ${where} ${tail}`
}

/** The refusal the server would give my review, when the replica already shows it. */
function changesetPreflight(ctx: ReviewerContext, c: ChangesetRow): ChangesetItem['preflight'] {
  if (c.written_by_me) return { code: 'self_approval', message: 'You wrote this change set: another reviewer must review it.' }
  return missingPermission(ctx, c.tenant_id, 'changesets:review', 'Reviewing change sets')
}

function toChangeset(ctx: ReviewerContext, c: ChangesetRow): ChangesetItem {
  return {
    id: c.id,
    tenantId: c.tenant_id,
    title: c.title,
    description: c.description,
    status: c.status,
    agentId: c.agent_id,
    agentName: c.agent_name,
    patchCount: c.patch_count,
    createdAt: c.created_at.toISOString(),
    reviewedAt: iso(c.reviewed_at),
    reviewedByName: c.reviewed_by_name,
    reviewComment: c.review_comment,
    preflight: changesetPreflight(ctx, c),
    pendingIntent: c.pending?.state ?? null,
    lastRefusal: c.last_refusal,
    pendingVerdict: c.pending?.verdict ?? null,
  }
}

export async function listChangesets(
  db: PGliteInterface,
  ctx: ReviewerContext,
  o: { status: 'pending_review' | 'all'; tenantId?: string; limit: number; offset: number },
): Promise<Page<ChangesetItem>> {
  const p = new SqlParams()
  const me = p.add(ctx.userId)
  const where = [`c.deleted_at is null`]
  if (o.status === 'pending_review') where.push(`c.status = 'pending_review'`)
  if (o.tenantId) where.push(`c.tenant_id = ${p.add(o.tenantId)}`)
  // Those waiting for review first (with every status shown), newest first.
  const order = `order by (c.status = 'pending_review') desc, c.created_at desc, c.id`
  const res = await db.query<ChangesetRow>(
    changesetSql(where.join(' and '), me, `${order} limit ${p.add(o.limit)} offset ${p.add(o.offset)}`),
    p.values,
  )
  return { total: res.rows[0]?.total ?? 0, items: res.rows.map((c) => toChangeset(ctx, c)) }
}

export async function changesetDetail(
  db: PGliteInterface,
  ctx: ReviewerContext,
  id: string,
): Promise<z.infer<typeof ChangesetDetail>> {
  const res = await db.query<ChangesetRow>(changesetSql(`c.id = $2 and c.deleted_at is null`, '$1'), [ctx.userId, id])
  const row = res.rows[0]
  if (!row) throw new ApiError('not_found')
  const patches = await db.query<{ path: string; diff: string }>(
    `select path, diff from changeset_patches where changeset_id = $1 and deleted_at is null order by position, path`,
    [id],
  )
  return { item: toChangeset(ctx, row), patches: patches.rows }
}
