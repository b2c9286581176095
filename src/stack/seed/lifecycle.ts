// One approval from request to outcome: the task and tool-call action behind it, the approval with
// its risk, flags and expiry, the decisions the rules allow (four-eyes, delegation), and what an
// accepted decision leaves behind — outbox envelope, agent memory, trust ledger, audit entries.
import { canonicalHash } from './canonical'
import { decideFate, initialState, statesAfter, type Fate } from './decide'
import type { BuildEnv, Draft, Finished } from './draft'
import { afterDecision, escalate, flagHallucination, remember, thread } from './effects'
import { authorities, type DecisionSubject, type Delegation } from './eligibility'
import { changesetDraft } from './kind-changeset'
import { journalDraft } from './kind-journal'
import { payoutDraft } from './kind-payout'
import { refundDraft } from './kind-refund'
import { spendDraft } from './kind-spend'
import { canEdit, toolCallDraft } from './kind-tool-call'
import { HOUR, MINUTE, TO_USD, iso, money, type AgentInfo, type ApprovalKind, type TenantCtx } from './model'
import type { PlanItem } from './plan'
import type { Rng } from './prng'
import type { AuditBuffer, ChunkSink } from './sink'
import { TOOLS } from './tools'
import { LLM_MODELS, POLICY_FLAGS, type PolicyFlag } from './vocab'

const BUILDERS: Record<ApprovalKind, (env: BuildEnv) => Draft> = {
  refund: refundDraft,
  payout: payoutDraft,
  journal_posting: journalDraft,
  changeset: changesetDraft,
  spend: spendDraft,
  tool_call: toolCallDraft,
}

/** Above these (USD) an amount is flagged as unusual for its kind. */
const P95_USD: Record<ApprovalKind, number> = {
  refund: 600,
  payout: 60000,
  journal_posting: 400000,
  spend: 15000,
  tool_call: 150000,
  changeset: Infinity,
}
const SERIOUS: readonly PolicyFlag[] = [
  'new_counterparty',
  'cross_border',
  'duplicate_suspected',
  'manual_override',
  'period_closed',
  'velocity_limit',
]

/** Per agent and day: what reviewers did with its requests (seed 000's trust ledger). */
export type TrustTally = Map<
  string,
  {
    agentId: string
    tenantId: string
    day: string
    approved: number
    edited: number
    rejected: number
    errors: number
  }
>

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

function pickAgent(
  rng: Rng,
  t: TenantCtx,
  kind: ApprovalKind | undefined,
): { kind: ApprovalKind; agent: AgentInfo } {
  const k = kind && t.raisers.has(kind) ? kind : rng.weighted(t.kinds)
  const raisers = t.raisers.get(k)!
  return {
    kind: k,
    agent: rng.weighted(raisers.map((a) => [a, a.raises.find(([x]) => x === k)![1]] as const)),
  }
}

/** Base risk of the request, one level per amount band crossed, up to two for serious flags, some noise. */
function riskOf(rng: Rng, draft: Draft, amountUsd: number | null, flags: PolicyFlag[]): number {
  let risk = draft.riskBase
  if (draft.bands.length > 0 && amountUsd !== null)
    risk += draft.bands.filter((b) => amountUsd >= b).length - 1
  risk += Math.min(2, flags.filter((f) => SERIOUS.includes(f)).length)
  if (rng.chance(0.12)) risk += rng.chance(0.5) ? 1 : -1
  return Math.max(0, Math.min(5, risk))
}

function policyFlags(
  draft: Draft,
  t: TenantCtx,
  kind: ApprovalKind,
  at: number,
  amountUsd: number | null,
): PolicyFlag[] {
  const flags = new Set<PolicyFlag>(draft.flags)
  const d = new Date(at)
  if (d.getUTCDay() === 0 || d.getUTCDay() === 6) flags.add('weekend_request')
  else if (d.getUTCHours() < 7 || d.getUTCHours() >= 20) flags.add('outside_business_hours')
  if (draft.currency && draft.currency !== t.base) flags.add('currency_mismatch')
  if (amountUsd !== null && amountUsd > P95_USD[kind]) flags.add('amount_above_p95')
  return [...flags]
}

