// One approval from request to outcome: the task and tool-call action behind it, the approval with
// its risk, flags and expiry, the decisions the rules allow (four-eyes, delegation), and what an
// accepted decision leaves behind — outbox envelope, agent memory, trust ledger, audit entries.
import { canonicalHash } from './canonical'
import type { BuildEnv, Draft, Outcome } from './draft'
import { authorities, principals, type Authority, type Delegation } from './eligibility'
import { journalDraft, payoutDraft, refundDraft } from './kinds-finance'
import { canEdit, changesetDraft, spendDraft, toolCallDraft } from './kinds-work'
import { DAY, HOUR, MINUTE, TO_USD, formatMoney, iso, money, type ApprovalKind, type ApprovalStatus, type Reviewer, type TenantCtx } from './model'
import type { PlanItem } from './plan'
import type { Rng } from './prng'
import type { AuditBuffer, ChunkSink } from './sink'
import { TOOLS } from './tools'
import { APPROVE_REASONS, ESCALATE_REASONS, FLAGGED_CONTENT, LLM_MODELS, POLICY_FLAGS, REJECT_REASONS, type PolicyFlag } from './vocab'

const BUILDERS: Record<ApprovalKind, (env: BuildEnv) => Draft> = {
  refund: refundDraft,
  payout: payoutDraft,
  journal_posting: journalDraft,
  changeset: changesetDraft,
  spend: spendDraft,
  tool_call: toolCallDraft,
}

/** Above these (USD) an amount is flagged as unusual for its kind. */
const P95_USD: Record<ApprovalKind, number> = { refund: 600, payout: 60000, journal_posting: 400000, spend: 15000, tool_call: 150000, changeset: Infinity }
const SERIOUS: readonly PolicyFlag[] = ['new_counterparty', 'cross_border', 'duplicate_suspected', 'manual_override', 'period_closed', 'velocity_limit']

/** The fields a decision changes, as sync_push's audit entries record them. */
interface ApprovalState {
  status: ApprovalStatus
  version: number
  payload_hash: string
  decided_by: string | null
  decided_at: string | null
  decision_reason: string | null
  escalation_count: number
}

/** Per agent and day: what reviewers did with its requests (seed 000's trust ledger). */
export type TrustTally = Map<string, { agentId: string; tenantId: string; day: string; approved: number; edited: number; rejected: number; errors: number }>

export interface LifecycleEnv {
  rng: Rng
  now: number
  delegations: readonly Delegation[]
  sink: ChunkSink
  audit: AuditBuffer
  trust: TrustTally
  names: Map<string, string>
  build: Omit<BuildEnv, 'rng' | 'tenant' | 'agent' | 'createdAt' | 'now' | 'want'>
}

function pickAgent(rng: Rng, t: TenantCtx, kind: ApprovalKind | undefined): { kind: ApprovalKind; agent: TenantCtx['agents'][number] } {
  const k = kind && t.raisers.has(kind) ? kind : rng.weighted(t.kinds)
  const raisers = t.raisers.get(k)!
  return { kind: k, agent: rng.weighted(raisers.map((a) => [a, a.raises.find(([x]) => x === k)![1]] as const)) }
}

function riskOf(rng: Rng, draft: Draft, amountUsd: number | null, flags: PolicyFlag[]): number {
  let risk = draft.riskBase
  if (draft.bands.length > 0 && amountUsd !== null) risk += draft.bands.filter((b) => amountUsd >= b).length - 1
  risk += Math.min(2, flags.filter((f) => SERIOUS.includes(f)).length)
  if (rng.chance(0.12)) risk += rng.chance(0.5) ? 1 : -1
  return Math.max(0, Math.min(5, risk))
}

function timingFlags(at: number): PolicyFlag[] {
  const d = new Date(at)
  const flags: PolicyFlag[] = []
  if (d.getUTCDay() === 0 || d.getUTCDay() === 6) flags.push('weekend_request')
  else if (d.getUTCHours() < 7 || d.getUTCHours() >= 20) flags.push('outside_business_hours')
  return flags
}

