// The audit chain's head is carried through a transaction and written once, at commit
// (20261203220000_audit_head_once_per_commit.sql). What a reviewer relies on: whatever a
// transaction does — entries for several tenants, mutations that fail in their sub-transaction,
// writes fired early, a rollback — each tenant's chain links entry to entry, its ids follow the
// chain, and its head names the last entry that stayed. And a tenant's writers still take turns:
// a second transaction waits for the first one's commit and links to what it committed.
import fc from 'fast-check'
import type pg from 'pg'
import { describe, expect, it } from 'vitest'
import { verifyAuditChain, type AuditRowLike } from '../../src/shared/audit-chain'
import { admin, inTransaction } from '../support/db'
import { createAuditEntry, createTenant, type TenantRef } from '../support/fixtures'

async function chainOf(tenantId: string): Promise<AuditRowLike[]> {
  const { rows } = await admin().query<{ j: AuditRowLike }>(
    'select to_jsonb(a) as j from public.audit_log a where tenant_id = $1 order by id',
    [tenantId],
  )
  return rows.map((r) => r.j)
}

async function headOf(tenantId: string): Promise<{ last_id: string; last_hash: string } | null> {
  const { rows } = await admin().query<{ last_id: string; last_hash: string }>(
    'select last_id::text, last_hash from public.audit_chain_heads where tenant_id = $1',
    [tenantId],
  )
  return rows[0] ?? null
}

/** The chain verifies in TypeScript and on the server, and its head is its last entry. */
async function expectIntact(tenantId: string, entries: number): Promise<AuditRowLike[]> {
  const rows = await chainOf(tenantId)
  expect(rows).toHaveLength(entries)
  expect(await verifyAuditChain(rows)).toEqual({ ok: true, verified: entries })
  const { rows: sql } = await admin().query<{ v: unknown }>('select public.verify_audit_chain($1) as v', [tenantId])
  expect(sql[0]?.v).toBeNull()
  const last = rows.at(-1)
  if (last) expect(await headOf(tenantId)).toEqual({ last_id: String(last.id), last_hash: last.integrity_hash })
  return rows
}

function append(c: pg.PoolClient, tenantId: string, action: string) {
  return createAuditEntry(tenantId, { db: c, action })
}

describe('audit chain head, written at commit', () => {
  it('holds for any mix of entries, failed sub-transactions, early writes and rollbacks', async () => {
    // One step of a transaction. `fail` is a mutation whose sub-transaction fails after its entry's
    // trigger ran (an action too long for the table); `undo` rolls back to the newest savepoint.
    const step = fc.oneof(
      fc.record({ op: fc.constant('append' as const), tenant: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ op: fc.constantFrom('savepoint' as const, 'undo' as const, 'release' as const, 'immediate' as const) }),
      fc.record({ op: fc.constant('fail' as const), tenant: fc.integer({ min: 0, max: 1 }) }),
    )
    const transaction = fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 14 }), commit: fc.boolean() })
    await fc.assert(
      fc.asyncProperty(transaction, async ({ steps, commit }) => {
        // Two chains with one committed entry each, so the transaction starts from a head.
        const tenants: TenantRef[] = [await createTenant(), await createTenant()]
        for (const t of tenants) await inTransaction((c) => append(c, t.id, 'before'), { commit: true })
        const c = await admin().connect()
        // Entries appended since each open savepoint (the first level: outside any savepoint).
        const levels: number[][] = [[0, 0]]
        try {
          await c.query('begin')
          for (const [i, s] of steps.entries()) {
            const current = levels.at(-1)!
            if (s.op === 'append') {
              await append(c, tenants[s.tenant]!.id, `head.property.${i}`)
              current[s.tenant]! += 1
            } else if (s.op === 'savepoint') {
              await c.query(`savepoint s${levels.length}`)
              levels.push([0, 0])
            } else if (s.op === 'undo' && levels.length > 1) {
              levels.pop()
              await c.query(`rollback to savepoint s${levels.length}`)
              await c.query(`release savepoint s${levels.length}`)
            } else if (s.op === 'release' && levels.length > 1) {
              const inner = levels.pop()!
              await c.query(`release savepoint s${levels.length}`)
              const outer = levels.at(-1)!
              outer[0]! += inner[0]!
              outer[1]! += inner[1]!
            } else if (s.op === 'immediate') {
              // The head's write fires now instead of at commit; later entries must still move it.
              await c.query('set constraints all immediate')
              await c.query('set constraints all deferred')
            } else if (s.op === 'fail') {
              await c.query('savepoint failing')
              await expect(append(c, tenants[s.tenant]!.id, 'x'.repeat(201))).rejects.toThrow(/check constraint/)
              await c.query('rollback to savepoint failing')
              await c.query('release savepoint failing')
            }
          }
          await c.query(commit ? 'commit' : 'rollback')
        } finally {
          c.release()
        }
        const kept = commit ? levels.reduce((sum, l) => [sum[0]! + l[0]!, sum[1]! + l[1]!], [0, 0]) : [0, 0]
        for (const [t, tenant] of tenants.entries()) await expectIntact(tenant.id, 1 + kept[t]!)
      }),
      { numRuns: 40 },
    )
  })

  it('makes a second writer of the tenant wait for the first one’s commit and link to its last entry', async () => {
    const tenant = await createTenant()
    const first = await admin().connect()
    try {
      await first.query('begin')
      await append(first, tenant.id, 'first.1')
      await append(first, tenant.id, 'first.2')
      // The second transaction's entry waits on the head's lock (held by the first until commit).
      const second = inTransaction(async (c) => {
        await append(c, tenant.id, 'second.1')
        await append(c, tenant.id, 'second.2')
      }, { commit: true })
      await waitForLockWait()
      await append(first, tenant.id, 'first.3')
      await first.query('commit')
      await second
    } finally {
      first.release()
    }
    const rows = await expectIntact(tenant.id, 5)
    expect(rows.map((r) => r.action)).toEqual(['first.1', 'first.2', 'first.3', 'second.1', 'second.2'])
  })

  it('leaves the head on the last committed entry when the transaction that would move it rolls back', async () => {
    const tenant = await createTenant()
    await inTransaction((c) => append(c, tenant.id, 'kept'), { commit: true })
    const before = await headOf(tenant.id)
    await expect(
      inTransaction(async (c) => {
        await append(c, tenant.id, 'lost.1')
        await append(c, tenant.id, 'lost.2')
        throw new Error('the mutation failed')
      }, { commit: true }),
    ).rejects.toThrow('the mutation failed')
    expect(await headOf(tenant.id)).toEqual(before)
    await inTransaction((c) => append(c, tenant.id, 'next'), { commit: true })
    const rows = await expectIntact(tenant.id, 2)
    expect(rows.map((r) => r.action)).toEqual(['kept', 'next'])
  })
})

/** Until another backend waits on a lock while appending an audit entry (this file's tests run in series). */
async function waitForLockWait(): Promise<void> {
  for (;;) {
    const { rows } = await admin().query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where wait_event_type = 'Lock' and query like 'insert into public.audit_log%'`,
    )
    if ((rows[0]?.n ?? 0) > 0) return
    await new Promise((r) => setTimeout(r, 10))
  }
}