/** Who asked (sometimes a person, for spend), who may decide, and whether it needs four eyes. */
function requestRules(
  env: LifecycleEnv,
  item: PlanItem,
  kind: ApprovalKind,
  risk: number,
  amount: number | null,
  amountUsd: number | null,
) {
  const { rng } = env
  const t = item.tenant
  const s = item.scenario
  if (s) {
    // A scenario item exercises exactly the rules it names, nothing drawn at random on top.
    const subject = {
      tenantId: t.id,
      risk,
      amount,
      requesterUserId: s.requestedByUser ?? null,
      approverIds: s.approverIds ?? [],
    }
    return { subject, required: s.requiredApprovals ?? 1 }
  }
  const requesterUserId = kind === 'spend' && rng.chance(0.08) ? rng.pick(t.deciders).id : null
  const subject: DecisionSubject = { tenantId: t.id, risk, amount, requesterUserId, approverIds: [] }
  if (rng.chance(0.08)) {
    const able = authorities(t.deciders, subject, item.createdAt, env.delegations).map((a) => a.reviewer.id)
    if (able.length > 0) subject.approverIds = rng.sample(able, rng.int(1, 2))
  }
  const required: 1 | 2 = (risk >= 4 && rng.chance(0.5)) || (amountUsd ?? 0) >= 100000 ? 2 : 1
  return { subject, required }
}

/** Generates one approval and everything around it into env.sink; returns the approval's id. */
export function buildApproval(item: PlanItem, env: LifecycleEnv, demoIds: ReadonlySet<string>): string {
  const { rng, now } = env
  const t = item.tenant
  const s = item.scenario
  const { kind, agent } = pickAgent(rng, t, s?.kind ?? item.kind)
  const want = s?.amount !== undefined ? { amount: s.amount, currency: s.currency } : undefined
  const draft = BUILDERS[kind]({ ...env.build, rng, tenant: t, agent, createdAt: item.createdAt, now, want })
  const amountUsd = draft.amount !== null && draft.currency ? draft.amount * TO_USD[draft.currency] : null
  const flags = policyFlags(draft, t, kind, item.createdAt, amountUsd)
  const risk = s?.risk ?? riskOf(rng, draft, amountUsd, flags)
  const { subject, required } = requestRules(env, item, kind, risk, draft.amount, amountUsd)

  const fate = decideFate(
    rng,
    {
      tenant: t,
      subject,
      status: item.status,
      required,
      createdAt: item.createdAt,
      expiresAt: item.expiresAt,
      firstApprover: s?.firstApprover,
    },
    now,
    env.delegations,
    demoIds,
  )
  const edited = fate.status === 'approved' && canEdit(draft.tool) && rng.chance(0.09)
  const failed = fate.status === 'approved' && rng.chance(0.03)
  const done = draft.finish({
    status: fate.status,
    edited,
    executed: fate.status === 'approved' && !failed,
    failed,
    decidedAt: fate.decidedAt,
  })
  if (edited) {
    const last = fate.decisions[fate.decisions.length - 1]!
    last.decision = 'approve_with_edits'
    last.reason = done.editReason ?? 'Edited before approving.'
  }
  const closedAt =
    fate.decidedAt ??
    (fate.status === 'expired'
      ? item.expiresAt
      : fate.status === 'cancelled'
        ? Math.min(now - MINUTE, item.createdAt + rng.int(10, 600) * MINUTE)
        : null)

  const ids = { approval: rng.uuid(), task: rng.uuid(), action: rng.uuid() }
  const request: Request = {
    item,
    kind,
    agent,
    draft,
    done,
    flags,
    risk,
    subject,
    fate,
    edited,
    failed,
    closedAt,
    ids,
  }
  writeWork(env, request)
  writeApproval(env, request)

  // Interim approvals (the first of four eyes) are remembered too; the final decision below.
  const about = {
    t,
    kind,
    approvalId: ids.approval,
    taskId: ids.task,
    actionId: ids.action,
    agentId: agent.id,
    title: done.title,
    risk,
    amount: draft.amount,
    currency: draft.currency,
  }
  const interim = fate.status === 'pending' ? fate.decisions : fate.decisions.slice(0, -1)
  interim.forEach((d, i) =>
    remember(env, about, d, 'pending', d.at, { count: i + 1, required: fate.required }),
  )
  const final = fate.status === 'pending' ? undefined : fate.decisions[fate.decisions.length - 1]
  if (final && fate.decidedAt !== null) {
    afterDecision(env, {
      ...about,
      final,
      status: fate.status,
      executed: fate.status === 'approved' && !failed,
      failed,
      decidedAt: fate.decidedAt,
      payloadHash: canonicalHash(edited ? done.finalArgs : done.args),
    })
    if (fate.status === 'escalated') {
      escalate(
        env,
        t,
        {
          agentId: agent.id,
          approvalId: ids.approval,
          taskId: ids.task,
          title: done.title,
          risk,
          amount: draft.amount,
          currency: draft.currency,
          counterparty: draft.counterparty,
          escalator: final.auth.reviewer.id,
          requester: subject.requesterUserId,
          reason: final.reason,
        },
        fate.decidedAt,
      )
    }
  }
  if (rng.chance(0.08) || (s && rng.chance(0.5)))
    thread(
      env,
      t,
      agent,
      ids.approval,
      ids.task,
      item.createdAt,
      fate.status === 'pending' ? now : (closedAt ?? now),
    )
  if (rng.chance(0.015))
    flagHallucination(env, t, agent.id, ids.task, ids.approval, item.createdAt, fate.status)
  return ids.approval
}

