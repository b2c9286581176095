// The rows that are not one approval's: delegations of approval authority (one active, one expired
// per subsidiary), escalations and hallucination flags raised outside approvals, agents' standing
// knowledge, reviewers' snoozes, the trust ledger per agent and day, and the audit trail of each.
import type { Delegation } from './eligibility'
import { escalationHandling, flagHallucination } from './effects'
import type { LifecycleEnv, TrustTally } from './lifecycle'
import { DAY, HOUR, MINUTE, iso, type TenantCtx } from './model'
import type { SeedContext } from './context'
import { HISTORY_DAYS } from './plan'
import type { Rng } from './prng'
import type { AuditBuffer } from './sink'
import { ACTION_TRIGGERS, AWARENESS_TRIGGERS, KNOWLEDGE_NOTES, MEMORY_TYPES } from './vocab'
import type { Row } from './writer'

export function delegationRows(
  ctx: SeedContext,
  rng: Rng,
  now: number,
  audit: AuditBuffer,
): { rows: Row[]; delegations: Delegation[] } {
  const retail = ctx.bySlug.get('northwind-retail')!
  const payments = ctx.bySlug.get('northwind-payments')!
  const acme = ctx.bySlug.get('acme-logistics')!
  const rahul = ctx.colleague('rahul.mehta@demo.test')
  const lena = ctx.colleague('lena.fischer@demo.test')
  const kenji = ctx.colleague('kenji.sato@demo.test')
  const specs: (Delegation & { reason: string })[] = [
    {
      tenantId: retail.id,
      delegatorId: rahul,
      delegateId: ctx.demo.finance,
      riskLevels: [0, 1, 2, 3],
      startsAt: now - 3 * DAY,
      endsAt: now + 11 * DAY,
      reason: 'Rahul is on parental leave; Frances covers his approvals up to risk 3.',
    },
    {
      tenantId: retail.id,
      delegatorId: ctx.demo.finance,
      delegateId: rahul,
      riskLevels: [0, 1, 2, 3, 4, 5],
      startsAt: now - 40 * DAY,
      endsAt: now - 26 * DAY,
      reason: 'Frances on holiday; Rahul covers everything.',
    },
    {
      tenantId: payments.id,
      delegatorId: lena,
      delegateId: ctx.demo.ops,
      riskLevels: [0, 1, 2],
      startsAt: now - DAY,
      endsAt: now + 6 * DAY,
      reason: 'Lena is at a conference; Oscar takes her low-risk items.',
    },
    {
      tenantId: acme.id,
      delegatorId: kenji,
      delegateId: ctx.demo.outsider,
      riskLevels: [0, 1, 2],
      startsAt: now - 70 * DAY,
      endsAt: now - 60 * DAY,
      reason: 'Kenji on a warehouse audit trip.',
    },
  ]
  const rows = specs.map((d) => {
    const id = rng.uuid()
    const createdAt = d.startsAt - rng.int(2, 48) * HOUR
    audit.push({
      tenantId: d.tenantId,
      at: createdAt,
      actorType: 'user',
      actorId: d.delegatorId,
      action: 'delegation.created',
      entityType: 'approval_delegation',
      entityId: id,
      after: { delegate_id: d.delegateId, risk_levels: d.riskLevels, ends_at: iso(d.endsAt) },
    })
    return {
      id,
      tenant_id: d.tenantId,
      delegator_id: d.delegatorId,
      delegate_id: d.delegateId,
      risk_levels: d.riskLevels,
      starts_at: iso(d.startsAt),
      ends_at: iso(d.endsAt),
      reason: d.reason,
      is_active: true,
      created_at: iso(createdAt),
      updated_at: iso(createdAt),
    }
  })
  return { rows, delegations: specs }
}

