// What an accepted decision does (rule 7's whole write set, the audit chain still verifying), and
// the rules that decide who may decide: four-eyes, holding reach, delegation, escalation.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  createApproval,
  createAuditEntry,
  createMember,
  createTenant,
  createToolCallApproval,
  type UserRef,
} from '../support/fixtures'
import { admin, DEMO } from '../support/db'
import { auditChainBreak, decide, decideArgs, footprint, mutation, only, pushOne, seen } from './support'

let tenant: string
let approver: UserRef // finance, limit 1,000, risk ≤ 3
let second: UserRef // ops, limit 1,000, risk ≤ 3
let senior: UserRef // manager, no limit

beforeAll(async () => {
  tenant = (await createTenant()).id
  approver = await createMember(tenant, 'finance', { approvalLimit: 1000, maxRisk: 3 })
  second = await createMember(tenant, 'ops', { approvalLimit: 1000, maxRisk: 3 })
  senior = await createMember(tenant, 'manager', { approvalLimit: null, maxRisk: 5 })
})

async function q<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
  return (await admin().query(sql, params)).rows as T[]
}

describe('an accepted decision', () => {
  it('writes the decision, the approval (version + 1), the action, the outbox, trust, memory and the audit chain', async () => {
    const tc = await createToolCallApproval(tenant)
    await createAuditEntry(tenant, { entityId: tc.approval.id, action: 'approval.created' })
    const a = await seen(tc.approval.id)
    const syncVersion = async () =>
      BigInt(only(await q<{ sync_version: string }>('select sync_version from public.approvals where id = $1', [a.id])).sync_version)
    const syncBefore = await syncVersion()
    const m = mutation('approval.decide', decideArgs(a, 'approve', { reason: 'Matches the order' }))
    const result = await pushOne(approver.id, m)

    expect(result).toMatchObject({
      status: 'applied',
      code: null,
      message: null,
      row: { id: a.id, status: 'approved', version: a.version + 1, decided_by: approver.id, decision_reason: 'Matches the order' },
    })
    const decision = only(await q('select * from public.approval_decisions where approval_id = $1', [a.id]))
    expect(decision).toMatchObject({
      decision: 'approve',
      actor_id: approver.id,
      on_behalf_of: null,
      version_seen: a.version,
      payload_hash_seen: a.payload_hash,
      client_mutation_id: m.client_mutation_id,
      tenant_id: tenant,
    })
    expect((decision.client_decided_at as Date).toISOString()).toBe(m.client_created_at)
    expect(await q('select approval_state from public.actions where id = $1', [tc.action.id])).toEqual([
      { approval_state: 'approved' },
    ])
    expect(await q('select status, tenant_id from public.outbox where action_id = $1', [tc.action.id])).toEqual([
      { status: 'pending', tenant_id: tenant },
    ])
    expect(
      await q('select approved_no_edit, edited, rejected, score::float8 as score from public.trust_ledger where agent_id = $1', [
        tc.agent.id,
      ]),
    ).toEqual([{ approved_no_edit: 1, edited: 0, rejected: 0, score: 1 }])
    const memories = await q<{ agent_id: string; type: string; summary: string; details: Record<string, unknown> }>(
      'select agent_id, type, summary, details from public.memory_entries where $1 = any (related_ids)',
      [a.id],
    )
    const memory = only(memories)
    expect(memory).toMatchObject({ agent_id: tc.agent.id, type: 'decision', details: { decision: 'approve', reason: 'Matches the order' } })
    expect(memory.summary).toMatch(/^Approved: .*Matches the order/)

    // The audit entry extends the tenant's chain from the entry before it, and the chain verifies.
    const audit = await q<{ action: string; actor_id: string; prev_hash: string; integrity_hash: string; metadata: Record<string, unknown> }>(
      'select action, actor_id, prev_hash, integrity_hash, metadata from public.audit_log where tenant_id = $1 and entity_id = $2 order by id',
      [tenant, a.id],
    )
    expect(audit.map((e) => e.action)).toEqual(['approval.created', 'approval.approve'])
    const [created, approved] = audit as [(typeof audit)[number], (typeof audit)[number]]
    expect(approved).toMatchObject({ actor_id: approver.id, prev_hash: created.integrity_hash })
    expect(approved.metadata).toMatchObject({ client_mutation_id: m.client_mutation_id })
    expect(await auditChainBreak(tenant)).toBeNull()

    // Stamped for sync, so the reviewer's next pull brings the decided approval down.
    expect(await syncVersion()).toBeGreaterThan(syncBefore)
  })

  it('approve_with_edits replaces the payload, recomputes its hash, and runs the action with the edited args', async () => {
    const tc = await createToolCallApproval(tenant, { args: { order_id: 'ord_9', amount: 200, currency: 'USD' } })
    const edited = { order_id: 'ord_9', amount: 150, currency: 'USD', note: 'partial refund' }
    const result = await decide(approver.id, tc.approval.id, 'approve_with_edits', { edited_payload: edited })
    expect(result).toMatchObject({ status: 'applied', row: { status: 'approved', payload: edited } })
    const hash = only(await q<{ h: string }>('select public.canonical_hash($1::jsonb) as h', [JSON.stringify(edited)]))
    expect(result.row?.payload_hash).toBe(hash.h)
    expect(await q('select args from public.actions where id = $1', [tc.action.id])).toEqual([{ args: edited }])
    expect(await q('select edited_payload from public.approval_decisions where approval_id = $1', [tc.approval.id])).toEqual([
      { edited_payload: edited },
    ])
    expect(await q('select approved_no_edit, edited from public.trust_ledger where agent_id = $1', [tc.agent.id])).toEqual([
      { approved_no_edit: 0, edited: 1 },
    ])
    expect(await auditChainBreak(tenant)).toBeNull()
  })

  it('reject marks the action rejected, queues nothing, and counts against the agent', async () => {
    const tc = await createToolCallApproval(tenant)
    const result = await decide(approver.id, tc.approval.id, 'reject', { reason: 'Customer already refunded' })
    expect(result).toMatchObject({ status: 'applied', row: { status: 'rejected', decision_reason: 'Customer already refunded' } })
    const after = await footprint(tc.approval.id)
    expect(after).toMatchObject({ action_state: 'rejected', outbox: 0, decisions: 1, memories: 1, trust_events: 1 })
    expect(await q('select rejected, score::float8 as score from public.trust_ledger where agent_id = $1', [tc.agent.id])).toEqual([
      { rejected: 1, score: 0 },
    ])
  })

  it('escalate hands the request up: escalated, counted, addressed to someone who may decide it', async () => {
    // Above the approver's limit: they may not approve it, but they may escalate it.
    const tc = await createToolCallApproval(tenant, { amount: '5000.00' })
    expect(await decide(approver.id, tc.approval.id, 'approve')).toMatchObject({ code: 'over_limit' })
    const result = await decide(approver.id, tc.approval.id, 'escalate', { reason: 'Above my limit' })
    expect(result).toMatchObject({ status: 'applied', row: { status: 'escalated', escalation_count: 1 } })
    expect(await footprint(tc.approval.id)).toMatchObject({ action_state: 'pending', outbox: 0, trust_events: 0, escalations: 1 })
    expect(
      await q('select to_user_id, from_agent_id, status, recommendation from public.escalations where approval_id = $1', [
        tc.approval.id,
      ]),
    ).toEqual([{ to_user_id: senior.id, from_agent_id: tc.agent.id, status: 'pending', recommendation: 'Above my limit' }])
    // The higher authority decides the escalated request.
    expect(await decide(senior.id, tc.approval.id, 'approve')).toMatchObject({ status: 'applied', row: { status: 'approved' } })
    expect(await footprint(tc.approval.id)).toMatchObject({ action_state: 'approved', outbox: 1 })
  })
})

