// The domain half of the API contract: what the renderer reads from the replica and the intents it
// queues. Shapes are view models (camelCase, money as decimal strings), derived from the replica's
// rows by the core's query layer; the renderer never sees SQL or raw tables.
import { z } from 'zod'

const strict = z.strictObject
const empty = strict({})
const Id = z.guid()
const Timestamp = z.string() // ISO 8601
const Money = z.string().regex(/^-?\d{1,12}(\.\d{1,2})?$/) // numeric(14,2) as text, never a float
const Currency = z.string().regex(/^[A-Z]{3}$/)

export const ApprovalKind = z.enum(['tool_call', 'refund', 'payout', 'journal_posting', 'changeset', 'spend'])
export type ApprovalKind = z.infer<typeof ApprovalKind>
export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'escalated', 'expired', 'cancelled'])
export const DecisionKind = z.enum(['approve', 'approve_with_edits', 'reject', 'escalate'])
export type DecisionKind = z.infer<typeof DecisionKind>

/** A refusal carried by an item: the server's (after a push) or the replica's pre-flight check. */
export const Refusal = strict({ code: z.string(), message: z.string() })

// ───────────── inbox and detail ─────────────

export const InboxFilter = strict({
  kinds: z.array(ApprovalKind).max(6).optional(),
  minRisk: z.number().int().min(0).max(5).optional(),
  agentId: Id.optional(),
  tenantId: Id.optional(),
  amountMin: z.number().nonnegative().max(1e12).optional(),
  amountMax: z.number().nonnegative().max(1e12).optional(),
  /** Only requests in this currency (amount bounds then read in it). */
  currency: Currency.optional(),
  text: z.string().max(200).optional(),
  /** Needs me (what I may decide now) or Others (visible, not mine); both when absent. */
  lane: z.enum(['mine', 'others']).optional(),
})
export type InboxFilter = z.infer<typeof InboxFilter>

/**
 * A saved view: inbox filters kept under a name, recalled with the number key of its slot (1–9).
 * The lane is not part of it (Tab switches lanes under any view).
 */
export const SavedViewFilter = InboxFilter.omit({ lane: true })
export const SavedViewName = z.string().trim().min(1).max(60)
export const MAX_SAVED_VIEWS = 9
export const SavedView = strict({ id: Id, name: SavedViewName, filter: SavedViewFilter })
export type SavedView = z.infer<typeof SavedView>

export const ApprovalListItem = strict({
  id: Id,
  tenantId: Id,
  kind: ApprovalKind,
  title: z.string(),
  riskLevel: z.number().int(),
  amount: Money.nullable(),
  currency: Currency.nullable(),
  counterparty: z.string().nullable(),
  status: ApprovalStatus,
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  agentId: Id.nullable(),
  agentName: z.string().nullable(),
  policyFlags: z.array(z.string()),
  requiredApprovals: z.number().int(),
  approvalsSoFar: z.number().int(),
  /** Set when the last queued decision on this item was refused: why, to show on the row. */
  lastRefusal: Refusal.nullable(),
  /** Why the server would refuse my approval, when the replica can already tell. */
  preflight: Refusal.nullable(),
})
export type ApprovalListItem = z.infer<typeof ApprovalListItem>

export const Page = <T extends z.ZodType>(item: T) =>
  strict({ items: z.array(item), total: z.number().int().nonnegative() })

const Paging = {
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).max(10_000_000).default(0),
}

