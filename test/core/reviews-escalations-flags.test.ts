// The Escalations and Flags views' reads from the replica: escalations addressed to me or to an
// agent of my tenant (not those addressed to a colleague), grouped by type then trigger, with the
// related task, agent names and the step my queued intent takes; flags with their task, request and
// the verdict on its way — and the badge counts agreeing with the lists. A reviewer whose role may
// not handle them is told before sending (preflight), except for escalations addressed to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createAgent, createApproval, createMember, createTask, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let me: UserRef
let colleague: UserRef
let bot: { id: string; name: string }
let lead: { id: string; name: string }
let t: TestCore
const ids = {
  toMeBudget: '',
  toMeRisk: '',
  toAgentMilestone: '',
  toColleague: '',
  resolvedToMe: '',
  task: '',
  approval: '',
  flagHigh: '',
  flagLow: '',
}

async function escalation(values: {
  to_user_id?: string | null
  to_agent_id?: string | null
  type: 'awareness' | 'action_required'
  trigger: string
  context: string
  status?: 'pending' | 'resolved'
  related_task_id?: string | null
  approval_id?: string | null
  age_minutes: number
}): Promise<string> {
  const { rows } = await admin().query<{ id: string }>(
    `insert into public.escalations (tenant_id, from_agent_id, to_user_id, to_agent_id, type, trigger, context, impact,
                                     status, resolved_at, resolved_by, resolution, related_task_id, approval_id, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, 'Impact', $8, case when $8 = 'resolved' then now() end,
             case when $8 = 'resolved' then $3::uuid end, case when $8 = 'resolved' then 'Done' end, $9, $10,
             now() - make_interval(mins => $11))
     returning id`,
    [
      tenant.id,
      bot.id,
      values.to_user_id ?? null,
      values.to_agent_id ?? null,
      values.type,
      values.trigger,
      values.context,
      values.status ?? 'pending',
      values.related_task_id ?? null,
      values.approval_id ?? null,
      values.age_minutes,
    ],
  )
  return rows[0]!.id
}

beforeAll(async () => {
  tenant = await createTenant({ name: 'Reviews' })
  me = await createMember(tenant.id, 'finance', { label: 'reviews-me' })
  colleague = await createMember(tenant.id, 'finance', { label: 'reviews-colleague' })
  bot = await createAgent(tenant.id, { name: 'Spend Bot' })
  lead = await createAgent(tenant.id, { name: 'Finance Lead' })
  ids.task = (await createTask(tenant.id, { agentId: bot.id, title: 'Renew the SaaS contracts', status: 'blocked' })).id
  await admin().query(`update public.tasks set description = 'Three contracts end this month.', blocked_reason = 'Budget' where id = $1`, [
    ids.task,
  ])
  ids.approval = (await createApproval(tenant.id, { agentId: bot.id, title: 'Pay the Datadog renewal' })).id
  ids.toMeBudget = await escalation({
    to_user_id: me.id,
    type: 'action_required',
    trigger: 'budget_request',
    context: 'Needs a bigger budget',
    related_task_id: ids.task,
    approval_id: ids.approval,
    age_minutes: 30,
  })
  ids.toMeRisk = await escalation({ to_user_id: me.id, type: 'action_required', trigger: 'material_risk', context: 'Refund spike', age_minutes: 5 })
  ids.toAgentMilestone = await escalation({ to_agent_id: lead.id, type: 'awareness', trigger: 'milestone', context: 'Close done', age_minutes: 1 })
  ids.toColleague = await escalation({ to_user_id: colleague.id, type: 'action_required', trigger: 'budget_request', context: 'Not mine', age_minutes: 2 })
  ids.resolvedToMe = await escalation({
    to_user_id: me.id,
    type: 'awareness',
    trigger: 'task_complete',
    context: 'Old news',
    status: 'resolved',
    age_minutes: 600,
  })
  const flag = async (score: number, content: string, extra: { task_id?: string; approval_id?: string } = {}) =>
    (
      await admin().query<{ id: string }>(
        `insert into public.hallucination_flags (tenant_id, agent_id, task_id, approval_id, detection_method, confidence_score, flagged_content)
         values ($1, $2, $3, $4, 'fact_check', $5, $6) returning id`,
        [tenant.id, bot.id, extra.task_id ?? null, extra.approval_id ?? null, score, content],
      )
    ).rows[0]!.id
  ids.flagLow = await flag(0.4, 'The invoice is due tomorrow')
  ids.flagHigh = await flag(0.95, 'Invoice 123 was paid twice', { task_id: ids.task, approval_id: ids.approval })

  t = await startCore()
  await t.call('settings.update', { holdSeconds: 0 })
  await t.call('session.signIn', { email: me.email, password: DEMO.password })
  await settled(t)
})

afterAll(async () => {
  await t?.close()
})

