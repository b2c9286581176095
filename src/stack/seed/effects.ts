// What approvals leave behind besides themselves, as sync_push and the agents would have left it:
// outbox envelopes, agent memory and trust ledger tallies after a decision, escalations to the next
// authority, the message thread with the agent, and hallucination flags.
import type { Authority } from './eligibility'
import type { LifecycleEnv } from './lifecycle'
import {
  DAY,
  MINUTE,
  formatMoney,
  iso,
  money,
  type ApprovalKind,
  type ApprovalStatus,
  type Reviewer,
  type TenantCtx,
} from './model'
import type { AuditBuffer } from './sink'
import { FLAGGED_CONTENT } from './vocab'
import type { Row } from './writer'

/** An approval at the moment its final decision was accepted. */
export interface Decided {
  t: TenantCtx
  kind: ApprovalKind
  approvalId: string
  taskId: string
  actionId: string
  agentId: string
  title: string
  risk: number
  amount: number | null
  currency: string | null
  final: { auth: Authority; decision: string; reason: string | null }
  status: ApprovalStatus
  executed: boolean
  failed: boolean
  decidedAt: number
  /** Hash of the payload that was approved (what the outbox row carries to the executor). */
  payloadHash: string
}

/** The agent's memory of one decision, worded as sync_push words it (interim four-eyes approvals too). */
export function remember(
  env: LifecycleEnv,
  d: Omit<Decided, 'final' | 'status' | 'executed' | 'failed' | 'decidedAt' | 'payloadHash'>,
  decision: { auth: Authority; decision: string; reason: string | null },
  outcome: ApprovalStatus,
  at: number,
  interim?: { count: number; required: number },
): void {
  const edited = decision.decision === 'approve_with_edits'
  const headline = interim
    ? `Approved (${interim.count} of ${interim.required} approvals)`
    : ({
        approved: edited ? 'Approved with edits' : 'Approved',
        rejected: 'Rejected',
        escalated: 'Escalated',
      }[outcome as 'approved'] ?? outcome)
  env.sink.add('memory_entries', {
    id: env.rng.uuid(),
    tenant_id: d.t.id,
    agent_id: d.agentId,
    type: 'decision',
    summary: `${headline}: ${d.title}${decision.reason ? ` — ${decision.reason}` : ''}`,
    details: {
      approval_id: d.approvalId,
      decision: decision.decision,
      outcome,
      actor_id: decision.auth.reviewer.id,
      on_behalf_of: decision.auth.onBehalfOf,
      reason: decision.reason,
      edited,
    },
    importance: d.risk >= 4 ? 'high' : d.risk >= 2 ? 'medium' : 'low',
    tags: ['approval', d.kind, decision.decision],
    related_ids: [d.approvalId, d.actionId, d.taskId],
    created_at: iso(at + 1000),
  })
}

/** What sync_push does after an accepted decision: outbox, memory, trust ledger, audit. */
export function afterDecision(env: LifecycleEnv, d: Decided): void {
  const { rng, sink, now } = env
  if (d.status === 'approved') {
    const recent = d.decidedAt > now - 3 * MINUTE
    const status = recent ? 'pending' : d.executed ? 'sent' : rng.chance(0.6) ? 'dead' : 'failed'
    const retries =
      status === 'sent'
        ? rng.chance(0.1)
          ? rng.int(1, 2)
          : 0
        : status === 'dead'
          ? 5
          : status === 'failed'
            ? rng.int(1, 4)
            : 0
    const sentAt = d.decidedAt + rng.int(2, 120) * 1000
    sink.add('outbox', {
      id: rng.uuid(),
      tenant_id: d.t.id,
      action_id: d.actionId,
      payload_hash: d.payloadHash,
      status,
      retry_count: retries,
      next_attempt_at: iso(
        status === 'failed' ? Math.max(now + MINUTE, sentAt + 2 ** retries * MINUTE) : sentAt,
      ),
      last_error:
        status === 'dead' || status === 'failed'
          ? rng.pick([
              'HTTP 503 from provider after 30s',
              'rate limited (429); bucket exhausted',
              'provider rejected the request: account_closed',
              'timeout waiting for idempotent replay',
            ])
          : null,
      sent_at: status === 'sent' ? iso(sentAt) : null,
      created_at: iso(d.decidedAt),
      updated_at: iso(status === 'sent' ? sentAt : d.decidedAt),
    })
    if (status !== 'pending') {
      env.audit.push({
        tenantId: d.t.id,
        at: sentAt,
        actorType: 'system',
        actorId: null,
        action: d.executed ? 'action.executed' : 'action.failed',
        entityType: 'action',
        entityId: d.actionId,
        after: { outbox: status, retries },
      })
    }
  }
  remember(env, d, d.final, d.status, d.decidedAt)
  const day = iso(d.decidedAt).slice(0, 10)
  const key = `${d.agentId}|${day}`
  const tally = env.trust.get(key) ?? {
    agentId: d.agentId,
    tenantId: d.t.id,
    day,
    approved: 0,
    edited: 0,
    rejected: 0,
    errors: 0,
  }
  if (d.final.decision === 'approve') tally.approved++
  else if (d.final.decision === 'approve_with_edits') tally.edited++
  else if (d.final.decision === 'reject') tally.rejected++
  if (d.failed) tally.errors++
  env.trust.set(key, tally)
}

