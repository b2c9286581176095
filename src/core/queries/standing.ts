// The reviewer's standing in each visible tenant, read from the replica: role, approval limit,
// risk ceiling, permissions and delegations. Pre-flight uses it to say, before anything is sent,
// why the server would refuse an approval — the server still enforces every rule itself.
import type { PGliteInterface } from '@electric-sql/pglite'

export interface Standing {
  role: string
  approvalLimit: number | null
  maxRisk: number
  /** null when the replica holds no role permissions yet: the check is left to the server. */
  permissions: Set<string> | null
}

export interface Delegation {
  delegatorId: string
  tenantId: string
  riskLevels: number[]
}

export interface ReviewerContext {
  userId: string
  now: Date
  standing: Map<string, Standing>
  delegations: Delegation[]
}

export interface PreflightSubject {
  tenantId: string
  riskLevel: number
  amount: string | null
  status: string
  expiresAt: Date | null
  requestedByUserId: string | null
  approverIds: string[]
  decidedByMe: boolean
}

export async function loadReviewerContext(db: PGliteInterface, userId: string, now: Date): Promise<ReviewerContext> {
  // Direct membership wins over one reached through a holding parent, as on the server.
  const members = await db.query<{
    tenant_id: string
    role: string
    approval_limit: string | null
    max_risk: number
    direct: boolean
  }>(
    `select t.id as tenant_id, m.role, m.approval_limit::text as approval_limit, m.max_risk, (m.tenant_id = t.id) as direct
       from tenants t
       join tenant_members m on m.user_id = $1 and m.is_active and m.deleted_at is null
        and (m.tenant_id = t.id or (m.tenant_id = t.parent_tenant_id and exists (
              select 1 from tenants h where h.id = t.parent_tenant_id and h.kind = 'holding' and h.deleted_at is null)))
      where t.deleted_at is null
      order by direct`,
    [userId],
  )
  const perms = await db.query<{ role: string; permission: string }>('select role, permission from role_permissions')
  const byRole = new Map<string, Set<string>>()
  for (const p of perms.rows) {
    const set = byRole.get(p.role) ?? new Set<string>()
    set.add(p.permission)
    byRole.set(p.role, set)
  }
  const standing = new Map<string, Standing>()
  for (const m of members.rows) {
    standing.set(m.tenant_id, {
      role: m.role,
      approvalLimit: m.approval_limit === null ? null : Number(m.approval_limit),
      maxRisk: m.max_risk,
      permissions: perms.rows.length === 0 ? null : (byRole.get(m.role) ?? new Set()),
    })
  }
  const delegations = await db.query<{ delegator_id: string; tenant_id: string; risk_levels: number[] }>(
    `select delegator_id, tenant_id, risk_levels from approval_delegations
      where delegate_id = $1 and is_active and deleted_at is null and starts_at <= $2 and ends_at > $2`,
    [userId, now],
  )
  return {
    userId,
    now,
    standing,
    delegations: delegations.rows.map((d) => ({ delegatorId: d.delegator_id, tenantId: d.tenant_id, riskLevels: d.risk_levels })),
  }
}

/** Why an approve would be refused, when the replica can already tell; null when it looks fine. */
export function preflight(ctx: ReviewerContext, a: PreflightSubject): { code: string; message: string } | null {
  const refuse = (code: string, message: string) => ({ code, message })
  if (a.status !== 'pending') return refuse('already_decided', 'Someone already decided this request.')
  if (a.expiresAt && a.expiresAt.getTime() <= ctx.now.getTime()) {
    return refuse('approval_expired', 'This request has expired.')
  }
  const s = ctx.standing.get(a.tenantId)
  if (!s || (s.permissions && !s.permissions.has('approvals:decide'))) return refuse('forbidden', 'You may read this request but not decide it.')
  if (a.requestedByUserId === ctx.userId) return refuse('self_approval', 'You cannot decide a request you raised yourself.')
  if (a.decidedByMe) return refuse('duplicate_approver', 'You already approved this request; a second approver is needed.')
  if (a.approverIds.length > 0 && !a.approverIds.includes(ctx.userId)) {
    const covered = ctx.delegations.some(
      (d) => d.tenantId === a.tenantId && a.approverIds.includes(d.delegatorId) && d.riskLevels.includes(a.riskLevel),
    )
    if (!covered) return refuse('not_an_approver', 'You are not one of the approvers named on this request.')
  }
  if (a.riskLevel > s.maxRisk) {
    return refuse('risk_above_max', `Risk ${a.riskLevel} is above the highest you may approve (${s.maxRisk}).`)
  }
  if (s.approvalLimit !== null && a.amount !== null && Number(a.amount) > s.approvalLimit) {
    return refuse('over_limit', `The amount is above your approval limit of ${s.approvalLimit.toFixed(2)}.`)
  }
  return null
}

/** Tables whose change can change a reviewer's standing. */
export const STANDING_TABLES = new Set(['tenants', 'tenant_members', 'role_permissions', 'approval_delegations'])

/**
 * The reviewer's context, read once and kept until a pull changes one of STANDING_TABLES (or a
 * minute passes, for delegations that start or end with time): every list row needs it.
 */
export class ReviewerContextCache {
  private cached: { ctx: ReviewerContext; version: number; at: number } | null = null
  private version = 0

  constructor(
    private readonly db: PGliteInterface,
    private readonly userId: string,
  ) {}

  invalidate(tables?: string[]): void {
    if (!tables || tables.some((t) => STANDING_TABLES.has(t))) this.version += 1
  }

  async get(now: Date): Promise<ReviewerContext> {
    const c = this.cached
    if (c && c.version === this.version && Math.abs(now.getTime() - c.at) < 60_000) return { ...c.ctx, now }
    const version = this.version
    const ctx = await loadReviewerContext(this.db, this.userId, now)
    this.cached = { ctx, version, at: now.getTime() }
    return ctx
  }
}
