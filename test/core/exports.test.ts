// CSV exports for auditors and the tenant scope, at the core: the CSV writer's quoting, formula
// guard and empty files; the segregation-of-duties report finding decisions planted past sync_push
// (self-approval, approval for the requester, by the requester's delegate) within a scope; my
// decision history with outcomes and the server's reasons; the audit log with the view's filters;
// and a holding manager's per-tenant counts, equal to the server's, whatever the scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvField, guardFormula, toCsv, type CsvColumn } from '../../src/core/queries/csv'
import { admin, DEMO } from '../support/db'
import { csvObjects, parseCsv } from '../support/csv'
import { addMember, createApproval, createAuditEntry, createUser, type ApprovalRow, type UserRef } from '../support/fixtures'
import {
  createDelegation,
  createHoldingGroup,
  plantDecision,
  seedPending,
  serverDecidableCount,
  type HoldingGroup,
} from '../e2e/helpers/tenant-fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

const DATE = /^\d{4}-\d{2}-\d{2}$/

describe('the CSV writer', () => {
  const columns: CsvColumn<Record<string, unknown>>[] = [
    { header: 'note', type: 'text', value: (r) => r['note'] },
    { header: 'amount', type: 'decimal', value: (r) => r['amount'] },
    { header: 'at', type: 'timestamp', value: (r) => r['at'] },
  ]

  it('writes RFC 4180: CRLF after every record, quotes only where needed, quotes doubled', () => {
    const csv = toCsv(columns, [
      { note: 'plain', amount: '10.00', at: new Date('2026-11-21T10:00:00Z') },
      { note: 'a, b "c"\r\nline two', amount: null, at: '2026-11-21T11:30:00+01:00' },
    ])
    expect(csv).toBe(
      'note,amount,at\r\n' +
        'plain,10.00,2026-11-21T10:00:00.000Z\r\n' +
        '"a, b ""c""\r\nline two",,2026-11-21T10:30:00.000Z\r\n',
    )
    expect(parseCsv(csv)[2]).toEqual(['a, b "c"\r\nline two', '', '2026-11-21T10:30:00.000Z'])
  })

  it('keeps the header row when there are no rows', () => {
    expect(toCsv(columns, [])).toBe('note,amount,at\r\n')
  })

  it('guards text that a spreadsheet would run as a formula, and leaves money a number', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(guardFormula(evil)).toBe(`'${evil}`)
    }
    expect(guardFormula('Refund 12')).toBe('Refund 12')
    expect(csvField('-12.50', 'decimal')).toBe('-12.50')
    expect(csvField('1200', 'decimal')).toBe('1200')
    // A money column holding anything but a decimal is text like any other.
    expect(csvField('-1+cmd', 'decimal')).toBe("'-1+cmd")
    expect(csvField('=1,2', 'text')).toBe(`"'=1,2"`)
    expect(csvField(-3, 'int')).toBe('-3')
    expect(csvField({ a: '=x' }, 'json')).toBe('"{""a"":""=x""}"')
  })
})