export const EvidenceRow = strict({
  table: z.string(),
  id: Id,
  label: z.string(),
  fields: z.record(z.string(), z.unknown()),
})
export const DecisionRecord = strict({
  id: Id,
  decision: DecisionKind,
  actorId: Id,
  actorName: z.string().nullable(),
  onBehalfOf: Id.nullable(),
  reason: z.string().nullable(),
  createdAt: Timestamp,
})
export const AuditEntry = strict({
  id: z.string(), // bigint as text
  tenantId: Id,
  occurredAt: Timestamp,
  actorType: z.enum(['user', 'agent', 'system']),
  actorId: z.string().nullable(),
  /** Who acted, in words: a reviewer or agent by name, "System", or the policy that decided. */
  actorName: z.string(),
  /** The actor is a tool policy that decided on its own (the entry's actor_id is the agent that asked). */
  byPolicy: z.boolean(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  /** What was touched, in words (an approval's title, counterparty and amount…); null when the replica does not hold it. */
  entityName: z.string().nullable(),
  beforeState: z.unknown(),
  afterState: z.unknown(),
  integrityHash: z.string(),
})
export const MessageRecord = strict({
  id: Id,
  fromType: z.enum(['user', 'agent']),
  fromId: Id,
  fromName: z.string().nullable(),
  body: z.string(),
  createdAt: Timestamp,
  queued: z.boolean(),
})
export const AgentSummary = strict({
  id: Id,
  tenantId: Id,
  name: z.string(),
  role: z.string().nullable(),
  kind: z.string(),
  tier: z.number().int(),
  autonomy: z.string(),
  status: z.string(),
  trustScore: z.number().nullable(),
})

export const OutboxStatus = z.enum(['pending', 'sending', 'sent', 'failed', 'dead', 'cancelled'])

/** What became of an approved action: its outbox envelope and the provider's answer. */
export const Execution = strict({
  outboxId: Id,
  status: OutboxStatus,
  /** Attempts made so far (failed ones, plus the one that went out). */
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: Timestamp.nullable(),
  sentAt: Timestamp.nullable(),
  /** The provider's answer (sent), or the error and reason (dead, cancelled). */
  result: z.unknown(),
  queuedAt: Timestamp,
})
export type Execution = z.infer<typeof Execution>

/** Where an agent's request came from and what routed it (approvals.origin); null for other requests. */
export const RequestOrigin = strict({
  agentName: z.string().nullable(),
  /** The agent's idempotency key (the action's external_id). */
  externalId: z.string().nullable(),
  policyId: Id.nullable(),
  policyName: z.string().nullable(),
  route: z.enum(['auto', 'required', 'four_eyes', 'deny']).nullable(),
  rule: z.string().nullable(),
})

export const ApprovalDetail = strict({
  item: ApprovalListItem,
  /** After an approval: the action's delivery (queued → sent with the result, or the error); null before. */
  execution: Execution.nullable(),
  summary: z.string().nullable(),
  payload: z.unknown(),
  payloadHash: z.string(),
  version: z.number().int(),
  /** The tool's JSON schema for approve-with-edits, when the approval is a tool call with one. */
  toolSchema: z.unknown().nullable(),
  tool: strict({ app: z.string(), key: z.string() }).nullable(),
  requestedByUserId: Id.nullable(),
  agent: AgentSummary.nullable(),
  origin: RequestOrigin.nullable(),
  evidence: z.array(EvidenceRow),
  decisions: z.array(DecisionRecord),
  audit: z.array(AuditEntry),
  messages: z.array(MessageRecord),
  changeset: strict({
    id: Id,
    title: z.string(),
    status: z.string(),
    patches: z.array(strict({ path: z.string(), diff: z.string() })),
  }).nullable(),
})
export type ApprovalDetail = z.infer<typeof ApprovalDetail>

// ───────────── intents and the local queue ─────────────

export const IntentKind = z.enum([
  'approval.decide',
  'escalation.acknowledge',
  'escalation.resolve',
  'flag.review',
  'changeset.review',
  'snooze.set',
  'message.send',
  'approval.reassign',
  'outbox.retry',
  'outbox.cancel',
  'agent.suspend',
  'agent.resume',
  'policy.set',
])
export type IntentKind = z.infer<typeof IntentKind>

const Reason = z.string().trim().max(4000)

// ───────────── tool policies (agent_policy_schema() on the server states the same shape) ─────────────

export const PolicyRoute = z.enum(['auto', 'required', 'four_eyes', 'deny'])
export type PolicyRoute = z.infer<typeof PolicyRoute>
const Amount = z.number().min(0).max(1e12)
const RiskLevel = z.number().int().min(0).max(5)
const Trust = z.number().min(0).max(1)

/** Conditions of a rule, all of which must hold; amounts in the tenant's base currency, hours local. */
export const PolicyWhen = strict({
  amount_above: Amount.optional(),
  amount_at_most: Amount.optional(),
  risk_above: RiskLevel.optional(),
  risk_at_most: RiskLevel.optional(),
  trust_below: Trust.optional(),
  trust_at_least: Trust.optional(),
  from_hour: z.number().int().min(0).max(23).optional(),
  until_hour: z.number().int().min(1).max(24).optional(),
})
export type PolicyWhen = z.infer<typeof PolicyWhen>

export const PolicyRule = strict({ name: z.string().min(1).max(100), route: PolicyRoute, when: PolicyWhen })
export type PolicyRule = z.infer<typeof PolicyRule>

/** A tool's policy: the first rule whose conditions all hold routes a request, else `approval`. */
export const ToolPolicy = strict({
  name: z.string().max(200).optional(),
  approval: PolicyRoute,
  risk: RiskLevel.nullable().optional(),
  expires_in_seconds: z.number().int().min(60).max(2_592_000).optional(),
  approver_ids: z
    .array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/))
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'approvers are named once each')
    .optional(),
  rules: z.array(PolicyRule).max(50).optional(),
})
export type ToolPolicy = z.infer<typeof ToolPolicy>

