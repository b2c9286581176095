// A fresh replica converges to exactly what its user may see on the server — per-table row counts
// and checksums equal — never holds another tenant's rows, and drops a tenant's rows when the
// membership that made them visible is removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TABLES } from '../../src/shared/db'
import { admin, DEMO } from '../support/db'
import {
  addMember,
  createAuditEntry,
  createFinanceEvidence,
  createMember,
  createTenant,
  createToolCallApproval,
  createApproval,
  deactivateMember,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { replicaDigest, replicaOf, serverDigest, settled, startCore, waitFor, type TestCore } from './support/harness'

let holding: TenantRef
let retail: TenantRef
let payments: TenantRef
let other: TenantRef
let manager: UserRef
let clerk: UserRef
let outsider: UserRef

async function populate(tenantId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const evidence = await createFinanceEvidence(tenantId)
    const chain = await createToolCallApproval(tenantId, { riskLevel: i % 6, evidence: evidence.pointers })
    await createApproval(tenantId, { kind: 'refund', amount: `${100 + i}.25`, counterparty: `Customer ${i}` })
    await createAuditEntry(tenantId, { entityId: chain.approval.id, action: 'approval.created' })
    await admin().query(
      `insert into public.messages (tenant_id, from_agent_id, approval_id, body) values ($1, $2, $3, 'Please approve')`,
      [tenantId, chain.agent.id, chain.approval.id],
    )
  }
}

async function signedInCore(user: UserRef): Promise<TestCore> {
  const t = await startCore()
  await t.call('session.signIn', { email: user.email, password: DEMO.password })
  await settled(t)
  return t
}

function tenantRows(digest: Awaited<ReturnType<typeof serverDigest>>): number {
  return Object.values(digest).reduce((n, d) => n + d.rows, 0)
}

beforeAll(async () => {
  holding = await createTenant({ kind: 'holding', name: 'Convergence Holding' })
  retail = await createTenant({ parentId: holding.id, name: 'Convergence Retail' })
  payments = await createTenant({ parentId: holding.id, name: 'Convergence Payments', baseCurrency: 'EUR' })
  other = await createTenant({ name: 'Convergence Other' })
  manager = await createMember(holding.id, 'manager', { label: 'conv-manager' })
  clerk = await createMember(retail.id, 'finance', { label: 'conv-clerk', approvalLimit: 500, maxRisk: 3 })
  outsider = await createMember(other.id, 'finance', { label: 'conv-outsider' })
  for (const t of [holding, retail, payments, other]) await populate(t.id, 3)
})

describe('a fresh replica converges to the server view', () => {
  const cores: TestCore[] = []
  afterAll(async () => {
    for (const c of cores) await c.close()
  })

  it.each([
    ['holding manager', () => manager, 3],
    ['subsidiary clerk', () => clerk, 1],
    ['member of another tenant', () => outsider, 1],
  ] as const)('for a %s', async (_label, who, tenantCount) => {
    const user = who()
    const t = await signedInCore(user)
    cores.push(t)
    const [local, server] = [await replicaDigest(replicaOf(t)), await serverDigest(user.id)]
    expect(local).toEqual(server)
    expect(server.approvals!.rows).toBeGreaterThan(0)
    const tenants = await replicaOf(t).query<{ n: number }>('select count(distinct tenant_id)::int as n from approvals')
    expect(tenants.rows[0]!.n).toBe(tenantCount)
  })

  // One first sync per demo reviewer, one after the other: 8–17 s on a quiet machine, past the
  // default 30 s on a busy one (seen at load 6–9, before and after the page reader).
  it('for every demo reviewer of seed.sql', { timeout: 120_000 }, async () => {
    for (const demo of Object.values(DEMO.users)) {
      const t = await signedInCore({ id: demo.id, email: demo.email })
      try {
        expect(await replicaDigest(replicaOf(t))).toEqual(await serverDigest(demo.id))
      } finally {
        await t.close()
      }
    }
  })

  it('never holds a row of a tenant the user cannot see', async () => {
    const t = cores.find((c) => c.core.replica()?.userId === clerk.id) ?? (await signedInCore(clerk))
    const db = replicaOf(t)
    for (const [table, spec] of Object.entries(TABLES)) {
      if (spec.scope !== 'tenant') continue
      const res = await db.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id <> $1`, [retail.id])
      expect(res.rows[0]!.n, table).toBe(0)
    }
  })
})

describe('a removed membership', () => {
  it('purges that tenant from the replica, and the replica still equals the server view', async () => {
    const roamer = await createMember(retail.id, 'ops', { label: 'conv-roamer' })
    await addMember(other.id, roamer.id, 'ops')
    const t = await signedInCore(roamer)
    try {
      const db = replicaOf(t)
      const before = await db.query<{ n: number }>('select count(*)::int as n from approvals where tenant_id = $1', [other.id])
      expect(before.rows[0]!.n).toBeGreaterThan(0)

      await deactivateMember(other.id, roamer.id)
      await waitFor(async () => {
        const r = await db.query<{ n: number }>('select count(*)::int as n from approvals where tenant_id = $1', [other.id])
        return r.rows[0]!.n === 0
      }, 10_000, 'the purge of the removed tenant')
      await settled(t)
      const [local, server] = [await replicaDigest(db), await serverDigest(roamer.id)]
      expect(local).toEqual(server)
      expect(tenantRows(local)).toBeGreaterThan(0)
      for (const [table, spec] of Object.entries(TABLES)) {
        if (spec.scope !== 'tenant') continue
        const res = await db.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1`, [other.id])
        expect(res.rows[0]!.n, table).toBe(0)
      }
    } finally {
      await t.close()
    }
  })
})
