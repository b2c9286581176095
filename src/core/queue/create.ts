// Turns a reviewer's action into a queued intent: checks what the replica can already tell (the
// item exists, nothing else of mine is on its way for it, the pre-flight rules), names it for the
// Queue view, sets its hold window (longer for high risk), and writes it durably.
import { randomUUID } from 'node:crypto'
import type { PGliteInterface } from '@electric-sql/pglite'
import { CONFIRM_RISK } from '../../shared/confirm-risk'
import type { NewIntent } from '../../shared/contract-domain'
import { ApiError } from '../../shared/errors'
import { unstorable } from '../../shared/storable'
import { loadPreflightSubject, preflight, releasedMoney, type ReviewerContext } from '../queries/standing'
import { insertIntent, type IntentRow } from './intents'
import { manageRefusal } from '../queries/outbox'

export type CreateIntentInput = NewIntent

export interface CreateOptions {
  reviewer: ReviewerContext
  holdSeconds: number
}

const VERBS: Record<string, string> = {
  approve: 'Approve',
  approve_with_edits: 'Approve with edits',
  reject: 'Reject',
  escalate: 'Escalate',
}

interface Described {
  targetId: string | null
  label: string
  riskLevel: number
}

export async function createIntent(db: PGliteInterface, input: CreateIntentInput, o: CreateOptions): Promise<IntentRow> {
  // Refused here, with its reason, rather than queued to fail the push it would travel in.
  const unfit = unstorable(input.args)
  if (unfit) throw new ApiError('invalid_input', unfit)
  const described = await describe(db, input, o)
  const holdMs = o.holdSeconds * 1000 * (described.riskLevel >= CONFIRM_RISK ? 2 : 1)
  const now = o.reviewer.now
  return insertIntent(db, {
    clientMutationId: randomUUID(),
    userId: o.reviewer.userId,
    kind: input.kind,
    args: input.args,
    targetId: described.targetId,
    label: described.label,
    createdAt: now,
    holdUntil: new Date(now.getTime() + holdMs),
  })
}

async function describe(db: PGliteInterface, input: CreateIntentInput, o: CreateOptions): Promise<Described> {
  switch (input.kind) {
    case 'approval.decide':
      return describeDecision(db, input.args, o)
    case 'snooze.set': {
      const approval = await approvalRow(db, input.args.approval_id)
      const until = input.args.until
      const label = until ? `Snooze until ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')}` : 'Unsnooze'
      return { targetId: approval.id, label: `${label} · ${approval.title}`, riskLevel: 0 }
    }
    case 'approval.reassign': {
      const approval = await approvalRow(db, input.args.approval_id)
      if (approval.requested_by_user_id === o.reviewer.userId) throw new ApiError('self_approval')
      const to = await db.query<{ name: string }>(`select coalesce(full_name, email) as name from profiles where id = $1`, [input.args.to_user_id])
      const name = to.rows[0]?.name
      if (!name) throw new ApiError('reassign_target_cannot_decide', 'That person is not a member here.')
      return { targetId: approval.id, label: `Reassign to ${name} · ${approval.title}`, riskLevel: 0 }
    }
    case 'message.send': {
      const a = input.args
      const preview = a.body.replace(/\s+/g, ' ').slice(0, 60)
      return { targetId: a.approval_id ?? a.task_id ?? a.to_agent_id ?? null, label: `Message · ${preview}`, riskLevel: 0 }
    }
    case 'policy.set': {
      const a = input.args
      const tool = await one<{ app: string; tool_key: string }>(
        db,
        `select app, tool_key from tools where id = $1 and deleted_at is null`,
        [a.tool_id],
      )
      const agent = a.agent_id
        ? await one<{ name: string }>(db, `select name from agents where id = $1 and deleted_at is null`, [a.agent_id])
        : null
      const scope = agent ? ` for ${agent.name}` : ''
      return { targetId: a.tool_id, label: `Set policy · ${tool.app}.${tool.tool_key}${scope} → ${a.policy.approval}`, riskLevel: 0 }
    }
    case 'agent.suspend':
    case 'agent.resume': {
      const row = await one<{ id: string; name: string }>(
        db,
        `select id, name from agents where id = $1 and deleted_at is null`,
        [input.args.agent_id],
      )
      return { targetId: row.id, label: `${input.kind === 'agent.suspend' ? 'Suspend' : 'Resume'} agent · ${row.name}`, riskLevel: 0 }
    }
    case 'escalation.acknowledge':
    case 'escalation.resolve': {
      const row = await one<{ id: string; context: string; status: string }>(
        db,
        `select id, context, status from escalations where id = $1 and deleted_at is null`,
        [input.args.escalation_id],
      )
      if (row.status === 'resolved') throw new ApiError('invalid_state')
      const verb = input.kind === 'escalation.acknowledge' ? 'Acknowledge' : 'Resolve'
      return { targetId: row.id, label: `${verb} · ${row.context.slice(0, 80)}`, riskLevel: 0 }
    }
    case 'flag.review': {
      const row = await one<{ id: string; flagged_content: string | null }>(
        db,
        `select id, flagged_content from hallucination_flags where id = $1 and deleted_at is null`,
        [input.args.flag_id],
      )
      const verb = input.args.verdict === 'confirmed' ? 'Confirm flag' : 'Mark false positive'
      return { targetId: row.id, label: `${verb} · ${(row.flagged_content ?? '').slice(0, 60)}`, riskLevel: 0 }
    }
    case 'outbox.retry':
    case 'outbox.cancel': {
      const row = await one<{ id: string; tenant_id: string; status: string; app: string; key: string }>(
        db,
        `select o.id, o.tenant_id, o.status, ac.tool->>'app' as app, ac.tool->>'key' as key
           from outbox o join actions ac on ac.id = o.action_id where o.id = $1`,
        [input.args.outbox_id],
      )
      // The same state rules as push_intent_outbox_retry / _cancel, so nothing is queued to be refused.
      const retry = input.kind === 'outbox.retry'
      if (retry ? row.status !== 'dead' : !['pending', 'failed'].includes(row.status)) {
        throw new ApiError(
          'invalid_state',
          retry
            ? `Only a dead delivery can be retried; this one is ${row.status}.`
            : `Only a delivery that has not gone out can be cancelled; this one is ${row.status}.`,
        )
      }
      const refusal = manageRefusal(o.reviewer, row.tenant_id)
      if (refusal) throw new ApiError('forbidden', refusal.message)
      return { targetId: row.id, label: `${retry ? 'Retry' : 'Cancel'} delivery · ${row.app}.${row.key}`, riskLevel: 0 }
    }
    case 'changeset.review': {
      const row = await one<{ id: string; title: string }>(
        db,
        `select id, title from changesets where id = $1 and deleted_at is null`,
        [input.args.changeset_id],
      )
      const verb = input.args.verdict === 'approved' ? 'Approve change set' : 'Request changes on change set'
      return { targetId: row.id, label: `${verb} · ${row.title}`, riskLevel: 0 }
    }
  }
}

