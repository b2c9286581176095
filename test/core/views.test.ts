// The views beyond the inbox, read from the replica: escalations, flags and change sets with the
// reviewer's own intents marked on them; agents with trust and spend; the approval detail with its
// evidence, decisions, audit trail and queued messages; and the audit chain verified locally, naming
// the first entry someone rewrote.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import {
  createAgent,
  createAuditEntry,
  createFinanceEvidence,
  createMember,
  createTenant,
  createToolCallApproval,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { replicaOf, settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let reviewer: UserRef
let agent: { id: string; name: string }
let t: TestCore
const ids = { escalation: '', flag: '', changeset: '', approval: '' }

beforeAll(async () => {
  tenant = await createTenant({ name: 'Views' })
  reviewer = await createMember(tenant.id, 'manager', { label: 'views' })
  agent = await createAgent(tenant.id, { name: 'Ledger Bot' })
  const db = admin()
  ids.escalation = (
    await db.query<{ id: string }>(
      `insert into public.escalations (tenant_id, from_agent_id, to_user_id, type, trigger, context, impact)
       values ($1, $2, $3, 'action_required', 'budget_request', 'Needs a bigger budget', 'Campaign stalls') returning id`,
      [tenant.id, agent.id, reviewer.id],
    )
  ).rows[0]!.id
  ids.flag = (
    await db.query<{ id: string }>(
      `insert into public.hallucination_flags (tenant_id, agent_id, detection_method, confidence_score, flagged_content)
       values ($1, $2, 'fact_check', 0.91, 'Invoice 123 was paid twice') returning id`,
      [tenant.id, agent.id],
    )
  ).rows[0]!.id
  ids.changeset = (
    await db.query<{ id: string }>(
      `insert into public.changesets (tenant_id, title, status, agent_id) values ($1, 'Retry payouts', 'pending_review', $2) returning id`,
      [tenant.id, agent.id],
    )
  ).rows[0]!.id
  await db.query(
    `insert into public.changeset_patches (tenant_id, changeset_id, position, path, diff)
     values ($1, $2, 0, 'src/payouts.ts', '--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n'), ($1, $2, 1, 'README.md', '--- a\n+++ b\n')`,
    [tenant.id, ids.changeset],
  )
  await db.query(
    `insert into public.trust_ledger (agent_id, day, tenant_id, approved_no_edit, edited, rejected, score)
     values ($1, current_date - 1, $2, 7, 2, 1, 0.8), ($1, current_date, $2, 3, 0, 0, 0.9)`,
    [agent.id, tenant.id],
  )
  await db.query(
    `insert into public.cost_transactions (tenant_id, agent_id, provider, model, input_tokens, output_tokens, cost_amount)
     values ($1, $2, 'openai', 'gpt', 1000, 200, 1.25), ($1, $2, 'openai', 'gpt', 500, 100, 0.75)`,
    [tenant.id, agent.id],
  )
  const evidence = await createFinanceEvidence(tenant.id)
  const chain = await createToolCallApproval(tenant.id, { agentId: agent.id, evidence: evidence.pointers, riskLevel: 2 })
  ids.approval = chain.approval.id
  for (let i = 0; i < 5; i++) await createAuditEntry(tenant.id, { entityId: ids.approval, action: `approval.step_${i}` })
  await db.query(`insert into public.messages (tenant_id, from_agent_id, approval_id, body) values ($1, $2, $3, 'Ready when you are')`, [
    tenant.id,
    agent.id,
    ids.approval,
  ])
  t = await startCore()
  await t.call('settings.update', { holdSeconds: 0 })
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
  await settled(t)
})

afterAll(async () => {
  await t?.close()
})

describe('escalations, flags and change sets', () => {
  it('list what waits, and mark my queued and refused intents on each row', async () => {
    const esc = await t.call('escalations.list', { status: 'open', tenantId: tenant.id, limit: 10, offset: 0 })
    expect(esc.items.map((e) => [e.id, e.fromAgentName, e.pendingIntent])).toEqual([[ids.escalation, 'Ledger Bot', null]])
    const flags = await t.call('flags.list', { status: 'pending', tenantId: tenant.id, limit: 10, offset: 0 })
    expect(flags.items.map((f) => [f.id, f.confidenceScore])).toEqual([[ids.flag, 0.91]])
    const sets = await t.call('changesets.list', { status: 'pending_review', tenantId: tenant.id, limit: 10, offset: 0 })
    expect(sets.items.map((c) => [c.id, c.patchCount])).toEqual([[ids.changeset, 2]])
    const detail = await t.call('changesets.detail', { id: ids.changeset })
    expect(detail.patches.map((p) => p.path)).toEqual(['src/payouts.ts', 'README.md'])

    await t.call('sync.setWorkOffline', { offline: true })
    await t.call('intents.create', { kind: 'escalation.acknowledge', args: { escalation_id: ids.escalation } })
    await t.call('intents.create', { kind: 'flag.review', args: { flag_id: ids.flag, verdict: 'confirmed', notes: 'Checked' } })
    const queued = await t.call('escalations.list', { status: 'open', tenantId: tenant.id, limit: 10, offset: 0 })
    expect(queued.items[0]!.pendingIntent).toMatch(/held|queued/)
    expect((await t.call('inbox.counts', { tenantId: tenant.id })).queue).toBe(2)

    await t.call('sync.setWorkOffline', { offline: false })
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 15_000, 'the push')
    await settled(t)
    const after = await t.call('escalations.list', { status: 'all', tenantId: tenant.id, limit: 10, offset: 0 })
    expect(after.items[0]).toMatchObject({ status: 'acknowledged', pendingIntent: null, lastRefusal: null })
    const reviewed = await t.call('flags.list', { status: 'reviewed', tenantId: tenant.id, limit: 10, offset: 0 })
    expect(reviewed.items[0]).toMatchObject({ id: ids.flag, status: 'confirmed', notes: 'Checked' })
  })
})