/** Each intent's arguments, as sync_push receives them (snake_case: they go to the server unchanged). */
export const IntentArgs = {
  'approval.decide': strict({
    approval_id: Id,
    decision: DecisionKind,
    version_seen: z.number().int().nonnegative(),
    payload_hash_seen: z.string().max(200),
    reason: Reason.optional(),
    edited_payload: z.unknown().optional(),
    on_behalf_of: Id.optional(),
  }),
  'escalation.acknowledge': strict({ escalation_id: Id }),
  'escalation.resolve': strict({ escalation_id: Id, resolution: Reason.min(1) }),
  'flag.review': strict({
    flag_id: Id,
    verdict: z.enum(['confirmed', 'false_positive']),
    notes: Reason.optional(),
  }),
  'changeset.review': strict({
    changeset_id: Id,
    verdict: z.enum(['approved', 'rejected']),
    comment: Reason.optional(),
  }),
  'snooze.set': strict({ approval_id: Id, until: Timestamp.nullable() }),
  'message.send': strict({
    body: z.string().trim().min(1).max(4000),
    approval_id: Id.optional(),
    task_id: Id.optional(),
    to_agent_id: Id.optional(),
  }),
  /** Hands a request to a colleague who could decide it; the server checks that they could. */
  'approval.reassign': strict({
    approval_id: Id,
    to_user_id: Id,
    version_seen: z.number().int().nonnegative(),
    note: Reason.optional(),
  }),
  'outbox.retry': strict({ outbox_id: Id, reason: Reason.optional() }),
  'outbox.cancel': strict({ outbox_id: Id, reason: Reason.optional() }),
  'agent.suspend': strict({ agent_id: Id, reason: Reason.optional() }),
  'agent.resume': strict({ agent_id: Id, reason: Reason.optional() }),
  /** The tenant's policy for a tool, or one agent's override of it (agent_id). */
  'policy.set': strict({ tool_id: Id, agent_id: Id.optional(), policy: ToolPolicy }),
} as const satisfies Record<IntentKind, z.ZodType>

const intentOf = <K extends IntentKind>(kind: K) => strict({ kind: z.literal(kind), args: IntentArgs[kind] })

/** What the renderer asks to queue: one intent kind with its arguments. */
export const NewIntent = z.discriminatedUnion('kind', [
  intentOf('approval.decide'),
  intentOf('escalation.acknowledge'),
  intentOf('escalation.resolve'),
  intentOf('flag.review'),
  intentOf('changeset.review'),
  intentOf('snooze.set'),
  intentOf('message.send'),
  intentOf('approval.reassign'),
  intentOf('outbox.retry'),
  intentOf('outbox.cancel'),
  intentOf('agent.suspend'),
  intentOf('agent.resume'),
  intentOf('policy.set'),
])
export type NewIntent = z.infer<typeof NewIntent>

