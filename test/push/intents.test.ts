// The reviewer intents besides decisions: escalations, hallucination flags, change sets, snoozes
// and messages — each allowed only to the right people, only from the right state, and audited.
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../support/db'
import { createAgent, createApproval, createMember, createTenant, type UserRef } from '../support/fixtures'
import { auditChainBreak, ledgerRows, mutation, pushOne } from './support'

let tenant: string
let agent: string
let ops: UserRef // escalations:resolve, flags:review, changesets:review, messages:send
let finance: UserRef // no changesets:review
let viewer: UserRef
let outsider: UserRef

beforeAll(async () => {
  tenant = (await createTenant()).id
  agent = (await createAgent(tenant)).id
  ops = await createMember(tenant, 'ops')
  finance = await createMember(tenant, 'finance')
  viewer = await createMember(tenant, 'viewer')
  outsider = await createMember((await createTenant()).id, 'admin')
})

async function insert(sql: string, params: unknown[]): Promise<string> {
  return (await admin().query(sql, params)).rows[0].id
}
async function row(table: 'escalations' | 'hallucination_flags' | 'changesets' | 'messages', id: string) {
  return (await admin().query(`select * from public.${table} where id = $1`, [id])).rows[0]
}
async function auditActions(entityId: string): Promise<string[]> {
  const { rows } = await admin().query('select action from public.audit_log where entity_id = $1 order by id', [entityId])
  return rows.map((r) => r.action)
}

const createEscalation = (toUserId: string | null) =>
  insert(
    `insert into public.escalations (tenant_id, from_agent_id, to_user_id, to_agent_id, type, trigger, context, impact)
     values ($1, $2::uuid, $3::uuid, case when $3::uuid is null then $2::uuid end, 'action_required', 'budget_request', 'Needs budget', 'Blocks payroll')
     returning id`,
    [tenant, agent, toUserId],
  )

describe('escalations', () => {
  it('go pending → acknowledged → resolved, each step once, each audited', async () => {
    const id = await createEscalation(null)
    const ack = await pushOne(ops.id, mutation('escalation.acknowledge', { escalation_id: id }))
    expect(ack).toMatchObject({ status: 'applied', row: { id, status: 'acknowledged', acknowledged_by: ops.id } })
    expect(await pushOne(ops.id, mutation('escalation.acknowledge', { escalation_id: id }))).toMatchObject({
      code: 'invalid_state',
    })
    expect(await pushOne(ops.id, mutation('escalation.resolve', { escalation_id: id, resolution: '  ' }))).toMatchObject({
      code: 'invalid_input',
    })
    const resolved = await pushOne(ops.id, mutation('escalation.resolve', { escalation_id: id, resolution: 'Budget approved' }))
    expect(resolved).toMatchObject({ row: { status: 'resolved', resolved_by: ops.id, resolution: 'Budget approved' } })
    expect(await pushOne(ops.id, mutation('escalation.resolve', { escalation_id: id, resolution: 'again' }))).toMatchObject({
      code: 'invalid_state',
    })
    expect(await auditActions(id)).toEqual(['escalation.acknowledge', 'escalation.resolve'])
    expect(await auditChainBreak(tenant)).toBeNull()
  })

  it('may be resolved straight from pending', async () => {
    const id = await createEscalation(null)
    const r = await pushOne(finance.id, mutation('escalation.resolve', { escalation_id: id, resolution: 'Handled by phone' }))
    expect(r).toMatchObject({ status: 'applied', row: { status: 'resolved', acknowledged_by: finance.id } })
  })

  it('are handled by the person they are addressed to, or by someone allowed to resolve; invisible to others', async () => {
    const toViewer = await createEscalation(viewer.id)
    expect(await pushOne(viewer.id, mutation('escalation.acknowledge', { escalation_id: toViewer }))).toMatchObject({
      status: 'applied',
    })
    const notToViewer = await createEscalation(ops.id)
    expect(await pushOne(viewer.id, mutation('escalation.acknowledge', { escalation_id: notToViewer }))).toMatchObject({
      code: 'forbidden',
    })
    expect(await pushOne(outsider.id, mutation('escalation.acknowledge', { escalation_id: notToViewer }))).toMatchObject({
      code: 'not_found',
    })
    expect(await row('escalations', notToViewer)).toMatchObject({ status: 'pending', acknowledged_by: null })
  })
})