describe('agents', () => {
  it('show trust over thirty days and spend against budget', async () => {
    const agents = await t.call('agents.list', { tenantId: tenant.id })
    const bot = agents.find((a) => a.agent.id === agent.id)!
    expect(bot).toMatchObject({ approvedNoEdit: 10, edited: 2, rejected: 1, costLast30Days: '2.00', costToday: '2.00' })
    expect(bot.agent.trustScore).toBe(0.9)
    const trust = await t.call('agents.trust', { agentId: agent.id, days: 7 })
    expect(trust.map((d) => d.approvedNoEdit)).toEqual([7, 3])
  })
})

describe('the approval detail', () => {
  it('carries evidence rows, the tool and its schema, the audit trail and messages including queued ones', async () => {
    await t.call('sync.setWorkOffline', { offline: true })
    await t.call('intents.create', { kind: 'message.send', args: { approval_id: ids.approval, body: 'Which order is this?' } })
    const d = await t.call('approvals.detail', { id: ids.approval })
    // The posted entry's two lines are one piece of evidence (listed one by one they read as the lines twice).
    expect(d.evidence.map((e) => e.table).sort()).toEqual(['journal_postings', 'orders', 'payments', 'refunds'])
    const entry = d.evidence.find((e) => e.table === 'journal_postings')!
    expect(entry.label).toMatch(/^Journal entry JE-/)
    expect((entry.fields['lines'] as { line_no: number }[]).map((l) => l.line_no)).toEqual([1, 2])
    expect(d.evidence.every((e) => e.label.length > 0)).toBe(true)
    expect(d.tool?.app).toBe('stripe')
    expect(d.toolSchema).toMatchObject({ type: 'object' })
    expect(d.agent).toMatchObject({ id: agent.id, trustScore: 0.9 })
    expect(d.audit.map((a) => a.action)).toEqual([0, 1, 2, 3, 4].map((i) => `approval.step_${i}`))
    expect(d.messages.map((m) => [m.body, m.queued])).toEqual([
      ['Ready when you are', false],
      ['Which order is this?', true],
    ])
    await t.call('sync.setWorkOffline', { offline: false })
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 15_000, 'the message push')
    await settled(t)
    const sent = await t.call('approvals.detail', { id: ids.approval })
    expect(sent.messages.map((m) => [m.body, m.queued])).toEqual([
      ['Ready when you are', false],
      ['Which order is this?', false],
    ])
  })
})

describe('the audit chain', () => {
  it('verifies from the replica, and names the first entry edited in the replica', async () => {
    const ok = await t.call('audit.verify', { tenantId: tenant.id })
    expect(ok).toMatchObject({ ok: true, brokenAt: null })
    expect(ok.entries).toBeGreaterThanOrEqual(5)
    const page = await t.call('audit.list', { tenantId: tenant.id, limit: 100, offset: 0 })
    expect(page.total).toBe(ok.entries)

    const victim = page.items.find((e) => e.action === 'approval.step_2')!
    await replicaOf(t).query(`update audit_log set action = 'approval.rewritten' where id = $1::bigint`, [victim.id])
    const broken = await t.call('audit.verify', { tenantId: tenant.id })
    expect(broken).toMatchObject({ ok: false, brokenAt: { id: victim.id, reason: 'integrity_hash' } })
  })

  it('refuses a tenant the reviewer cannot see', async () => {
    await expect(t.call('audit.verify', { tenantId: randomUUID() })).rejects.toMatchObject({ code: 'not_found' })
  })
})