export const IntentState = z.enum(['held', 'queued', 'sending', 'applied', 'rejected', 'conflict'])

export const Intent = strict({
  clientMutationId: Id,
  kind: IntentKind,
  args: z.record(z.string(), z.unknown()),
  state: IntentState,
  createdAt: Timestamp,
  holdUntil: Timestamp,
  attempts: z.number().int(),
  /** For rejected / conflict: the server's code and message, and what to do next. */
  refusal: Refusal.nullable(),
  /** A human label: "Approve · Refund 1,240.00 EUR to Contoso". */
  label: z.string(),
})
export type Intent = z.infer<typeof Intent>

// ───────────── the other views ─────────────

export const Counts = strict({
  /** Needs me: what this reviewer may decide now (the badges, the dock and the title count this). */
  inbox: z.number().int(),
  /** Others: pending, visible, not mine to decide now; never a badge. */
  inboxOthers: z.number().int(),
  queue: z.number().int(),
  refused: z.number().int(),
  escalations: z.number().int(),
  flags: z.number().int(),
  changesets: z.number().int(),
  byTenant: z.record(z.string(), z.number().int()),
})

export const TenantSummary = strict({
  id: Id,
  name: z.string(),
  slug: z.string(),
  kind: z.string(),
  parentTenantId: Id.nullable(),
  memberRole: z.string().nullable(),
})

export const TenantScope = strict({ tenantId: Id.optional() })

/** My intent on a row of the other views: on its way (state), or refused (refusal) until dismissed. */
const IntentMark = {
  pendingIntent: IntentState.nullable(),
  lastRefusal: Refusal.nullable(),
}

/** A task as the review views show it beside an escalation or a flag. */
export const TaskSummary = strict({
  id: Id,
  title: z.string(),
  status: z.string(),
  description: z.string().nullable(),
  priority: z.number().int(),
  dueAt: Timestamp.nullable(),
  blockedReason: z.string().nullable(),
})
export type TaskSummary = z.infer<typeof TaskSummary>

export const EscalationItem = strict({
  id: Id,
  tenantId: Id,
  type: z.enum(['awareness', 'action_required']),
  trigger: z.string(),
  context: z.string(),
  impact: z.string(),
  recommendation: z.string().nullable(),
  status: z.enum(['pending', 'acknowledged', 'resolved']),
  fromAgentId: Id,
  fromAgentName: z.string().nullable(),
  toUserId: Id.nullable(),
  toAgentId: Id.nullable(),
  toAgentName: z.string().nullable(),
  approvalId: Id.nullable(),
  approvalTitle: z.string().nullable(),
  relatedTaskId: Id.nullable(),
  /** The related task, read with the row so it is one key away offline. */
  task: TaskSummary.nullable(),
  createdAt: Timestamp,
  acknowledgedAt: Timestamp.nullable(),
  acknowledgedByName: z.string().nullable(),
  resolvedAt: Timestamp.nullable(),
  resolvedByName: z.string().nullable(),
  resolution: z.string().nullable(),
  ...IntentMark,
  /** Why the server would refuse my acknowledging or resolving it (my role may not), when the replica can tell. */
  preflight: Refusal.nullable(),
  /** Which step my intent on its way takes, so a queued acknowledge still allows resolving. */
  pendingKind: z.enum(['escalation.acknowledge', 'escalation.resolve']).nullable(),
})
export type EscalationItem = z.infer<typeof EscalationItem>