describe('hallucination flags', () => {
  const createFlag = () =>
    insert(
      `insert into public.hallucination_flags (tenant_id, agent_id, detection_method, confidence_score, flagged_content)
       values ($1, $2, 'fact_check', 0.42, 'The refund policy allows 400 days') returning id`,
      [tenant, agent],
    )

  it('are confirmed or marked false positive once, with notes, by a reviewer holding flags:review', async () => {
    const id = await createFlag()
    expect(await pushOne(viewer.id, mutation('flag.review', { flag_id: id, verdict: 'confirmed' }))).toMatchObject({
      code: 'forbidden',
    })
    expect(await pushOne(ops.id, mutation('flag.review', { flag_id: id, verdict: 'maybe' }))).toMatchObject({
      code: 'invalid_input',
    })
    const r = await pushOne(ops.id, mutation('flag.review', { flag_id: id, verdict: 'confirmed', notes: 'Policy is 30 days' }))
    expect(r).toMatchObject({ status: 'applied', row: { status: 'confirmed', reviewed_by: ops.id, notes: 'Policy is 30 days' } })
    expect(await pushOne(finance.id, mutation('flag.review', { flag_id: id, verdict: 'false_positive' }))).toMatchObject({
      code: 'invalid_state',
    })
    expect(await row('hallucination_flags', id)).toMatchObject({ status: 'confirmed' })
    const other = await createFlag()
    expect(await pushOne(finance.id, mutation('flag.review', { flag_id: other, verdict: 'false_positive' }))).toMatchObject({
      row: { status: 'false_positive' },
    })
    expect(await auditActions(id)).toEqual(['flag.review'])
  })
})

describe('change sets', () => {
  const createChangeset = (status: string, authorUserId: string | null = null) =>
    insert(
      `insert into public.changesets (tenant_id, title, status, agent_id, author_user_id) values ($1, 'Fix VAT rounding', $2, $3, $4) returning id`,
      [tenant, status, agent, authorUserId],
    )

  it('are reviewed only while pending review, by someone holding changesets:review who did not write them', async () => {
    const id = await createChangeset('pending_review')
    expect(await pushOne(finance.id, mutation('changeset.review', { changeset_id: id, verdict: 'approved' }))).toMatchObject({
      code: 'forbidden',
    })
    const r = await pushOne(ops.id, mutation('changeset.review', { changeset_id: id, verdict: 'approved', comment: 'LGTM' }))
    expect(r).toMatchObject({ status: 'applied', row: { status: 'approved', reviewed_by: ops.id, review_comment: 'LGTM' } })
    expect(await pushOne(ops.id, mutation('changeset.review', { changeset_id: id, verdict: 'rejected' }))).toMatchObject({
      code: 'invalid_state',
    })
    const draft = await createChangeset('draft')
    expect(await pushOne(ops.id, mutation('changeset.review', { changeset_id: draft, verdict: 'approved' }))).toMatchObject({
      code: 'invalid_state',
    })
    const own = await createChangeset('pending_review', ops.id)
    expect(await pushOne(ops.id, mutation('changeset.review', { changeset_id: own, verdict: 'approved' }))).toMatchObject({
      code: 'self_approval',
    })
    expect(await row('changesets', own)).toMatchObject({ status: 'pending_review', reviewed_by: null })
    expect(await pushOne(ops.id, mutation('changeset.review', { changeset_id: draft, verdict: 'merged' }))).toMatchObject({
      code: 'invalid_input',
    })
  })
})