describe('escalations', () => {
  it('lists those addressed to me or to my agents, grouped by type then trigger, with task and names', async () => {
    const open = await t.call('escalations.list', { status: 'open', tenantId: tenant.id, limit: 50, offset: 0 })
    expect(open.items.map((e) => e.id)).toEqual([ids.toMeBudget, ids.toMeRisk, ids.toAgentMilestone])
    expect(open.total).toBe(3)
    const budget = open.items[0]!
    expect(budget).toMatchObject({
      fromAgentName: 'Spend Bot',
      toUserId: me.id,
      approvalTitle: 'Pay the Datadog renewal',
      pendingKind: null,
      task: { id: ids.task, title: 'Renew the SaaS contracts', status: 'blocked', description: 'Three contracts end this month.', blockedReason: 'Budget' },
    })
    expect(open.items[2]).toMatchObject({ toUserId: null, toAgentName: 'Finance Lead', task: null })

    const counts = await t.call('inbox.counts', { tenantId: tenant.id })
    expect(counts.escalations).toBe(open.total)

    const resolved = await t.call('escalations.list', { status: 'resolved', tenantId: tenant.id, limit: 50, offset: 0 })
    expect(resolved.items.map((e) => [e.id, e.resolution])).toEqual([[ids.resolvedToMe, 'Done']])
    const all = await t.call('escalations.list', { status: 'all', tenantId: tenant.id, limit: 50, offset: 0 })
    expect(all.items.map((e) => e.id)).not.toContain(ids.toColleague)
    expect(all.total).toBe(4)
  })

  it('names the step my queued intent takes: an acknowledge, then a resolve on top of it', async () => {
    await t.call('sync.setWorkOffline', { offline: true })
    try {
      await t.call('intents.create', { kind: 'escalation.acknowledge', args: { escalation_id: ids.toMeRisk } })
      let row = (await t.call('escalations.list', { status: 'open', tenantId: tenant.id, limit: 50, offset: 0 })).items.find((e) => e.id === ids.toMeRisk)
      expect(row).toMatchObject({ status: 'pending', pendingIntent: 'queued', pendingKind: 'escalation.acknowledge' })
      await t.call('intents.create', { kind: 'escalation.resolve', args: { escalation_id: ids.toMeRisk, resolution: 'Paused the refunds' } })
      row = (await t.call('escalations.list', { status: 'open', tenantId: tenant.id, limit: 50, offset: 0 })).items.find((e) => e.id === ids.toMeRisk)
      expect(row).toMatchObject({ status: 'pending', pendingKind: 'escalation.resolve' })
    } finally {
      await t.call('sync.setWorkOffline', { offline: false })
    }
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 15_000, 'the push')
    await settled(t)
    const after = await t.call('escalations.list', { status: 'resolved', tenantId: tenant.id, limit: 50, offset: 0 })
    expect(after.items.find((e) => e.id === ids.toMeRisk)).toMatchObject({
      status: 'resolved',
      resolution: 'Paused the refunds',
      pendingIntent: null,
      pendingKind: null,
      lastRefusal: null,
    })
    expect(after.items.find((e) => e.id === ids.toMeRisk)?.resolvedByName).toBeTruthy()
  })
})

describe('flags', () => {
  it('lists pending flags most confident first, with their task, request and the verdict on its way', async () => {
    const pending = await t.call('flags.list', { status: 'pending', tenantId: tenant.id, limit: 50, offset: 0 })
    expect(pending.items.map((f) => [f.id, f.confidenceScore])).toEqual([
      [ids.flagHigh, 0.95],
      [ids.flagLow, 0.4],
    ])
    expect(pending.items[0]).toMatchObject({
      agentName: 'Spend Bot',
      approvalTitle: 'Pay the Datadog renewal',
      task: { id: ids.task, title: 'Renew the SaaS contracts' },
      pendingVerdict: null,
    })
    expect((await t.call('inbox.counts', { tenantId: tenant.id })).flags).toBe(2)

    await t.call('sync.setWorkOffline', { offline: true })
    try {
      await t.call('intents.create', { kind: 'flag.review', args: { flag_id: ids.flagLow, verdict: 'false_positive', notes: 'Due next week' } })
      const queued = await t.call('flags.list', { status: 'pending', tenantId: tenant.id, limit: 50, offset: 0 })
      expect(queued.items.find((f) => f.id === ids.flagLow)).toMatchObject({ pendingIntent: 'queued', pendingVerdict: 'false_positive' })
    } finally {
      await t.call('sync.setWorkOffline', { offline: false })
    }
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 15_000, 'the push')
    await settled(t)
    const reviewed = await t.call('flags.list', { status: 'reviewed', tenantId: tenant.id, limit: 50, offset: 0 })
    expect(reviewed.items.map((f) => [f.id, f.status, f.notes, f.pendingVerdict])).toEqual([[ids.flagLow, 'false_positive', 'Due next week', null]])
    expect(reviewed.items[0]?.reviewedByName).toBeTruthy()
  })
})

describe('preflight', () => {
  it('tells a viewer they may not act, except on an escalation addressed to them', async () => {
    expect((await t.call('flags.list', { status: 'pending', tenantId: tenant.id, limit: 50, offset: 0 })).items[0]?.preflight).toBeNull()
    const viewer = await createMember(tenant.id, 'viewer', { label: 'reviews-viewer' })
    const toViewer = await escalation({ to_user_id: viewer.id, type: 'awareness', trigger: 'anomaly', context: 'For the viewer', age_minutes: 3 })
    const v = await startCore()
    try {
      await v.call('session.signIn', { email: viewer.email, password: DEMO.password })
      await settled(v)
      const open = await v.call('escalations.list', { status: 'open', tenantId: tenant.id, limit: 50, offset: 0 })
      // Awareness · anomaly, then awareness · milestone.
      expect(open.items.map((e) => [e.id, e.preflight?.code ?? null])).toEqual([
        [toViewer, null],
        [ids.toAgentMilestone, 'forbidden'],
      ])
      expect(open.items[1]?.preflight?.message).toMatch(/escalations:resolve permission, which the viewer role does not have/)
      const pending = await v.call('flags.list', { status: 'pending', tenantId: tenant.id, limit: 50, offset: 0 })
      expect(pending.items.map((f) => f.preflight?.code)).toEqual(['forbidden'])
    } finally {
      await v.close()
    }
  })
})