export const FlagItem = strict({
  id: Id,
  tenantId: Id,
  agentId: Id,
  agentName: z.string().nullable(),
  taskId: Id.nullable(),
  task: TaskSummary.nullable(),
  approvalId: Id.nullable(),
  approvalTitle: z.string().nullable(),
  detectionMethod: z.string(),
  confidenceScore: z.number().nullable(),
  flaggedContent: z.string().nullable(),
  status: z.enum(['pending', 'reviewed', 'false_positive', 'confirmed']),
  reviewedAt: Timestamp.nullable(),
  reviewedByName: z.string().nullable(),
  notes: z.string().nullable(),
  createdAt: Timestamp,
  ...IntentMark,
  /** Why the server would refuse my review (my role may not review flags), when the replica can tell. */
  preflight: Refusal.nullable(),
  /** The verdict my review on its way gives. */
  pendingVerdict: z.enum(['confirmed', 'false_positive']).nullable(),
})
export type FlagItem = z.infer<typeof FlagItem>

/** The Outbox view's row: an approved action on its way out, or what became of it. */
export const OutboxItem = strict({
  id: Id,
  tenantId: Id,
  actionId: Id,
  tool: strict({ app: z.string(), key: z.string() }),
  args: z.unknown(),
  approvalId: Id.nullable(),
  approvalTitle: z.string().nullable(),
  agentId: Id.nullable(),
  agentName: z.string().nullable(),
  execution: Execution,
  ...IntentMark,
  /** Why the server would refuse my retry or cancel (my role may not), when the replica can tell. */
  preflight: Refusal.nullable(),
  pendingKind: z.enum(['outbox.retry', 'outbox.cancel']).nullable(),
})
export type OutboxItem = z.infer<typeof OutboxItem>
export const OutboxFilter = z.enum(['open', 'sent', 'dead', 'all'])

export const ChangesetItem = strict({
  id: Id,
  tenantId: Id,
  title: z.string(),
  description: z.string().nullable(),
  status: z.enum(['draft', 'pending_review', 'approved', 'rejected', 'applied']),
  agentId: Id.nullable(),
  agentName: z.string().nullable(),
  patchCount: z.number().int(),
  createdAt: Timestamp,
  reviewedAt: Timestamp.nullable(),
  reviewedByName: z.string().nullable(),
  reviewComment: z.string().nullable(),
  /** Why the server would refuse my review (I wrote it, or my role may not review), when the replica can tell. */
  preflight: Refusal.nullable(),
  ...IntentMark,
  /** The verdict my review on its way gives, so its row reads "Approve · Queued". */
  pendingVerdict: z.enum(['approved', 'rejected']).nullable(),
})
export type ChangesetItem = z.infer<typeof ChangesetItem>

export const ChangesetDetail = strict({
  item: ChangesetItem,
  patches: z.array(strict({ path: z.string(), diff: z.string() })),
})

/** An agent with its trust over the last 30 days and its spend against budget. */
export const AgentListItem = strict({
  agent: AgentSummary,
  approvedNoEdit: z.number().int(),
  edited: z.number().int(),
  rejected: z.number().int(),
  /** The currency the agent spent most in over 30 days: costToday and costLast30Days count only it, as the detail charts it. */
  costCurrency: Currency,
  costToday: z.string(),
  costLast30Days: z.string(),
  maxCostPerDay: Money.nullable(),
})

export const TrustDay = strict({
  day: z.string(), // YYYY-MM-DD
  approvedNoEdit: z.number().int(),
  edited: z.number().int(),
  rejected: z.number().int(),
  errors: z.number().int(),
  complaints: z.number().int(),
  score: z.number().nullable(),
})

/** One day of an agent's record for the Agents view's charts: how its requests were decided, what it spent. */
export const AgentDay = strict({
  day: z.string(), // YYYY-MM-DD, UTC
  approvedNoEdit: z.number().int(),
  edited: z.number().int(),
  rejected: z.number().int(),
  score: z.number().nullable(),
  /** Spend that day in the agent's item.costCurrency. */
  cost: Money,
})