/** Prefers the demo reviewers (so their History view has depth), then colleagues. */
function chooseAuthority(rng: Rng, options: Authority[], demoIds: Set<string>): Authority {
  return rng.weighted(options.map((o) => [o, demoIds.has(o.reviewer.id) ? 3 : 1] as const))
}

export function buildApproval(item: PlanItem, env: LifecycleEnv, demoIds: Set<string>): void {
  const { rng, now, sink } = env
  const t = item.tenant
  const s = item.scenario
  const { kind, agent } = pickAgent(rng, t, s?.kind ?? item.kind)
  const createdAt = item.createdAt
  const draft = BUILDERS[kind]({
    ...env.build,
    rng,
    tenant: t,
    agent,
    createdAt,
    now,
    want: s?.amount !== undefined ? { amount: s.amount, currency: s.currency } : undefined,
  })
  const amountUsd = draft.amount !== null && draft.currency ? draft.amount * TO_USD[draft.currency] : null
  const flags = new Set<PolicyFlag>([...draft.flags, ...timingFlags(createdAt)])
  if (draft.currency && draft.currency !== t.base) flags.add('currency_mismatch')
  if (amountUsd !== null && amountUsd > P95_USD[kind]) flags.add('amount_above_p95')
  const risk = s?.risk ?? riskOf(rng, draft, amountUsd, [...flags])

  // Who asked, who may decide, how many approvals it needs.
  const requesterUserId = s?.requestedByUser ?? (kind === 'spend' && rng.chance(0.08) ? rng.pick(t.deciders).id : null)
  const subject = { tenantId: t.id, risk, amount: draft.amount, requesterUserId, approverIds: [] as string[] }
  if (s?.approverIds) subject.approverIds = s.approverIds
  else if (rng.chance(0.08)) {
    const able = authorities(t.deciders, subject, createdAt, env.delegations).map((a) => a.reviewer.id)
    if (able.length > 0) subject.approverIds = rng.sample(able, rng.int(1, 2))
  }
  let required: 1 | 2 = s?.requiredApprovals ?? ((risk >= 4 && rng.chance(0.5)) || (amountUsd ?? 0) >= 100000 ? 2 : 1)

  // The fate, and the decisions that produced it.
  let status: ApprovalStatus = item.status
  let decidedAt: number | null = null
  const decisions: { auth: Authority; decision: 'approve' | 'approve_with_edits' | 'reject' | 'escalate'; at: number; reason: string | null }[] = []
  const deciding = status === 'approved' || status === 'rejected' || status === 'escalated'
  if (deciding || (s?.firstApprover && status === 'pending')) {
    const latest = Math.min(item.expiresAt, now) - MINUTE
    const firstAt = Math.min(latest, createdAt + rng.logNormal(35 * MINUTE, 1.2, MINUTE, 3 * DAY))
    const first = authorities(t.deciders, subject, firstAt, env.delegations)
    if (status === 'pending') {
      const a = first.find((x) => x.reviewer.id === s!.firstApprover)
      if (a) decisions.push({ auth: a, decision: 'approve', at: firstAt, reason: rng.pick(APPROVE_REASONS) })
    } else if (first.length === 0) {
      status = item.expiresAt < now ? 'expired' : 'cancelled'
    } else {
      if (status === 'approved' && required === 2) {
        const secondAt = Math.min(latest, firstAt + rng.logNormal(2 * HOUR, 1, 2 * MINUTE, DAY))
        const one = chooseAuthority(rng, first, demoIds)
        const second = authorities(t.deciders, subject, secondAt, env.delegations, principals(one))
        if (second.length === 0) required = 1
        decisions.push({ auth: one, decision: 'approve', at: firstAt, reason: rng.chance(0.5) ? rng.pick(APPROVE_REASONS) : null })
        if (second.length > 0) decisions.push({ auth: chooseAuthority(rng, second, demoIds), decision: 'approve', at: Math.max(secondAt, firstAt + MINUTE), reason: null })
      } else if (status === 'rejected' && required === 2 && rng.chance(0.3)) {
        const one = chooseAuthority(rng, first, demoIds)
        const second = authorities(t.deciders, subject, firstAt + HOUR, env.delegations, principals(one))
        decisions.push({ auth: one, decision: 'approve', at: firstAt, reason: null })
        if (second.length > 0) decisions.push({ auth: chooseAuthority(rng, second, demoIds), decision: 'reject', at: Math.min(latest, firstAt + HOUR), reason: rng.pick(REJECT_REASONS) })
        else decisions[0]!.decision = 'reject'
      } else {
        const decision = status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : 'escalate'
        const reason = decision === 'reject' ? rng.pick(REJECT_REASONS) : decision === 'escalate' ? rng.pick(ESCALATE_REASONS) : rng.chance(0.4) ? rng.pick(APPROVE_REASONS) : null
        decisions.push({ auth: chooseAuthority(rng, first, demoIds), decision, at: firstAt, reason })
      }
      decidedAt = decisions[decisions.length - 1]!.at
    }
  }
  const edited = status === 'approved' && canEdit(draft.tool) && rng.chance(0.09)
  const failed = status === 'approved' && rng.chance(0.03)
  const executed = status === 'approved' && !failed
  const outcome: Outcome = { status, edited, executed, failed, decidedAt }
  const done = draft.finish(outcome)
  if (edited) {
    const last = decisions[decisions.length - 1]!
    last.decision = 'approve_with_edits'
    last.reason = done.editReason ?? 'Edited before approving.'
  }

  const approvalId = rng.uuid()
  const taskId = rng.uuid()
  const actionId = rng.uuid()
  const spec = TOOLS[draft.tool]
  const payload = edited ? done.finalArgs : done.args
  const originalHash = canonicalHash(done.args)
  const priority = risk >= 4 ? 1 : risk === 3 ? 2 : risk === 2 ? 3 : 4
  const closedAt = decidedAt ?? (status === 'expired' ? item.expiresAt : status === 'cancelled' ? Math.min(now - MINUTE, createdAt + rng.int(10, 600) * MINUTE) : null)

  // The task, its LLM calls, and the action awaiting approval.
  // One row per task: the agent's model usage for the whole task.
  const costs = [0].map(() => {
    const [provider, model, inPrice, outPrice] = agent.tier <= 2 ? rng.pick(LLM_MODELS.slice(0, 3)) : rng.pick(LLM_MODELS.slice(1))
    const input = Math.round(rng.logNormal(7000, 0.7, 800, 120000))
    const output = Math.round(rng.logNormal(1300, 0.6, 120, 16000))
    return { provider, model, input, output, cost: (input * inPrice + output * outPrice) / 1e6 }
  })
  const totalCost = costs.reduce((a, c) => a + c.cost, 0)
  const taskStart = createdAt - rng.int(2, 40) * MINUTE
  sink.add('tasks', {
    id: taskId,
    tenant_id: t.id,
    agent_id: agent.id,
    title: draft.taskTitle,
    description: done.taskDescription,
    status: status === 'pending' ? 'awaiting_approval' : status === 'escalated' ? 'blocked' : executed ? 'completed' : failed ? 'failed' : 'cancelled',
    priority,
    risk_level: risk,
    context: { source: spec.app, approval_kind: kind, tool: `${spec.app}.${spec.key}` },
    result: executed ? { outcome: 'done', approval_id: approvalId } : status === 'pending' || status === 'escalated' ? null : { outcome: status, approval_id: approvalId },
    due_at: iso(createdAt + rng.pick([4, 24, 48, 72]) * HOUR),
    blocked_reason: status === 'escalated' ? 'Waiting for the escalation to be resolved' : null,
    estimated_cost: money(Math.max(0.01, totalCost * (0.8 + rng.next() * 0.5))),
    actual_cost: money(totalCost),
    currency: 'USD',
    created_at: iso(taskStart),
    updated_at: iso(closedAt ?? createdAt),
  })
  costs.forEach((c, i) =>
    sink.add('cost_transactions', {
      id: rng.uuid(),
      tenant_id: t.id,
      agent_id: agent.id,
      task_id: taskId,
      provider: c.provider,
      model: c.model,
      input_tokens: c.input,
      output_tokens: c.output,
      cost_amount: c.cost.toFixed(6),
      currency: 'USD',
      metadata: { steps: ['plan', 'gather_evidence', 'draft_request'].slice(0, 1 + (i % 3)) },
      created_at: iso(taskStart + (i + 1) * MINUTE),
    }),
  )
  for (const [table, row] of done.rows) sink.add(table, row)
  sink.add('actions', {
    id: actionId,
    tenant_id: t.id,
    task_id: taskId,
    agent_id: agent.id,
    type: 'mcp.exec',
    tool: { app: spec.app, key: spec.key },
    args: payload,
    risk,
    approval_state: status === 'pending' || status === 'escalated' ? 'pending' : status === 'approved' ? 'approved' : status === 'expired' ? 'expired' : 'rejected',
    result: executed || failed ? done.actionResult : status === 'cancelled' ? { cancelled: true, reason: 'Superseded by a newer request from the agent' } : null,
    external_id: rng.uuid(),
    completed_at: executed && decidedAt ? iso(decidedAt + rng.int(2, 120) * 1000) : null,
    created_at: iso(createdAt),
    updated_at: iso(closedAt ?? createdAt),
  })

  // The approval.
  const flagList = [...flags]
  const why = flagList.length ? `\n\n**Why flagged**\n${flagList.map((f) => `- \`${f}\`: ${POLICY_FLAGS[f]}`).join('\n')}` : ''
  const requesterName = requesterUserId ? env.names.get(requesterUserId) ?? 'a colleague' : null
  const final = status === 'pending' ? null : decisions[decisions.length - 1]

  // The approval's states as sync_push would have moved it: one version per decision (rule 7).
  const finalHash = payload === done.args ? originalHash : canonicalHash(payload)
  let state: ApprovalState = { status: 'pending', version: 1, payload_hash: originalHash, decided_by: null, decided_at: null, decision_reason: null, escalation_count: 0 }
  const states: ApprovalState[] = []
  decisions.forEach((d, i) => {
    const last = i === decisions.length - 1
    const outcome: ApprovalStatus = last && status !== 'pending' ? status : 'pending'
    const closes = outcome === 'approved' || outcome === 'rejected'
    state = {
      status: outcome,
      version: state.version + 1,
      payload_hash: d.decision === 'approve_with_edits' ? finalHash : state.payload_hash,
      decided_by: closes ? d.auth.reviewer.id : state.decided_by,
      decided_at: closes ? iso(d.at) : state.decided_at,
      decision_reason: closes || outcome === 'escalated' ? d.reason : state.decision_reason,
      escalation_count: state.escalation_count + (d.decision === 'escalate' ? 1 : 0),
    }
    states.push(state)
  })
  if (status === 'expired' || status === 'cancelled') state = { ...state, status, version: state.version + 1 }

  sink.add('approvals', {
    id: approvalId,
    tenant_id: t.id,
    kind,
    task_id: taskId,
    action_id: actionId,
    title: done.title,
    summary: `${done.summary}${requesterName ? `\n\nRequested by ${requesterName}; prepared by ${agent.name}.` : ''}${why}`,
    risk_level: risk,
    amount: done.finalAmount !== null && edited ? money(done.finalAmount) : draft.amount !== null ? money(draft.amount) : null,
    currency: draft.currency,
    counterparty: draft.counterparty,
    policy_flags: flagList,
    status,
    requested_by_agent_id: agent.id,
    requested_by_user_id: requesterUserId,
    approver_ids: subject.approverIds,
    required_approvals: required,
    payload,
    // The approvals_payload_hash trigger recomputes it (same canonical form); sent for completeness.
    payload_hash: finalHash,
    version: state.version,
    decided_by: state.decided_by,
    decided_at: state.decided_at,
    decision_reason: state.decision_reason,
    expires_at: iso(item.expiresAt),
    escalation_count: state.escalation_count,
    evidence: [{ table: 'tasks', id: taskId }, ...done.evidence],
    created_at: iso(createdAt),
    updated_at: iso(closedAt ?? (decisions.length ? decisions[decisions.length - 1]!.at : createdAt)),
  })

  env.audit.push({
    tenantId: t.id, at: createdAt, actorType: requesterUserId ? 'user' : 'agent', actorId: requesterUserId ?? agent.id,
    action: 'approval.requested', entityType: 'approval', entityId: approvalId,
    after: { status: 'pending', kind, risk_level: risk, amount: draft.amount, currency: draft.currency, payload_hash: originalHash },
  })
  decisions.forEach((d, i) => {
    const decisionId = rng.uuid()
    const mutationId = rng.uuid()
    sink.add('approval_decisions', {
      id: decisionId,
      tenant_id: t.id,
      approval_id: approvalId,
      decision: d.decision,
      actor_id: d.auth.reviewer.id,
      on_behalf_of: d.auth.onBehalfOf,
      edited_payload: d.decision === 'approve_with_edits' ? done.finalArgs : null,
      reason: d.reason,
      payload_hash_seen: originalHash,
      version_seen: 1 + i,
      client_mutation_id: mutationId,
      client_decided_at: iso(d.at - rng.int(1, 20) * 1000),
      created_at: iso(d.at),
    })
    const metadata: Record<string, unknown> = { decision_id: decisionId, client_mutation_id: mutationId }
    if (d.auth.onBehalfOf) metadata.on_behalf_of = d.auth.onBehalfOf
    if (d.reason) metadata.reason = d.reason
    env.audit.push({
      tenantId: t.id, at: d.at, actorType: 'user', actorId: d.auth.reviewer.id,
      action: `approval.${d.decision}`, entityType: 'approval', entityId: approvalId,
      before: { ...(states[i - 1] ?? { status: 'pending', version: 1, payload_hash: originalHash, decided_by: null, decided_at: null, decision_reason: null, escalation_count: 0 }) },
      after: { ...states[i]! },
      metadata,
    })
  })
  if (status === 'expired') {
    env.audit.push({ tenantId: t.id, at: item.expiresAt, actorType: 'system', actorId: null, action: 'approval.expired', entityType: 'approval', entityId: approvalId, after: { status: 'expired', version: state.version }, metadata: { expires_at: iso(item.expiresAt) } })
  } else if (status === 'cancelled' && closedAt) {
    env.audit.push({ tenantId: t.id, at: closedAt, actorType: 'agent', actorId: agent.id, action: 'approval.cancelled', entityType: 'approval', entityId: approvalId, after: { status: 'cancelled', version: state.version } })
  }

  if (final && decidedAt) afterDecision(env, { t, kind, approvalId, taskId, actionId, agentId: agent.id, title: done.title, risk, amount: draft.amount, currency: draft.currency, final, status, executed, failed, decidedAt })
  if (status === 'escalated' && final && decidedAt) escalate(env, t, { agentId: agent.id, approvalId, taskId, title: done.title, risk, amount: draft.amount, currency: draft.currency, counterparty: draft.counterparty, escalator: final.auth.reviewer.id, requester: requesterUserId, reason: final.reason }, decidedAt)
  if (rng.chance(0.08) || (s && rng.chance(0.5))) thread(env, t, agent, approvalId, taskId, createdAt, status === 'pending' ? now : closedAt ?? now)
  if (rng.chance(0.015)) flagHallucination(env, t, agent.id, taskId, approvalId, createdAt, status)
}

interface Decided {
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
}

/** What sync_push does after an accepted decision: outbox, memory, trust ledger, audit. */
function afterDecision(env: LifecycleEnv, d: Decided): void {
  const { rng, sink, now } = env
  if (d.status === 'approved') {
    const recent = d.decidedAt > now - 3 * MINUTE
    const status = recent ? 'pending' : d.executed ? 'sent' : rng.chance(0.6) ? 'dead' : 'failed'
    const retries = status === 'sent' ? (rng.chance(0.1) ? rng.int(1, 2) : 0) : status === 'dead' ? 5 : status === 'failed' ? rng.int(1, 4) : 0
    const sentAt = d.decidedAt + rng.int(2, 120) * 1000
    sink.add('outbox', {
      id: rng.uuid(),
      tenant_id: d.t.id,
      action_id: d.actionId,
      status,
      retry_count: retries,
      next_attempt_at: iso(status === 'failed' ? Math.max(now + MINUTE, sentAt + 2 ** retries * MINUTE) : sentAt),
      last_error: status === 'dead' || status === 'failed' ? rng.pick(['HTTP 503 from provider after 30s', 'rate limited (429); bucket exhausted', 'provider rejected the request: account_closed', 'timeout waiting for idempotent replay']) : null,
      sent_at: status === 'sent' ? iso(sentAt) : null,
      created_at: iso(d.decidedAt),
      updated_at: iso(status === 'sent' ? sentAt : d.decidedAt),
    })
    if (status !== 'pending') {
      env.audit.push({ tenantId: d.t.id, at: sentAt, actorType: 'system', actorId: null, action: d.executed ? 'action.executed' : 'action.failed', entityType: 'action', entityId: d.actionId, after: { outbox: status, retries } })
    }
  }
  // The agent's memory of the decision, worded as sync_push words it.
  const edited = d.final.decision === 'approve_with_edits'
  const headline = { approved: edited ? 'Approved with edits' : 'Approved', rejected: 'Rejected', escalated: 'Escalated' }[d.status as 'approved'] ?? d.status
  sink.add('memory_entries', {
    id: rng.uuid(),
    tenant_id: d.t.id,
    agent_id: d.agentId,
    type: 'decision',
    summary: `${headline}: ${d.title}${d.final.reason ? ` — ${d.final.reason}` : ''}`,
    details: {
      approval_id: d.approvalId, decision: d.final.decision, outcome: d.status, actor_id: d.final.auth.reviewer.id,
      on_behalf_of: d.final.auth.onBehalfOf, reason: d.final.reason, edited,
    },
    importance: d.risk >= 4 ? 'high' : d.risk >= 2 ? 'medium' : 'low',
    tags: ['approval', d.kind, d.final.decision],
    related_ids: [d.approvalId, d.actionId, d.taskId],
    created_at: iso(d.decidedAt + 1000),
  })
  const day = iso(d.decidedAt).slice(0, 10)
  const key = `${d.agentId}|${day}`
  const tally = env.trust.get(key) ?? { agentId: d.agentId, tenantId: d.t.id, day, approved: 0, edited: 0, rejected: 0, errors: 0 }
  if (d.final.decision === 'approve') tally.approved++
  else if (d.final.decision === 'approve_with_edits') tally.edited++
  else if (d.final.decision === 'reject') tally.rejected++
  if (d.failed) tally.errors++
  env.trust.set(key, tally)
}

interface Escalated {
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
    (p) => p.id !== e.escalator && p.id !== e.requester && p.maxRisk >= e.risk && (p.limit === null || e.amount === null || p.limit >= e.amount),
  )
  return able.sort((a, b) => (a.limit === null ? 0 : 1) - (b.limit === null ? 0 : 1) || (b.limit ?? 0) - (a.limit ?? 0))[0]
}

/** An escalated approval opens an action-required escalation to the next authority. */
function escalate(env: LifecycleEnv, t: TenantCtx, e: Escalated, at: number): void {
  const { rng, now } = env
  const to = escalationTarget(t, e)
  if (!to) return
  const state = rng.weighted([['resolved', 5], ['acknowledged', 3], ['pending', 2]] as const)
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
    impact: [`risk ${e.risk}`, e.amount !== null ? `${money(e.amount)} ${e.currency}` : null, e.counterparty].filter(Boolean).join(' · '),
    recommendation: e.reason,
    status: state,
    acknowledged_by: state !== 'pending' ? to.id : null,
    acknowledged_at: state !== 'pending' ? iso(ackAt) : null,
    resolved_by: state === 'resolved' ? to.id : null,
    resolved_at: state === 'resolved' ? iso(resolvedAt) : null,
    resolution: state === 'resolved' ? rng.pick(['Approved by the controller outside the console.', 'Rejected; vendor to re-invoice.', 'Handled with the customer directly.']) : null,
    related_task_id: e.taskId,
    approval_id: e.approvalId,
    created_at: iso(at),
    updated_at: iso(state === 'resolved' ? resolvedAt : state === 'acknowledged' ? ackAt : at),
  })
  if (state !== 'pending') env.audit.push({ tenantId: t.id, at: ackAt, actorType: 'user', actorId: to.id, action: 'escalation.acknowledge', entityType: 'escalation', entityId: id, before: { status: 'pending' }, after: { status: 'acknowledged' } })
  if (state === 'resolved') env.audit.push({ tenantId: t.id, at: resolvedAt, actorType: 'user', actorId: to.id, action: 'escalation.resolve', entityType: 'escalation', entityId: id, before: { status: 'acknowledged' }, after: { status: 'resolved' } })
}

/** The thread on an approval: the agent explains, a reviewer asks, the agent answers. */
function thread(env: LifecycleEnv, t: TenantCtx, agent: { id: string; name: string }, approvalId: string, taskId: string, from: number, until: number): void {
  const { rng } = env
  const reviewer = rng.pick(t.deciders)
  let at = from + rng.int(1, 5) * 1000
  const span = Math.max(2 * MINUTE, until - from - MINUTE)
  const lines: [who: 'agent' | 'user', body: string][] = [
    ['agent', rng.pick([
      'I matched this against the source records; everything I used is linked as evidence.',
      'Flagging this one for a human because the amount is unusual for this counterparty.',
      'This follows the same pattern as last month; only the amount changed.',
    ])],
  ]
  if (rng.chance(0.7)) {
    lines.push(['user', rng.pick(['Why the full amount and not a partial?', 'Can you attach the original invoice?', 'Is this a duplicate of yesterday’s request?', 'Who asked for this?'])])
    lines.push(['agent', rng.pick(['Policy allows the full amount within 30 days; the order is 12 days old.', 'Attached: the invoice PDF is on the task. Amount matches line 3.', 'No — different order number and charge; I checked the last 7 days.', 'The team lead asked in the weekly ops review.'])])
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

export function flagHallucination(env: LifecycleEnv, t: TenantCtx, agentId: string, taskId: string | null, approvalId: string | null, at: number, status: ApprovalStatus | null): void {
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
  const verdict = open ? 'pending' : rng.weighted([['confirmed', 4], ['false_positive', 4], ['reviewed', 2]] as const)
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
    notes: verdict === 'confirmed' ? 'Claim not supported by the linked records.' : verdict === 'false_positive' ? 'Checked: the statement is correct.' : null,
    created_at: iso(at + MINUTE),
    updated_at: iso(reviewer ? reviewedAt : at + MINUTE),
  })
  env.audit.push({ tenantId: t.id, at: at + MINUTE, actorType: 'system', actorId: null, action: 'flag.raise', entityType: 'hallucination_flag', entityId: id, after: { status: 'pending', detection_method: method } })
  if (reviewer) env.audit.push({ tenantId: t.id, at: reviewedAt, actorType: 'user', actorId: reviewer.id, action: 'flag.review', entityType: 'hallucination_flag', entityId: id, before: { status: 'pending' }, after: { status: verdict } })
}