export interface Escalated {
  agentId: string
  approvalId: string
  taskId: string
  title: string
  risk: number
  amount: number | null
  currency: string | null
  counterparty: string | null
  escalator: string
  requester: string | null
  reason: string | null
}

/** The next authority for an escalated approval, ranked as sync_push ranks it: holding members and unlimited approvers first. */
function escalationTarget(t: TenantCtx, e: Escalated): Reviewer | undefined {
  const able = t.deciders.filter(
    (p) =>
      p.id !== e.escalator &&
      p.id !== e.requester &&
      p.maxRisk >= e.risk &&
      (p.limit === null || e.amount === null || p.limit >= e.amount),
  )
  return able.sort(
    (a, b) => (a.limit === null ? 0 : 1) - (b.limit === null ? 0 : 1) || (b.limit ?? 0) - (a.limit ?? 0),
  )[0]
}

/** An escalated approval opens an action-required escalation to the next authority. */
export function escalate(env: LifecycleEnv, t: TenantCtx, e: Escalated, at: number): void {
  const { rng, now } = env
  const to = escalationTarget(t, e)
  if (!to) return
  const state = rng.weighted([
    ['resolved', 5],
    ['acknowledged', 3],
    ['pending', 2],
  ] as const)
  const ackAt = Math.min(now - MINUTE, at + rng.int(5, 240) * MINUTE)
  const resolvedAt = Math.min(now - MINUTE, ackAt + rng.int(10, 2880) * MINUTE)
  const id = rng.uuid()
  env.sink.add('escalations', {
    id,
    tenant_id: t.id,
    from_agent_id: e.agentId,
    to_user_id: to.id,
    type: 'action_required',
    trigger: e.risk >= 4 ? 'material_risk' : 'scope_exceeded',
    context: `Approval "${e.title}" was escalated by a reviewer.`,
    impact: [`risk ${e.risk}`, e.amount !== null ? `${money(e.amount)} ${e.currency}` : null, e.counterparty]
      .filter(Boolean)
      .join(' · '),
    recommendation: e.reason,
    ...escalationHandling(env.audit, {
      tenantId: t.id,
      id,
      handlerId: to.id,
      state,
      createdAt: at,
      ackAt,
      resolvedAt,
    }),
    resolution:
      state === 'resolved'
        ? rng.pick([
            'Approved by the controller outside the console.',
            'Rejected; vendor to re-invoice.',
            'Handled with the customer directly.',
          ])
        : null,
    related_task_id: e.taskId,
    approval_id: e.approvalId,
    created_at: iso(at),
  })
}

export type EscalationState = 'pending' | 'acknowledged' | 'resolved'

/**
 * The handling columns of an escalation that reached `state`, and the acknowledge / resolve audit
 * entries sync_push appends on the way there. The buffer sorts entries by time, so order of calls
 * does not matter.
 */
export function escalationHandling(
  audit: AuditBuffer,
  e: {
    tenantId: string
    id: string
    handlerId: string
    state: EscalationState
    createdAt: number
    ackAt: number
    resolvedAt: number
  },
): Row {
  const acked = e.state !== 'pending'
  const resolved = e.state === 'resolved'
  const step = (at: number, action: string, before: EscalationState, after: EscalationState) =>
    audit.push({
      tenantId: e.tenantId,
      at,
      actorType: 'user',
      actorId: e.handlerId,
      action,
      entityType: 'escalation',
      entityId: e.id,
      before: { status: before },
      after: { status: after },
    })
  if (acked) step(e.ackAt, 'escalation.acknowledge', 'pending', 'acknowledged')
  if (resolved) step(e.resolvedAt, 'escalation.resolve', 'acknowledged', 'resolved')
  return {
    status: e.state,
    acknowledged_by: acked ? e.handlerId : null,
    acknowledged_at: acked ? iso(e.ackAt) : null,
    resolved_by: resolved ? e.handlerId : null,
    resolved_at: resolved ? iso(e.resolvedAt) : null,
    updated_at: iso(resolved ? e.resolvedAt : acked ? e.ackAt : e.createdAt),
  }
}