describe('four-eyes (required_approvals = 2)', () => {
  it('stays pending after one approval, refuses the same approver twice, and is approved by a second', async () => {
    const tc = await createToolCallApproval(tenant, { requiredApprovals: 2 })
    const id = tc.approval.id
    const first = await decide(approver.id, id, 'approve')
    expect(first).toMatchObject({ status: 'applied', row: { status: 'pending', version: tc.approval.version + 1, decided_by: null } })
    expect(await footprint(id)).toMatchObject({ decisions: 1, action_state: 'pending', outbox: 0, trust_events: 0 })

    expect(await decide(approver.id, id, 'approve')).toMatchObject({ status: 'rejected', code: 'duplicate_approver' })
    expect(await footprint(id)).toMatchObject({ status: 'pending', decisions: 1 })

    const final = await decide(second.id, id, 'approve')
    expect(final).toMatchObject({ status: 'applied', row: { status: 'approved', decided_by: second.id } })
    expect(await footprint(id)).toMatchObject({ decisions: 2, action_state: 'approved', outbox: 1, trust_events: 1 })
  })

  it('one reject decides, before or after a first approval', async () => {
    const afterApprove = (await createApproval(tenant, { requiredApprovals: 2 })).id
    await decide(approver.id, afterApprove, 'approve')
    expect(await decide(second.id, afterApprove, 'reject', { reason: 'Wrong account' })).toMatchObject({
      status: 'applied',
      row: { status: 'rejected' },
    })
    const straightReject = (await createApproval(tenant, { requiredApprovals: 2 })).id
    expect(await decide(approver.id, straightReject, 'reject')).toMatchObject({ row: { status: 'rejected' } })
    expect(await decide(second.id, straightReject, 'approve')).toMatchObject({ status: 'conflict', code: 'already_decided' })
  })
})