/** Everything known about one request once its fate is settled. */
interface Request {
  item: PlanItem
  kind: ApprovalKind
  agent: AgentInfo
  draft: Draft
  done: Finished
  flags: PolicyFlag[]
  risk: number
  subject: DecisionSubject
  fate: Fate
  edited: boolean
  failed: boolean
  closedAt: number | null
  ids: { approval: string; task: string; action: string }
}

/** The task, its model usage, the evidence records, and the tool-call action awaiting approval. */
function writeWork(env: LifecycleEnv, r: Request): void {
  const { rng, sink } = env
  const { item, agent, fate, done, ids } = r
  const t = item.tenant
  const status = fate.status
  const executed = status === 'approved' && !r.failed
  const spec = TOOLS[r.draft.tool]
  // One cost row per task: the agent's model usage for the whole task.
  const [provider, model, inPrice, outPrice] =
    agent.tier <= 2 ? rng.pick(LLM_MODELS.slice(0, 3)) : rng.pick(LLM_MODELS.slice(1))
  const input = Math.round(rng.logNormal(7000, 0.7, 800, 120000))
  const output = Math.round(rng.logNormal(1300, 0.6, 120, 16000))
  const cost = (input * inPrice + output * outPrice) / 1e6
  const taskStart = item.createdAt - rng.int(2, 40) * MINUTE
  sink.add('tasks', {
    id: ids.task,
    tenant_id: t.id,
    agent_id: agent.id,
    title: r.draft.taskTitle,
    description: done.taskDescription,
    status:
      status === 'pending'
        ? 'awaiting_approval'
        : status === 'escalated'
          ? 'blocked'
          : executed
            ? 'completed'
            : r.failed
              ? 'failed'
              : 'cancelled',
    priority: r.risk >= 4 ? 1 : r.risk === 3 ? 2 : r.risk === 2 ? 3 : 4,
    risk_level: r.risk,
    context: { source: spec.app, approval_kind: r.kind, tool: `${spec.app}.${spec.key}` },
    result: executed
      ? { outcome: 'done', approval_id: ids.approval }
      : status === 'pending' || status === 'escalated'
        ? null
        : { outcome: status, approval_id: ids.approval },
    due_at: iso(item.createdAt + rng.pick([4, 24, 48, 72]) * HOUR),
    blocked_reason: status === 'escalated' ? 'Waiting for the escalation to be resolved' : null,
    estimated_cost: money(Math.max(0.01, cost * (0.8 + rng.next() * 0.5))),
    actual_cost: money(cost),
    currency: 'USD',
    created_at: iso(taskStart),
    updated_at: iso(r.closedAt ?? item.createdAt),
  })
  sink.add('cost_transactions', {
    id: rng.uuid(),
    tenant_id: t.id,
    agent_id: agent.id,
    task_id: ids.task,
    provider,
    model,
    input_tokens: input,
    output_tokens: output,
    cost_amount: cost.toFixed(6),
    currency: 'USD',
    metadata: { steps: ['plan', 'gather_evidence', 'draft_request'] },
    created_at: iso(taskStart + MINUTE),
  })
  for (const [table, row] of done.rows) sink.add(table, row)
  sink.add('actions', {
    id: ids.action,
    tenant_id: t.id,
    task_id: ids.task,
    agent_id: agent.id,
    type: 'mcp.exec',
    tool: { app: spec.app, key: spec.key },
    args: r.edited ? done.finalArgs : done.args,
    risk: r.risk,
    approval_state:
      status === 'pending' || status === 'escalated'
        ? 'pending'
        : status === 'approved'
          ? 'approved'
          : status === 'expired'
            ? 'expired'
            : 'rejected',
    result:
      executed || r.failed
        ? done.actionResult
        : status === 'cancelled'
          ? { cancelled: true, reason: 'Superseded by a newer request from the agent' }
          : null,
    external_id: rng.uuid(),
    completed_at: executed && fate.decidedAt !== null ? iso(fate.decidedAt + rng.int(2, 120) * 1000) : null,
    created_at: iso(item.createdAt),
    updated_at: iso(r.closedAt ?? item.createdAt),
  })
}

