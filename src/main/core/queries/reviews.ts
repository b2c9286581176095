// The other review views — escalations, hallucination flags, change sets — read from the replica,
// each row marked with the reviewer's own intent on it: on its way (pendingIntent) or refused
// (lastRefusal), derived from the queue and never by editing the synced row.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { ChangesetDetail, ChangesetItem, EscalationItem, FlagItem } from '../../../shared/contract-domain'
import { ApiError } from '../../../shared/errors'
import { SqlParams } from './inbox'

type Page<T> = { items: T[]; total: number }

/** Columns giving my latest intent on `alias`.id: its state when on its way, its refusal when refused. */
function intentMark(alias: string, me: string): string {
  return `(select pm.state from pending_mutations pm where pm.target_id = ${alias}.id and pm.user_id = ${me}
             and pm.state in ('held', 'queued', 'sending') order by pm.seq desc limit 1) as pending_intent,
          (select jsonb_build_object('code', pm.refusal_code, 'message', coalesce(pm.refusal_message, pm.refusal_code))
             from pending_mutations pm where pm.target_id = ${alias}.id and pm.user_id = ${me}
              and pm.state in ('rejected', 'conflict') and pm.dismissed_at is null order by pm.seq desc limit 1) as last_refusal`
}

interface Marked {
  pending_intent: EscalationItem['pendingIntent']
  last_refusal: { code: string; message: string } | null
  total: number
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export async function listEscalations(
  db: PGliteInterface,
  userId: string,
  o: { status: 'open' | 'resolved' | 'all'; tenantId?: string; limit: number; offset: number },
): Promise<Page<EscalationItem>> {
  const p = new SqlParams()
  const me = p.add(userId)
  const where = [`e.deleted_at is null`]
  if (o.status === 'open') where.push(`e.status <> 'resolved'`)
  if (o.status === 'resolved') where.push(`e.status = 'resolved'`)
  if (o.tenantId) where.push(`e.tenant_id = ${p.add(o.tenantId)}`)
  const res = await db.query<
    Marked & {
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
      approval_id: string | null
      related_task_id: string | null
      created_at: Date
      acknowledged_at: Date | null
      resolved_at: Date | null
      resolution: string | null
    }
  >(
    `select e.id, e.tenant_id, e.type, e.trigger, e.context, e.impact, e.recommendation, e.status, e.from_agent_id,
            g.name as from_agent_name, e.to_user_id, e.to_agent_id, e.approval_id, e.related_task_id, e.created_at,
            e.acknowledged_at, e.resolved_at, e.resolution, ${intentMark('e', me)}, count(*) over ()::int as total
       from escalations e left join agents g on g.id = e.from_agent_id
      where ${where.join(' and ')}
      -- Mine first (addressed to me), then what needs action, newest first.
      order by (e.to_user_id = ${me}) desc nulls last, (e.type = 'action_required') desc, e.created_at desc, e.id
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
      approvalId: e.approval_id,
      relatedTaskId: e.related_task_id,
      createdAt: e.created_at.toISOString(),
      acknowledgedAt: iso(e.acknowledged_at),
      resolvedAt: iso(e.resolved_at),
      resolution: e.resolution,
      pendingIntent: e.pending_intent,
      lastRefusal: e.last_refusal,
    })),
  }
}

export async function listFlags(
  db: PGliteInterface,
  userId: string,
  o: { status: 'pending' | 'reviewed' | 'all'; tenantId?: string; limit: number; offset: number },
): Promise<Page<FlagItem>> {
  const p = new SqlParams()
  const me = p.add(userId)
  const where = [`f.deleted_at is null`]
  if (o.status === 'pending') where.push(`f.status = 'pending'`)
  if (o.status === 'reviewed') where.push(`f.status <> 'pending'`)
  if (o.tenantId) where.push(`f.tenant_id = ${p.add(o.tenantId)}`)
  const res = await db.query<
    Marked & {
      id: string
      tenant_id: string
      agent_id: string
      agent_name: string | null
      task_id: string | null
      approval_id: string | null
      detection_method: string
      confidence_score: string | null
      flagged_content: string | null
      status: FlagItem['status']
      reviewed_at: Date | null
      notes: string | null
      created_at: Date
    }
  >(
    `select f.id, f.tenant_id, f.agent_id, g.name as agent_name, f.task_id, f.approval_id, f.detection_method,
            f.confidence_score::text as confidence_score, f.flagged_content, f.status, f.reviewed_at, f.notes, f.created_at,
            ${intentMark('f', me)}, count(*) over ()::int as total
       from hallucination_flags f left join agents g on g.id = f.agent_id
      where ${where.join(' and ')}
      order by f.confidence_score desc nulls last, f.created_at desc, f.id
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
      approvalId: f.approval_id,
      detectionMethod: f.detection_method,
      confidenceScore: f.confidence_score === null ? null : Number(f.confidence_score),
      flaggedContent: f.flagged_content,
      status: f.status,
      reviewedAt: iso(f.reviewed_at),
      notes: f.notes,
      createdAt: f.created_at.toISOString(),
      pendingIntent: f.pending_intent,
      lastRefusal: f.last_refusal,
    })),
  }
}

interface ChangesetRow extends Marked {
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
  review_comment: string | null
}

function changesetSql(where: string, me: string, tail = ''): string {
  return `select c.id, c.tenant_id, c.title, c.description, c.status, c.agent_id, g.name as agent_name,
                 (select count(*) from changeset_patches cp where cp.changeset_id = c.id and cp.deleted_at is null)::int as patch_count,
                 c.created_at, c.reviewed_at, c.review_comment, ${intentMark('c', me)}, count(*) over ()::int as total
            from changesets c left join agents g on g.id = c.agent_id
           where ${where} ${tail}`
}

function toChangeset(c: ChangesetRow): ChangesetItem {
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
    reviewComment: c.review_comment,
    pendingIntent: c.pending_intent,
    lastRefusal: c.last_refusal,
  }
}

export async function listChangesets(
  db: PGliteInterface,
  userId: string,
  o: { status: 'pending_review' | 'all'; tenantId?: string; limit: number; offset: number },
): Promise<Page<ChangesetItem>> {
  const p = new SqlParams()
  const me = p.add(userId)
  const where = [`c.deleted_at is null`]
  if (o.status === 'pending_review') where.push(`c.status = 'pending_review'`)
  if (o.tenantId) where.push(`c.tenant_id = ${p.add(o.tenantId)}`)
  const res = await db.query<ChangesetRow>(
    changesetSql(where.join(' and '), me, `order by c.created_at desc, c.id limit ${p.add(o.limit)} offset ${p.add(o.offset)}`),
    p.values,
  )
  return { total: res.rows[0]?.total ?? 0, items: res.rows.map(toChangeset) }
}

export async function changesetDetail(db: PGliteInterface, userId: string, id: string): Promise<z.infer<typeof ChangesetDetail>> {
  const res = await db.query<ChangesetRow>(changesetSql(`c.id = $2 and c.deleted_at is null`, '$1'), [userId, id])
  const row = res.rows[0]
  if (!row) throw new ApiError('not_found')
  const patches = await db.query<{ path: string; diff: string }>(
    `select path, diff from changeset_patches where changeset_id = $1 and deleted_at is null order by position, path`,
    [id],
  )
  return { item: toChangeset(row), patches: patches.rows }
}