describe('holding members', () => {
  it('decide in subsidiaries with their holding role; a holding viewer may not', async () => {
    const holding = (await createTenant({ kind: 'holding' })).id
    const subsidiary = (await createTenant({ parentId: holding })).id
    const groupManager = await createMember(holding, 'manager')
    const groupViewer = await createMember(holding, 'viewer')
    const a = (await createApproval(subsidiary)).id
    expect(await decide(groupViewer.id, a, 'approve')).toMatchObject({ code: 'forbidden' })
    expect(await decide(groupManager.id, a, 'approve')).toMatchObject({ status: 'applied', row: { status: 'approved' } })
  })

  it('lets the seed’s group manager decide in both Northwind subsidiaries (rolled back: the seed stays as it is)', async () => {
    const c = await admin().connect()
    try {
      await c.query('begin')
      for (const subsidiary of [DEMO.tenants.retail, DEMO.tenants.payments]) {
        const approval = await createApproval(subsidiary, { db: c, amount: '75000.00', currency: 'EUR', riskLevel: 5 })
        await c.query('set local role authenticated')
        await c.query(`select set_config('request.jwt.claims', $1, true)`, [
          JSON.stringify({ sub: DEMO.users.manager.id, role: 'authenticated' }),
        ])
        const m = mutation('approval.decide', decideArgs(approval, 'approve'))
        const { rows } = await c.query('select public.sync_push($1::jsonb) as r', [JSON.stringify([m])])
        expect(rows[0].r.results).toMatchObject([{ status: 'applied', row: { status: 'approved', decided_by: DEMO.users.manager.id } }])
        await c.query('reset role')
      }
    } finally {
      await c.query('rollback')
      c.release()
    }
  })

  it('a direct membership in the subsidiary takes precedence over the holding role', async () => {
    const holding = (await createTenant({ kind: 'holding' })).id
    const subsidiary = (await createTenant({ parentId: holding })).id
    const person = await createMember(holding, 'manager')
    await addMember(subsidiary, person.id, 'viewer')
    expect(await decide(person.id, (await createApproval(subsidiary)).id, 'approve')).toMatchObject({ code: 'forbidden' })
  })
})