interface ApprovalForIntent {
  id: string
  tenant_id: string
  title: string
  risk_level: number
  amount: string | null
  currency: string | null
  counterparty: string | null
  status: string
  expires_at: Date | null
  requested_by_user_id: string | null
  approver_ids: string[]
  required_approvals: number
}

const APPROVAL_COLUMNS = `a.id, a.tenant_id, a.title, a.risk_level, a.amount::text as amount, a.currency::text as currency,
  a.counterparty, a.status, a.expires_at, a.requested_by_user_id, a.approver_ids, a.required_approvals`

async function approvalRow(db: PGliteInterface, id: string): Promise<ApprovalForIntent> {
  return one<ApprovalForIntent>(db, `select ${APPROVAL_COLUMNS} from approvals a where a.id = $1 and a.deleted_at is null`, [id])
}

async function describeDecision(
  db: PGliteInterface,
  a: Extract<CreateIntentInput, { kind: 'approval.decide' }>['args'],
  o: CreateOptions,
): Promise<Described> {
  const approval = await one<ApprovalForIntent & { active: boolean; approvals_so_far: number }>(
    db,
    `select ${APPROVAL_COLUMNS},
            exists (select 1 from pending_mutations p where p.target_id = a.id and p.user_id = $2
                      and p.kind = 'approval.decide' and p.state in ('held', 'queued', 'sending')) as active,
            -- Four-eyes: principals who approved the payload that will run (an edit restarts the count).
            (select count(distinct coalesce(d.on_behalf_of, d.actor_id)) from approval_decisions d
              where d.approval_id = a.id and d.payload_hash_approved = a.payload_hash)::int as approvals_so_far
       from approvals a where a.id = $1 and a.deleted_at is null`,
    [a.approval_id, o.reviewer.userId],
  )
  if (approval.active) throw new ApiError('invalid_state', 'A decision on this request is already queued.')
  const decision = a.decision
  if ((decision === 'approve_with_edits') !== (a.edited_payload !== undefined && a.edited_payload !== null)) {
    throw new ApiError('invalid_input', 'edited_payload comes with approve_with_edits, and only with it')
  }
  // The one rule set (src/shared/decision-rules.ts), as the server will apply it: limits and risk
  // ceilings bind a release, anyone who may decide may stop.
  const subject = await loadPreflightSubject(db, approval.id)
  const input = {
    versionSeen: a.version_seen,
    payloadHashSeen: a.payload_hash_seen,
    reason: a.reason ?? null,
    editedPayload: a.edited_payload ?? undefined,
    onBehalfOf: a.on_behalf_of ?? null,
  }
  const refusal = subject && preflight(o.reviewer, subject, decision, input)
  if (refusal) throw new ApiError(refusal.code, refusal.message)
  const asked = approval.amount && approval.currency ? `${formatMoney(approval.amount)} ${approval.currency}` : null
  // An edit may change the amount: History names what was approved, and what it was edited from.
  const released = decision === 'approve_with_edits' && subject ? releasedMoney(o.reviewer, subject, decision, input) : null
  const final = released ? `${formatMoney(released.amount)} ${released.currency}` : null
  const money = final && final !== asked ? ` ${final}${asked ? ` (edited from ${asked})` : ''}` : asked ? ` ${asked}` : ''
  const to = approval.counterparty ? ` to ${approval.counterparty}` : ''
  // Four-eyes in progress: this approval is the n-th of the required ones.
  const approving = decision === 'approve' || decision === 'approve_with_edits'
  const nth =
    approving && approval.required_approvals > 1
      ? ` (${decision === 'approve_with_edits' ? 1 : Math.min(approval.approvals_so_far + 1, approval.required_approvals)} of ${approval.required_approvals})`
      : ''
  return {
    targetId: approval.id,
    label: `${VERBS[decision] ?? decision}${nth} · ${approval.title}${money}${money ? to : ''}`,
    riskLevel: approval.risk_level,
  }
}

function formatMoney(amount: string): string {
  const [int, frac = '00'] = amount.replace(/^-/, '').split('.')
  const grouped = (int ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${amount.startsWith('-') ? '-' : ''}${grouped}.${frac.padEnd(2, '0')}`
}

async function one<T>(db: PGliteInterface, sql: string, params: unknown[]): Promise<T> {
  const res = await db.query<T>(sql, params)
  const row = res.rows[0]
  if (!row) throw new ApiError('not_found')
  return row
}