const ESCALATION_TEXT: Record<string, [context: string, impact: string, recommendation: string]> = {
  task_blocked: [
    'NetSuite rejects the vendor bill: the vendor record is inactive.',
    'Three invoices cannot be booked this period.',
    'Reactivate the vendor or tell me which entity to use.',
  ],
  budget_request: [
    'Cloud spend is tracking 18% over this month’s budget.',
    'Overrun of roughly one week’s spend by month end.',
    'Approve a one-off increase or let me scale down staging.',
  ],
  irreversible_decision: [
    'Closing the old EUR bank account moves 14 standing payouts.',
    'Payouts to the old account would bounce.',
    'Confirm the cut-over date before I update the beneficiaries.',
  ],
  material_risk: [
    'Chargeback rate for one merchant is at 1.4% (network threshold 1%).',
    'Risk of network fines and a monitoring programme.',
    'Hold this merchant’s payouts until the review is done.',
  ],
  scope_unclear: [
    'The brief asks to “clean up” the GL mappings without saying which entity.',
    'I might change mappings another team relies on.',
    'Name the subsidiary and I will prepare a change set.',
  ],
  external_commitment: [
    'A carrier asks us to sign a 2-year minimum-volume contract.',
    'Commits the company beyond my mandate.',
    'Have legal review; I drafted a summary of the terms.',
  ],
  timeline_risk: [
    'Month-end close is 2 days behind the checklist.',
    'Reporting to the group may slip.',
    'Approve overtime for the AP agent runs, or extend the deadline.',
  ],
  milestone: [
    'All October payouts are reconciled to the bank.',
    'The close can move to revenue review.',
    'No action needed.',
  ],
  task_complete: [
    'Vendor master clean-up finished: 212 duplicates merged.',
    'AP runs faster and pays fewer duplicates.',
    'No action needed.',
  ],
  anomaly: [
    'Refund volume doubled overnight for one SKU.',
    'Possible product defect or abuse.',
    'Worth a look from the product team.',
  ],
  quality_issue: [
    'Two journal memos this week lacked a PO reference.',
    'Audit trail is weaker for those entries.',
    'I now add the PO automatically; please spot-check.',
  ],
  performance_issue: [
    'Stripe webhook latency rose to 40 s p95.',
    'Payout status in the console lags.',
    'Engineering is aware; tracking it.',
  ],
  opportunity: [
    'Switching 30 vendors to ACH saves about 2,400 a month in card fees.',
    'Lower payment costs.',
    'Approve the vendor outreach emails.',
  ],
  workstream_complete: [
    'Q3 audit evidence pack is complete.',
    'Auditors have everything they asked for.',
    'No action needed.',
  ],
}

function escalationText(trigger: string): [string, string, string] {
  return (
    ESCALATION_TEXT[trigger] ?? [
      'Something needs a decision above my autonomy level.',
      'The task waits until it is decided.',
      'Please review the linked task.',
    ]
  )
}

/** Escalations and flags raised outside any approval; the recent ones wait for the demo reviewers. */
export function standaloneRows(ctx: SeedContext, env: LifecycleEnv, total: number): void {
  const { rng, now } = env
  const demo = new Set(Object.values(ctx.demo))
  for (const t of ctx.tenants) {
    const share = t.isHolding ? 0.3 : 1
    const count = Math.round((6 + total * 0.005) * share)
    const active = t.agents.filter((a) => a.status === 'active')
    for (let i = 0; i < count; i++) {
      const age = i < 4 ? rng.int(10, 60 * 36) * MINUTE : HISTORY_DAYS * DAY * (1 - Math.sqrt(rng.next()))
      const at = now - Math.max(5 * MINUTE, age)
      const from = rng.pick(active)
      const actionRequired = rng.chance(0.55)
      const trigger = actionRequired
        ? rng.pick(ACTION_TRIGGERS).toLowerCase()
        : rng.pick(AWARENESS_TRIGGERS).toLowerCase()
      // Awareness goes up the agent hierarchy when there is someone above; everything else to a person.
      const above = active.filter((a) => a.tier < from.tier)
      const toUser = actionRequired || above.length === 0 || rng.chance(0.4)
      const demoTargets = t.deciders.filter((p) => demo.has(p.id))
      const target = toUser
        ? demoTargets.length && rng.chance(0.7)
          ? rng.pick(demoTargets)
          : rng.pick(t.deciders)
        : null
      const toAgent = toUser ? null : rng.pick(above)
      const recent = age < 3 * DAY
      const state = recent
        ? rng.weighted([
            ['pending', 7],
            ['acknowledged', 3],
          ] as const)
        : rng.weighted([
            ['resolved', 8],
            ['acknowledged', 1],
            ['pending', 1],
          ] as const)
      const handler = target ?? rng.pick(t.deciders)
      const ackAt = Math.min(now - MINUTE, at + rng.int(5, 600) * MINUTE)
      const resolvedAt = Math.min(now - MINUTE, ackAt + rng.int(10, 4000) * MINUTE)
      const [context, impact, recommendation] = escalationText(trigger)
      const id = rng.uuid()
      env.sink.add('escalations', {
        id,
        tenant_id: t.id,
        from_agent_id: from.id,
        to_agent_id: toAgent?.id ?? null,
        to_user_id: target?.id ?? null,
        type: actionRequired ? 'action_required' : 'awareness',
        trigger,
        context,
        impact,
        recommendation,
        ...escalationHandling(env.audit, {
          tenantId: t.id,
          id,
          handlerId: handler.id,
          state,
          createdAt: at,
          ackAt,
          resolvedAt,
        }),
        resolution:
          state === 'resolved'
            ? rng.pick([
                'Done as recommended.',
                'Declined; not worth it this quarter.',
                'Handled offline with the team.',
              ])
            : null,
        created_at: iso(at),
      })
      env.audit.push({
        tenantId: t.id,
        at,
        actorType: 'agent',
        actorId: from.id,
        action: 'escalation.created',
        entityType: 'escalation',
        entityId: id,
        after: { status: 'pending', trigger },
      })
    }
    const flags = Math.round((4 + total * 0.003) * share)
    for (let i = 0; i < flags; i++) {
      const at =
        now -
        Math.max(
          10 * MINUTE,
          i < 3 ? rng.int(1, 48) * HOUR : HISTORY_DAYS * DAY * (1 - Math.sqrt(rng.next())),
        )
      flagHallucination(env, t, rng.pick(active).id, null, null, at, at > now - 3 * DAY ? null : 'approved')
    }
    knowledge(env, t)
  }
}