describe('delegation', () => {
  let boss: UserRef
  let deputy: UserRef

  beforeAll(async () => {
    boss = await createMember(tenant, 'manager', { label: 'boss' })
    deputy = await createMember(tenant, 'finance', { label: 'deputy', approvalLimit: null, maxRisk: 5 })
  })

  async function delegate(opts: { risk?: number[]; startsIn?: number; endsIn?: number; active?: boolean; from?: string; to?: string } = {}) {
    const rows = await q<{ id: string }>(
      `insert into public.approval_delegations (tenant_id, delegator_id, delegate_id, risk_levels, starts_at, ends_at, is_active, reason)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6), $7, 'holiday') returning id`,
      [tenant, opts.from ?? boss.id, opts.to ?? deputy.id, opts.risk ?? [0, 1, 2, 3], opts.startsIn ?? -3600, opts.endsIn ?? 3600, opts.active ?? true],
    )
    return only(rows).id
  }
  const revoke = (id: string) => q('update public.approval_delegations set is_active = false where id = $1', [id])

  it('lets the deputy decide for a named approver inside the window and risk levels', async () => {
    const d = await delegate({ risk: [2] })
    try {
      const a = (await createApproval(tenant, { approverIds: [boss.id], riskLevel: 2 })).id
      expect(await decide(deputy.id, a, 'approve')).toMatchObject({ status: 'applied', row: { status: 'approved' } })
      expect(await q('select actor_id, on_behalf_of from public.approval_decisions where approval_id = $1', [a])).toEqual([
        { actor_id: deputy.id, on_behalf_of: boss.id },
      ])
      // Naming the delegator explicitly works the same.
      const b = (await createApproval(tenant, { approverIds: [boss.id], riskLevel: 2 })).id
      expect(await decide(deputy.id, b, 'approve', { on_behalf_of: boss.id })).toMatchObject({ status: 'applied' })
    } finally {
      await revoke(d)
    }
  })

  it('refuses outside the window, outside the risk levels, and once revoked', async () => {
    const cases = [
      { opts: { endsIn: -60, startsIn: -7200 }, risk: 2 }, // ended a minute ago
      { opts: { startsIn: 3600, endsIn: 7200 }, risk: 2 }, // starts in an hour
      { opts: { risk: [1, 2] }, risk: 3 }, // risk 3 not delegated
      { opts: { active: false }, risk: 2 }, // revoked
    ]
    for (const c of cases) {
      const d = await delegate(c.opts)
      try {
        const a = (await createApproval(tenant, { approverIds: [boss.id], riskLevel: c.risk })).id
        const before = await footprint(a)
        expect(await decide(deputy.id, a, 'approve')).toMatchObject({ status: 'rejected', code: 'not_an_approver' })
        expect(await decide(deputy.id, a, 'approve', { on_behalf_of: boss.id })).toMatchObject({ code: 'forbidden' })
        expect(await footprint(a)).toEqual(before)
      } finally {
        await revoke(d)
      }
    }
  })

  it('never lets a deputy decide their own request, or one raised by the person they act for', async () => {
    const d = await delegate()
    try {
      const own = (await createApproval(tenant, { approverIds: [boss.id], requestedByUserId: deputy.id, agentId: null })).id
      expect(await decide(deputy.id, own, 'approve')).toMatchObject({ code: 'self_approval' })
      expect(await decide(deputy.id, own, 'approve', { on_behalf_of: boss.id })).toMatchObject({ code: 'self_approval' })
      const bosses = (await createApproval(tenant, { requestedByUserId: boss.id, agentId: null })).id
      expect(await decide(deputy.id, bosses, 'approve', { on_behalf_of: boss.id })).toMatchObject({ code: 'self_approval' })
      expect(await footprint(own)).toMatchObject({ decisions: 0 })
      expect(await footprint(bosses)).toMatchObject({ decisions: 0 })
    } finally {
      await revoke(d)
    }
  })

  it('counts the delegator and the deputy as one approver under four-eyes', async () => {
    const d = await delegate()
    try {
      const a = (await createApproval(tenant, { approverIds: [boss.id, senior.id], requiredApprovals: 2 })).id
      expect(await decide(boss.id, a, 'approve')).toMatchObject({ status: 'applied', row: { status: 'pending' } })
      expect(await decide(deputy.id, a, 'approve', { on_behalf_of: boss.id })).toMatchObject({ code: 'duplicate_approver' })
      expect(await decide(senior.id, a, 'approve')).toMatchObject({ row: { status: 'approved' } })
    } finally {
      await revoke(d)
    }
  })
})