/** A request the agent raised, and how it was decided (the latest decision on it, if any). */
export const AgentRequest = strict({
  id: Id,
  tenantId: Id,
  kind: ApprovalKind,
  title: z.string(),
  riskLevel: z.number().int(),
  amount: Money.nullable(),
  currency: Currency.nullable(),
  status: ApprovalStatus,
  createdAt: Timestamp,
  decision: DecisionKind.nullable(),
  /** The reviewer who decided, or the policy that decided on its own ("Policy: tiny (auto)"). */
  decidedByName: z.string().nullable(),
  decidedAt: Timestamp.nullable(),
  reason: z.string().nullable(),
  /** The policy rule that decided it without a person (auto-approved or denied), else null. */
  policyRule: z.string().nullable(),
})

export const AgentDetail = strict({
  item: AgentListItem,
  department: z.string().nullable(),
  /** Every day of the window, oldest first, zero on days without activity. */
  days: z.array(AgentDay),
  /** Spend in currencies other than item.costCurrency (which is charted against max_cost_per_day): listed apart, never summed in. */
  otherCosts: z.array(strict({ currency: Currency, amount: Money })),
  requests: z.array(AgentRequest),
})
export type AgentDetail = z.infer<typeof AgentDetail>

/** The Audit view's filters; its CSV export takes the same ones, so the file holds what the screen shows. */
export const AuditFilter = strict({
  ...TenantScope.shape,
  actorType: z.enum(['user', 'agent', 'system']).optional(),
  actorId: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  /** occurred_at ≥ from and < to (ISO 8601). */
  from: Timestamp.optional(),
  to: Timestamp.optional(),
})
export type AuditFilter = z.infer<typeof AuditFilter>

/** What an auditor can export: the audit log (filtered), my decision history, the segregation-of-duties report. */
export const ExportRequest = z.discriminatedUnion('kind', [
  strict({ kind: z.literal('audit'), filter: AuditFilter.default({}) }),
  strict({ kind: z.literal('history') }),
  strict({ kind: z.literal('sod'), ...TenantScope.shape }),
])
export type ExportRequest = z.infer<typeof ExportRequest>

export const CsvFile = strict({ filename: z.string(), csv: z.string(), rows: z.number().int().nonnegative() })

/** An approving decision by the approval's requester, for them, or by their delegate at the time. */
export const SodViolation = strict({
  decisionId: Id,
  approvalId: Id,
  tenantId: Id,
  tenantSlug: z.string().nullable(),
  title: z.string(),
  kind: ApprovalKind,
  amount: Money.nullable(),
  currency: Currency.nullable(),
  requesterId: Id,
  requesterName: z.string().nullable(),
  decision: z.enum(['approve', 'approve_with_edits']),
  decidedAt: Timestamp,
  actorId: Id,
  actorName: z.string().nullable(),
  onBehalfOf: Id.nullable(),
  onBehalfOfName: z.string().nullable(),
  reason: z.string().nullable(),
  rule: z.enum(['requester_approved', 'approved_for_requester', 'requester_delegate']),
})

/** The segregation-of-duties report: how many approvals with approving decisions were checked, and what broke the rule. */
export const SodReport = strict({ checked: z.number().int().nonnegative(), violations: z.array(SodViolation) })

/** What the Audit view's filters offer: the actions, entity types and actors in the (scoped) log. */
export const AuditFacets = strict({
  actions: z.array(z.string()),
  entityTypes: z.array(z.string()),
  actors: z.array(strict({ type: z.enum(['user', 'agent', 'system']), id: z.string(), name: z.string().nullable() })),
})

export const AuditVerdict = strict({
  tenantId: Id,
  /** Entries verified: the whole chain when ok, else those before the broken one. */
  entries: z.number().int(),
  ok: z.boolean(),
  /**
   * What does not verify, and why. prev_hash / integrity_hash: entry `id`'s link to the one before,
   * or its own content. tail_deleted: the chain ends at `after` (null: no entry left) but its head
   * (or a head this console witnessed) is entry `id`. rewritten: entry `id`, whose hash this console
   * witnessed on `witnessedAt`, is no longer that entry (the chain was recomputed from an earlier
   * point); the first changed entry lies after `after` (the last witnessed entry still intact).
   */
  brokenAt: strict({
    id: z.string(),
    reason: z.enum(['prev_hash', 'integrity_hash', 'tail_deleted', 'rewritten']),
    after: z.string().nullable().optional(),
    witnessedAt: z.string().nullable().optional(),
  }).nullable(),
})