/** The approval, its decisions, and their audit entries, as sync_push would have recorded them. */
function writeApproval(env: LifecycleEnv, r: Request): void {
  const { rng, sink } = env
  const { item, agent, draft, done, fate, ids } = r
  const t = item.tenant
  const payload = r.edited ? done.finalArgs : done.args
  const originalHash = canonicalHash(done.args)
  const finalHash = payload === done.args ? originalHash : canonicalHash(payload)
  const states = statesAfter(fate, originalHash, finalHash)
  let state = states[states.length - 1] ?? initialState(originalHash)
  if (fate.status === 'expired' || fate.status === 'cancelled')
    state = { ...state, status: fate.status, version: state.version + 1 }
  const requester = r.subject.requesterUserId
  const requesterName = requester ? (env.names.get(requester) ?? 'a colleague') : null
  const why = r.flags.length
    ? `\n\n**Why flagged**\n${r.flags.map((f) => `- \`${f}\`: ${POLICY_FLAGS[f]}`).join('\n')}`
    : ''
  sink.add('approvals', {
    id: ids.approval,
    tenant_id: t.id,
    kind: r.kind,
    task_id: ids.task,
    action_id: ids.action,
    title: done.title,
    summary: `${done.summary}${requesterName ? `\n\nRequested by ${requesterName}; prepared by ${agent.name}.` : ''}${why}`,
    risk_level: r.risk,
    amount:
      done.finalAmount !== null && r.edited
        ? money(done.finalAmount)
        : draft.amount !== null
          ? money(draft.amount)
          : null,
    currency: draft.currency,
    counterparty: draft.counterparty,
    policy_flags: r.flags,
    status: fate.status,
    requested_by_agent_id: agent.id,
    requested_by_user_id: requester,
    approver_ids: r.subject.approverIds,
    required_approvals: fate.required,
    payload,
    // The approvals_payload_hash trigger recomputes it (same canonical form); sent for completeness.
    payload_hash: finalHash,
    version: state.version,
    decided_by: state.decided_by,
    decided_at: state.decided_at,
    decision_reason: state.decision_reason,
    expires_at: iso(item.expiresAt),
    escalation_count: state.escalation_count,
    evidence: [{ table: 'tasks', id: ids.task }, ...done.evidence],
    created_at: iso(item.createdAt),
    updated_at: iso(r.closedAt ?? fate.decisions[fate.decisions.length - 1]?.at ?? item.createdAt),
  })

  env.audit.push({
    tenantId: t.id,
    at: item.createdAt,
    actorType: requester ? 'user' : 'agent',
    actorId: requester ?? agent.id,
    action: 'approval.requested',
    entityType: 'approval',
    entityId: ids.approval,
    after: {
      status: 'pending',
      kind: r.kind,
      risk_level: r.risk,
      amount: draft.amount,
      currency: draft.currency,
      payload_hash: originalHash,
    },
  })
  fate.decisions.forEach((d, i) => {
    const decisionId = rng.uuid()
    const mutationId = rng.uuid()
    sink.add('approval_decisions', {
      id: decisionId,
      tenant_id: t.id,
      approval_id: ids.approval,
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
      tenantId: t.id,
      at: d.at,
      actorType: 'user',
      actorId: d.auth.reviewer.id,
      action: `approval.${d.decision}`,
      entityType: 'approval',
      entityId: ids.approval,
      before: { ...(states[i - 1] ?? initialState(originalHash)) },
      after: { ...states[i]! },
      metadata,
    })
  })
  if (fate.status === 'expired') {
    env.audit.push({
      tenantId: t.id,
      at: item.expiresAt,
      actorType: 'system',
      actorId: null,
      action: 'approval.expired',
      entityType: 'approval',
      entityId: ids.approval,
      after: { status: 'expired', version: state.version },
      metadata: { expires_at: iso(item.expiresAt) },
    })
  } else if (fate.status === 'cancelled' && r.closedAt !== null) {
    env.audit.push({
      tenantId: t.id,
      at: r.closedAt,
      actorType: 'agent',
      actorId: agent.id,
      action: 'approval.cancelled',
      entityType: 'approval',
      entityId: ids.approval,
      after: { status: 'cancelled', version: state.version },
    })
  }
}