/** Standing knowledge and past activity in each agent's memory (append-only, seed 003). */
function knowledge(env: LifecycleEnv, t: TenantCtx): void {
  const { rng, now } = env
  for (const a of t.agents) {
    for (let i = rng.int(2, 4); i > 0; i--) {
      const [summary, tags] = rng.pick(KNOWLEDGE_NOTES)
      const type = i === 1 ? 'knowledge' : rng.pick(MEMORY_TYPES).toLowerCase()
      env.sink.add('memory_entries', {
        id: rng.uuid(),
        tenant_id: t.id,
        agent_id: a.id,
        type,
        summary:
          type === 'knowledge'
            ? summary
            : `${a.role}: ${rng.pick(['finished the daily pulse', 'sent the weekly report', 'logged a policy check', 'handed a task to the controller'])}`,
        details: { source: type === 'knowledge' ? 'reviewer feedback' : 'pulse' },
        importance: rng.weighted([
          ['high', 1],
          ['medium', 3],
          ['low', 2],
        ] as const),
        tags: [...tags],
        related_ids: [],
        created_at: iso(now - rng.int(1, HISTORY_DAYS) * DAY),
      })
    }
  }
}

export function agentAudit(ctx: SeedContext, audit: AuditBuffer): void {
  for (const t of ctx.tenants) {
    const admin = t.deciders.find((p) => p.role === 'admin' || p.role === 'manager')?.id ?? ctx.demo.manager
    for (const a of t.agents) {
      audit.push({
        tenantId: t.id,
        at: a.createdAt,
        actorType: 'user',
        actorId: admin,
        action: 'agent.created',
        entityType: 'agent',
        entityId: a.id,
        after: { name: a.name, kind: a.kind, tier: a.tier, autonomy: a.autonomy },
      })
    }
  }
}

export function trustRows(trust: TrustTally, rng: Rng): Row[] {
  return [...trust.values()].map((d) => {
    const complaints = rng.chance(0.02) ? 1 : 0
    const total = d.approved + d.edited + d.rejected + d.errors + complaints
    const score = total === 0 ? null : Math.max(0, Math.min(1, (d.approved + 0.5 * d.edited) / total))
    return {
      agent_id: d.agentId,
      day: d.day,
      tenant_id: d.tenantId,
      approved_no_edit: d.approved,
      edited: d.edited,
      rejected: d.rejected,
      errors: d.errors,
      complaints,
      score: score === null ? null : score.toFixed(4),
      created_at: `${d.day}T23:59:00.000Z`,
      updated_at: `${d.day}T23:59:00.000Z`,
    }
  })
}

/** A few snoozed items in finance@'s and ops@'s inboxes (one snooze already over). */
export function snoozeRows(ctx: SeedContext, pendingByTenant: Map<string, string[]>, now: number): Row[] {
  const rows: Row[] = []
  const tomorrow9 = new Date(now + DAY)
  tomorrow9.setUTCHours(9, 0, 0, 0)
  const add = (userId: string, tenantId: string, approvalId: string, until: number) =>
    rows.push({
      user_id: userId,
      approval_id: approvalId,
      tenant_id: tenantId,
      until: iso(until),
      created_at: iso(now - HOUR),
      updated_at: iso(now - HOUR),
    })
  const retail = ctx.bySlug.get('northwind-retail')!
  const payments = ctx.bySlug.get('northwind-payments')!
  const r = pendingByTenant.get(retail.id) ?? []
  const p = pendingByTenant.get(payments.id) ?? []
  r.slice(0, 2).forEach((id) => add(ctx.demo.finance, retail.id, id, tomorrow9.getTime()))
  if (r[2]) add(ctx.demo.finance, retail.id, r[2], now - 20 * MINUTE)
  if (p[0]) add(ctx.demo.ops, payments.id, p[0], now + HOUR)
  return rows
}