export const Reassignee = strict({ userId: Id, name: z.string(), email: z.string(), role: z.string() })
export type Reassignee = z.infer<typeof Reassignee>

// ───────────── the policy editor ─────────────

export const PolicyTool = strict({
  id: Id,
  tenantId: Id,
  app: z.string(),
  key: z.string(),
  writeAllowed: z.boolean(),
  riskDefault: z.number().int(),
})

/** A tool's policies as the server holds them now (read online), and who could be named approver. */
export const PolicyEditorState = strict({
  tool: PolicyTool,
  baseCurrency: Currency,
  /** The agent whose override is edited; null for the tenant's policy. */
  agent: strict({ id: Id, name: z.string() }).nullable(),
  /** The policy being edited as saved; null when there is none yet (`inherited` applies). */
  saved: ToolPolicy.nullable(),
  savedAt: Timestamp.nullable(),
  /** What applies when `saved` is null: the tenant's policy (for an override) or the tool's defaults. */
  inherited: ToolPolicy,
  /** Members who may decide approvals in the tool's tenant: the approvers a policy may name. */
  approvers: z.array(strict({ id: Id, name: z.string() })),
  /** The tenant's agents, for an override. */
  agents: z.array(strict({ id: Id, name: z.string() })),
})
export type PolicyEditorState = z.infer<typeof PolicyEditorState>

/** One decided request the draft would have auto-approved although a person rejected or edited it. */
export const BacktestCase = strict({
  approvalId: Id,
  title: z.string().nullable(),
  agentName: z.string().nullable(),
  amount: Money.nullable(),
  currency: Currency.nullable(),
  outcome: z.enum(['rejected', 'edited']),
  decidedByName: z.string().nullable(),
  decidedAt: Timestamp.nullable(),
})

/** What a draft would have done with the last `days` of decided requests (agent_policy_backtest). */
export const BacktestResult = strict({
  days: z.number().int(),
  decided: z.number().int(),
  wouldAutoApprove: z.number().int(),
  wouldAutoApproveRejected: z.number().int(),
  wouldAutoApproveEdited: z.number().int(),
  wouldDeny: z.number().int(),
  wouldDenyApproved: z.number().int(),
  wouldRequire: z.number().int(),
  /** Up to 50 of the requests behind the two counts above, each as the replica knows it. */
  cases: z.array(BacktestCase),
})
export type BacktestResult = z.infer<typeof BacktestResult>