describe('exports and counts from a holding manager’s replica', () => {
  let g: HoldingGroup
  let t: TestCore
  let requester: UserRef
  let colleague: UserRef
  let delegate: UserRef
  const sod: Record<'self' | 'forRequester' | 'byDelegate' | 'clean' | 'rejected' | 'otherTenant', ApprovalRow> = {} as never
  let pending: { retail: ApprovalRow[]; payments: ApprovalRow[] }

  beforeAll(async () => {
    g = await createHoldingGroup('Exports')
    requester = await createUser({ label: 'requester', fullName: 'Rita Requester' })
    colleague = await createUser({ label: 'colleague', fullName: 'Carl Colleague' })
    delegate = await createUser({ label: 'delegate', fullName: 'Dana Delegate' })
    for (const u of [requester, colleague, delegate]) {
      await addMember(g.retail.id, u.id, 'finance')
      await addMember(g.payments.id, u.id, 'finance')
    }
    await createDelegation(g.retail.id, requester.id, delegate.id)
    const asked = (tenantId: string, title: string, amount = '250.00') =>
      createApproval(tenantId, { requestedByUserId: requester.id, agentId: null, title, amount, status: 'pending' })
    sod.self = await asked(g.retail.id, '=HYPERLINK("http://evil.example","Refund")', '-12.50')
    sod.forRequester = await asked(g.retail.id, 'Payout, approved for the requester')
    sod.byDelegate = await asked(g.retail.id, 'Journal "accrual" approved by a delegate')
    sod.clean = await asked(g.retail.id, 'Clean approval')
    sod.rejected = await asked(g.retail.id, 'Rejected by its requester')
    sod.otherTenant = await asked(g.payments.id, 'Clean approval elsewhere')
    await plantDecision(sod.self, requester.id, { reason: 'mine, "urgent"\nsecond line' })
    await plantDecision(sod.forRequester, colleague.id, { onBehalfOf: requester.id })
    await plantDecision(sod.byDelegate, delegate.id, { decision: 'approve_with_edits' })
    await plantDecision(sod.clean, colleague.id)
    await plantDecision(sod.rejected, requester.id, { decision: 'reject', reason: 'withdrawn' })
    await plantDecision(sod.otherTenant, colleague.id)
    pending = { retail: await seedPending(g.retail.id, 4, 'Retail refund'), payments: await seedPending(g.payments.id, 3, 'Payments refund') }

    t = await startCore()
    await t.call('settings.update', { holdSeconds: 0 })
    await t.call('session.signIn', { email: g.manager.email, password: DEMO.password })
    await settled(t)
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('lists the holding first with its subsidiaries after it, and counts each tenant as the server does, whatever the scope', async () => {
    const tenants = await t.call('tenants.list', {})
    expect(tenants.map((x) => x.name)).toEqual(['Exports Group', 'Exports Payments', 'Exports Retail'])
    expect(tenants.map((x) => x.memberRole)).toEqual(['manager', null, null])

    const all = await t.call('inbox.counts', {})
    const scoped = await t.call('inbox.counts', { tenantId: g.payments.id })
    for (const tenant of [g.retail, g.payments, g.holding]) {
      const server = await serverDecidableCount(g.manager.id, tenant.id)
      const list = await t.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 1, offset: 0 })
      expect(all.byTenant[tenant.id] ?? 0, tenant.name).toBe(server)
      expect(scoped.byTenant[tenant.id] ?? 0, `${tenant.name} while scoped to another`).toBe(server)
      expect(list.total, tenant.name).toBe(server)
    }
    expect(all.byTenant[g.retail.id]).toBe(pending.retail.length)
    expect(scoped.inbox).toBe(pending.payments.length)
    expect(all.inbox).toBe(pending.retail.length + pending.payments.length)
  })

  it('finds every approval decided by its requester, for them or by their delegate, within the scope', async () => {
    const report = await t.call('reports.sod', { tenantId: g.retail.id })
    // Five approvals in retail have an approving decision; the rejected one is not an approval.
    expect(report.checked).toBe(4)
    const byApproval = Object.fromEntries(report.violations.map((v) => [v.approvalId, v]))
    expect(Object.keys(byApproval).sort()).toEqual([sod.self.id, sod.forRequester.id, sod.byDelegate.id].sort())
    expect(byApproval[sod.self.id]).toMatchObject({
      rule: 'requester_approved',
      actorId: requester.id,
      requesterName: 'Rita Requester',
      amount: '-12.50',
      tenantSlug: g.retail.slug,
    })
    expect(byApproval[sod.forRequester.id]).toMatchObject({ rule: 'approved_for_requester', actorId: colleague.id, onBehalfOf: requester.id })
    expect(byApproval[sod.byDelegate.id]).toMatchObject({ rule: 'requester_delegate', actorName: 'Dana Delegate', decision: 'approve_with_edits' })

    const file = await t.call('exports.csv', { kind: 'sod', tenantId: g.retail.id })
    expect(file.filename).toMatch(new RegExp(`^segregation-of-duties-${g.retail.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
    const { header, rows } = csvObjects(file.csv)
    expect(header.slice(0, 4)).toEqual(['decided_at', 'rule', 'tenant', 'approval_id'])
    expect(file.rows).toBe(3)
    expect(rows.map((r) => r['decision_id'])).toEqual(report.violations.map((v) => v.decisionId))
    const self = rows.find((r) => r['approval_id'] === sod.self.id)!
    // The title would run as a formula in a spreadsheet: it is text; the negative amount stays a number.
    expect(self['approval_title']).toBe(`'=HYPERLINK("http://evil.example","Refund")`)
    expect(self['amount']).toBe('-12.50')
    expect(self['reason']).toBe('mine, "urgent"\nsecond line')
    expect(new Date(self['decided_at']!).toISOString()).toBe(self['decided_at'])
  })

  it('shows an empty report as checked, with the header row in its CSV', async () => {
    const report = await t.call('reports.sod', { tenantId: g.payments.id })
    expect(report).toEqual({ checked: 1, violations: [] })
    const file = await t.call('exports.csv', { kind: 'sod', tenantId: g.payments.id })
    expect(file.rows).toBe(0)
    expect(parseCsv(file.csv)).toHaveLength(1)
    expect(file.csv.startsWith('decided_at,rule,tenant,')).toBe(true)
  })

  it('reports across every tenant I see when the scope is all, a decision planted later included once synced', async () => {
    const late = await createApproval(g.payments.id, { requestedByUserId: colleague.id, agentId: null, title: 'Late self-approval' })
    await plantDecision(late, colleague.id)
    const report = await waitFor(async () => {
      const r = await t.call('reports.sod', {})
      return r.violations.some((v) => v.approvalId === late.id) ? r : null
    }, 20_000, 'the planted decision in the report')
    expect(report.violations.map((v) => v.approvalId).sort()).toEqual([sod.self.id, sod.forRequester.id, sod.byDelegate.id, late.id].sort())
    const { rows } = await admin().query<{ n: number }>(
      `select count(distinct d.approval_id)::int as n from public.approval_decisions d
        where d.tenant_id = any($1::uuid[]) and d.decision in ('approve', 'approve_with_edits')`,
      [[g.holding.id, g.retail.id, g.payments.id]],
    )
    expect(report.checked).toBe(rows[0]!.n)
    const file = await t.call('exports.csv', { kind: 'sod' })
    expect(file.filename).toMatch(/^segregation-of-duties-all-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(file.rows).toBe(4)
  })

  it('exports all my decisions with their outcome and the server’s reason for a refusal or a conflict', async () => {
    const [approveMe, rejectMe, staleMe, overLimit] = pending.retail
    const decide = async (a: ApprovalRow, decision: 'approve' | 'reject', reason?: string) => {
      const d = await t.call('approvals.detail', { id: a.id })
      return t.call('intents.create', {
        kind: 'approval.decide',
        args: { approval_id: a.id, decision, version_seen: d.version, payload_hash_seen: d.payloadHash, ...(reason ? { reason } : {}) },
      })
    }
    const approved = await decide(approveMe!, 'approve')
    const rejected = await decide(rejectMe!, 'reject', '=Duplicate, see "INV-7",\r\nand the ledger')
    await waitFor(async () => (await t.call('history.list', { limit: 10, offset: 0 })).total === 2, 30_000, 'the first two applied')
    // Offline, one approval changes on the server under its queued decision (a conflict) and the
    // manager's limit drops under the other's amount (a refusal).
    await t.call('sync.setWorkOffline', { offline: true })
    const stale = await decide(staleMe!, 'approve')
    const limited = await decide(overLimit!, 'approve')
    await admin().query(`update public.approvals set payload = payload || '{"note": "changed"}' where id = $1`, [staleMe!.id])
    await admin().query(`update public.tenant_members set approval_limit = 1 where tenant_id = $1 and user_id = $2`, [g.holding.id, g.manager.id])
    await t.call('sync.setWorkOffline', { offline: false })
    const history = await waitFor(async () => {
      const h = await t.call('history.list', { limit: 100, offset: 0 })
      return h.total === 4 ? h : null
    }, 30_000, 'four answered decisions')
    const answer = (id: string) => history.items.find((i) => i.clientMutationId === id)!
    expect(answer(stale.clientMutationId).state).toBe('conflict')
    expect(answer(limited.clientMutationId).state).toBe('rejected')

    const file = await t.call('exports.csv', { kind: 'history' })
    expect(file.filename).toMatch(/^my-decisions-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(file.filename.slice('my-decisions-'.length, -4)).toMatch(DATE)
    const { rows } = csvObjects(file.csv)
    expect(file.rows).toBe(4)
    // Newest first, as the History view lists them.
    expect(rows.map((r) => r['client_mutation_id'])).toEqual(history.items.map((i) => i.clientMutationId))
    const row = (id: string) => rows.find((r) => r['client_mutation_id'] === id)!
    expect(row(approved.clientMutationId)).toMatchObject({ decision: 'approve', outcome: 'applied', tenant: g.retail.slug, server_reason: '' })
    expect(row(rejected.clientMutationId)).toMatchObject({
      decision: 'reject',
      outcome: 'applied',
      my_reason: `'=Duplicate, see "INV-7",\r\nand the ledger`,
    })
    for (const [intent, outcome] of [
      [stale, 'conflict'],
      [limited, 'refused'],
    ] as const) {
      const refusal = answer(intent.clientMutationId).refusal!
      expect(row(intent.clientMutationId)).toMatchObject({
        outcome,
        refusal_code: refusal.code,
        server_reason: refusal.message,
        subject: answer(intent.clientMutationId).label,
      })
    }
    expect(row(limited.clientMutationId)['amount']).toBe(overLimit!.amount)
    expect(answer(limited.clientMutationId).refusal!.code).toBe('over_limit')
  }, 60_000)

  it('exports the audit log with the Audit view’s filters, row for row', async () => {
    await createAuditEntry(g.retail.id, {
      actorType: 'user',
      actorId: requester.id,
      action: 'export.test',
      entityId: '=1+2',
      afterState: { note: 'a, "b"\nc' },
    })
    await createAuditEntry(g.retail.id, { action: 'export.test', entityType: 'flag' })
    await createAuditEntry(g.payments.id, { action: 'export.test' })
    const filter = { tenantId: g.retail.id, action: 'export.test' }
    const listed = await waitFor(async () => {
      const l = await t.call('audit.list', { ...filter, limit: 100, offset: 0 })
      return l.total === 2 ? l : null
    }, 20_000, 'the audit entries in the replica')

    const file = await t.call('exports.csv', { kind: 'audit', filter })
    expect(file.filename).toMatch(new RegExp(`^audit-${g.retail.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
    const { rows } = csvObjects(file.csv)
    expect(rows.map((r) => r['id'])).toEqual(listed.items.map((e) => e.id))
    const byUser = rows.find((r) => r['actor_type'] === 'user')!
    expect(byUser).toMatchObject({ actor_id: requester.id, actor_name: 'Rita Requester', entity_id: "'=1+2", tenant: g.retail.slug })
    expect(JSON.parse(byUser['after_state']!)).toEqual({ note: 'a, "b"\nc' })

    const everything = await t.call('exports.csv', { kind: 'audit', filter: {} })
    const total = (await t.call('audit.list', { limit: 1, offset: 0 })).total
    expect(everything.filename).toMatch(/^audit-all-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(everything.rows).toBe(total)
    expect(parseCsv(everything.csv)).toHaveLength(total + 1)
  })
})