describe('snoozes', () => {
  it('set, move and clear my own snooze of an approval I can see', async () => {
    const approval = (await createApproval(tenant)).id
    const until = new Date(Date.now() + 3_600_000).toISOString()
    const set = await pushOne(viewer.id, mutation('snooze.set', { approval_id: approval, until }))
    expect(set).toMatchObject({ status: 'applied', row: { user_id: viewer.id, approval_id: approval, tenant_id: tenant } })
    expect(new Date(set.row?.until as string).toISOString()).toBe(until)
    const cleared = await pushOne(viewer.id, mutation('snooze.set', { approval_id: approval, until: null }))
    expect(cleared).toMatchObject({ status: 'applied', row: { until: null } })
    const { rows } = await admin().query('select user_id, until from public.review_snoozes where approval_id = $1', [approval])
    expect(rows).toEqual([{ user_id: viewer.id, until: null }])
    expect(await pushOne(outsider.id, mutation('snooze.set', { approval_id: approval, until }))).toMatchObject({
      code: 'not_found',
    })
    expect(await pushOne(viewer.id, mutation('snooze.set', { approval_id: approval, until: 'soon' }))).toMatchObject({
      code: 'invalid_input',
    })
    expect(await pushOne(viewer.id, mutation('snooze.set', { approval_id: approval }))).toMatchObject({ code: 'invalid_input' })
  })
})

describe('messages', () => {
  it('are sent once from me to the agent behind an approval', async () => {
    const approval = await createApproval(tenant)
    const m = mutation('message.send', { approval_id: approval.id, body: '  Which order is this for?  ' })
    const r = await pushOne(ops.id, m)
    expect(r).toMatchObject({
      status: 'applied',
      row: { from_user_id: ops.id, approval_id: approval.id, body: 'Which order is this for?', client_mutation_id: m.client_mutation_id },
    })
    const { rows: agentOf } = await admin().query('select requested_by_agent_id from public.approvals where id = $1', [approval.id])
    expect(r.row?.to_agent_id).toBe(agentOf[0].requested_by_agent_id)
    expect(await pushOne(ops.id, m)).toEqual(r)
    const { rows } = await admin().query('select count(*)::int as n from public.messages where approval_id = $1', [approval.id])
    expect(rows[0].n).toBe(1)
    expect(await auditActions(r.row?.id as string)).toEqual(['message.send'])
  })

  it('need a subject, a body, the messages:send permission and one tenant', async () => {
    const approval = await createApproval(tenant)
    expect(await pushOne(ops.id, mutation('message.send', { body: 'Hello' }))).toMatchObject({ code: 'invalid_input' })
    expect(await pushOne(ops.id, mutation('message.send', { approval_id: approval.id, body: ' ' }))).toMatchObject({
      code: 'invalid_input',
    })
    expect(await pushOne(viewer.id, mutation('message.send', { approval_id: approval.id, body: 'Hi' }))).toMatchObject({
      code: 'forbidden',
    })
    expect(await pushOne(ops.id, mutation('message.send', { to_agent_id: randomUUID(), body: 'Hi' }))).toMatchObject({
      code: 'not_found',
    })

    // A holding manager sees both subsidiaries, yet one message cannot span them.
    const holding = (await createTenant({ kind: 'holding' })).id
    const [s1, s2] = [(await createTenant({ parentId: holding })).id, (await createTenant({ parentId: holding })).id]
    const manager = await createMember(holding, 'manager')
    const m = mutation('message.send', {
      approval_id: (await createApproval(s1)).id,
      to_agent_id: (await createAgent(s2)).id,
      body: 'Hi',
    })
    expect(await pushOne(manager.id, m)).toMatchObject({ code: 'invalid_input' })
    expect(await ledgerRows(m.client_mutation_id)).toBe(1)
  })
})