export const domainMethods = {
  'tenants.list': { args: empty, result: z.array(TenantSummary) },
  'inbox.list': {
    args: strict({ filter: InboxFilter.default({}), ...Paging }),
    result: Page(ApprovalListItem),
  },
  'inbox.counts': { args: TenantScope, result: Counts },
  /**
   * Pending requests I can see (either lane) whose title or counterparty holds every word, or whose
   * amount is a number typed: what the palette offers to jump to. Most urgent first, a few at most.
   */
  'inbox.find': {
    args: strict({ query: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(20).default(8) }),
    result: z.array(ApprovalListItem),
  },
  /** The signed-in reviewer's saved views on this backend, in slot order (1–9). */
  'views.list': { args: empty, result: z.array(SavedView) },
  /** Saves filters under a name: a view of that name gets them, else a new one takes the next slot. */
  'views.save': { args: strict({ name: SavedViewName, filter: SavedViewFilter }), result: z.array(SavedView) },
  'views.rename': { args: strict({ id: Id, name: SavedViewName }), result: z.array(SavedView) },
  'views.delete': { args: strict({ id: Id }), result: z.array(SavedView) },

  'approvals.detail': { args: strict({ id: Id }), result: ApprovalDetail },
  /** Colleagues who could decide this approval if it were handed to them (delegate / reassign). */
  'approvals.reassignees': { args: strict({ id: Id }), result: z.array(Reassignee) },
  'intents.create': { args: NewIntent, result: Intent },
  'intents.undo': { args: strict({ clientMutationId: Id }), result: strict({ undone: z.boolean() }) },
  /** Clears a rejected / conflict intent from the queue once the reviewer has read it. */
  'intents.dismiss': { args: strict({ clientMutationId: Id }), result: strict({ dismissed: z.boolean() }) },
  'queue.list': { args: empty, result: z.array(Intent) },
  'history.list': { args: strict({ ...Paging }), result: Page(Intent) },
  'escalations.list': {
    args: strict({ status: z.enum(['open', 'resolved', 'all']).default('open'), ...TenantScope.shape, ...Paging }),
    result: Page(EscalationItem),
  },
  'flags.list': {
    args: strict({ status: z.enum(['pending', 'reviewed', 'all']).default('pending'), ...TenantScope.shape, ...Paging }),
    result: Page(FlagItem),
  },
  'changesets.list': {
    args: strict({ status: z.enum(['pending_review', 'all']).default('pending_review'), ...TenantScope.shape, ...Paging }),
    result: Page(ChangesetItem),
  },
  'changesets.detail': { args: strict({ id: Id }), result: ChangesetDetail },
  /** Approved actions by delivery state: open = pending, sending or failed (waiting to retry). */
  'outbox.list': {
    args: strict({ status: OutboxFilter.default('open'), ...TenantScope.shape, ...Paging }),
    result: Page(OutboxItem),
  },
  'agents.list': { args: TenantScope, result: z.array(AgentListItem) },
  'agents.trust': { args: strict({ agentId: Id, days: z.number().int().min(1).max(365).default(30) }), result: z.array(TrustDay) },
  /** An agent with its trust and spend day by day and its recent requests with how they were decided. */
  'agents.detail': {
    args: strict({ agentId: Id, days: z.number().int().min(7).max(90).default(30), requests: z.number().int().min(1).max(100).default(20) }),
    result: AgentDetail,
  },
  'audit.list': { args: strict({ ...AuditFilter.shape, ...Paging }), result: Page(AuditEntry) },
  'audit.facets': { args: TenantScope, result: AuditFacets },
  /** Where an entry sits in the filtered log (offset, newest first), so the view can page to it; null when filtered out. */
  'audit.locate': {
    args: strict({ ...AuditFilter.shape, id: z.string().regex(/^\d{1,19}$/) }),
    result: strict({ offset: z.number().int().nonnegative().nullable() }),
  },
  /** Recomputes a tenant's audit hash chain from the replica and names the first entry that breaks it. */
  'audit.verify': { args: strict({ tenantId: Id }), result: AuditVerdict },
  /** Builds a CSV (RFC 4180) from the replica; the renderer saves it as a file. */
  'exports.csv': { args: ExportRequest, result: CsvFile },
  /** The segregation-of-duties report from the replica, within the tenant scope. */
  'reports.sod': { args: TenantScope, result: SodReport },
  /** Tools whose policy the reviewer may edit (policies:manage in the tool's tenant), from the replica. */
  'policies.tools': { args: TenantScope, result: z.array(PolicyTool) },
  /** A tool's policy (or one agent's override) as the server holds it now: needs the network. */
  'policies.get': { args: strict({ toolId: Id, agentId: Id.optional() }), result: PolicyEditorState },
  /** A draft policy run over the last 90 days of decided requests on the server: needs the network. */
  'policies.backtest': {
    args: strict({ toolId: Id, agentId: Id.optional(), policy: ToolPolicy }),
    result: BacktestResult,
  },
} as const

export const domainEvents = {
  /** An intent changed state (sent, applied, refused): the toast and the Queue view follow it. */
  'intent.changed': Intent,
  /** While audit.verify runs: entries checked so far of the tenant's total, for the progress bar. */
  'audit.verifyProgress': strict({ tenantId: Id, checked: z.number().int(), total: z.number().int() }),
} as const