/** The thread on an approval: the agent explains, a reviewer asks, the agent answers. */
export function thread(
  env: LifecycleEnv,
  t: TenantCtx,
  agent: { id: string; name: string },
  approvalId: string,
  taskId: string,
  from: number,
  until: number,
): void {
  const { rng } = env
  const reviewer = rng.pick(t.deciders)
  let at = from + rng.int(1, 5) * 1000
  const span = Math.max(2 * MINUTE, until - from - MINUTE)
  const lines: [who: 'agent' | 'user', body: string][] = [
    [
      'agent',
      rng.pick([
        'I matched this against the source records; everything I used is linked as evidence.',
        'Flagging this one for a human because the amount is unusual for this counterparty.',
        'This follows the same pattern as last month; only the amount changed.',
      ]),
    ],
  ]
  if (rng.chance(0.7)) {
    lines.push([
      'user',
      rng.pick([
        'Why the full amount and not a partial?',
        'Can you attach the original invoice?',
        'Is this a duplicate of yesterday’s request?',
        'Who asked for this?',
      ]),
    ])
    lines.push([
      'agent',
      rng.pick([
        'Policy allows the full amount within 30 days; the order is 12 days old.',
        'Attached: the invoice PDF is on the task. Amount matches line 3.',
        'No — different order number and charge; I checked the last 7 days.',
        'The team lead asked in the weekly ops review.',
      ]),
    ])
  }
  for (const [who, body] of lines) {
    at = Math.min(from + span, at + rng.int(1, 30) * MINUTE)
    env.sink.add('messages', {
      id: rng.uuid(),
      tenant_id: t.id,
      from_user_id: who === 'user' ? reviewer.id : null,
      from_agent_id: who === 'agent' ? agent.id : null,
      to_agent_id: who === 'user' ? agent.id : null,
      to_user_id: who === 'agent' && lines.length > 1 ? reviewer.id : null,
      approval_id: approvalId,
      task_id: taskId,
      body,
      created_at: iso(at),
    })
  }
}

const FLAG_METHODS = ['confidence', 'fact_check', 'pattern'] as const

export function flagHallucination(
  env: LifecycleEnv,
  t: TenantCtx,
  agentId: string,
  taskId: string | null,
  approvalId: string | null,
  at: number,
  status: ApprovalStatus | null,
): void {
  const { rng, now } = env
  const method = rng.pick(FLAG_METHODS)
  const content = rng
    .pick(FLAGGED_CONTENT[method])
    .replace('{order}', `NR-${rng.int(100000, 199999)}`)
    .replace('{date}', new Date(at - rng.int(1, 9) * DAY).toISOString().slice(0, 10))
    .replace('{name}', rng.pick(t.people).name)
    .replace('{ticket}', String(rng.int(40000, 49999)))
    .replace('{amount}', formatMoney(rng.logNormal(4000, 1, 100, 90000), t.base))
  const open = status === 'pending' || status === null ? rng.chance(0.6) : rng.chance(0.1)
  const verdict = open
    ? 'pending'
    : rng.weighted([
        ['confirmed', 4],
        ['false_positive', 4],
        ['reviewed', 2],
      ] as const)
  const reviewer = open ? null : rng.pick(t.deciders)
  const reviewedAt = Math.min(now - MINUTE, at + rng.int(10, 3000) * MINUTE)
  const id = rng.uuid()
  env.sink.add('hallucination_flags', {
    id,
    tenant_id: t.id,
    agent_id: agentId,
    task_id: taskId,
    approval_id: approvalId,
    detection_method: method,
    confidence_score: (0.55 + rng.next() * 0.44).toFixed(2),
    flagged_content: content,
    status: verdict,
    reviewed_by: reviewer?.id ?? null,
    reviewed_at: reviewer ? iso(reviewedAt) : null,
    notes:
      verdict === 'confirmed'
        ? 'Claim not supported by the linked records.'
        : verdict === 'false_positive'
          ? 'Checked: the statement is correct.'
          : null,
    created_at: iso(at + MINUTE),
    updated_at: iso(reviewer ? reviewedAt : at + MINUTE),
  })
  env.audit.push({
    tenantId: t.id,
    at: at + MINUTE,
    actorType: 'system',
    actorId: null,
    action: 'flag.raise',
    entityType: 'hallucination_flag',
    entityId: id,
    after: { status: 'pending', detection_method: method },
  })
  if (reviewer)
    env.audit.push({
      tenantId: t.id,
      at: reviewedAt,
      actorType: 'user',
      actorId: reviewer.id,
      action: 'flag.review',
      entityType: 'hallucination_flag',
      entityId: id,
      before: { status: 'pending' },
      after: { status: verdict },
    })
}
