// sync_pull's probe (public.sync_changed_streams, 20261203140000) reads past RLS once per pull
// instead of through every table's policy: it must name exactly the streams in which RLS lets the
// caller read a row after its cursor. Checked against RLS itself, stream by stream, for reviewers
// of every kind (each role, a holding manager, someone outside every tenant, a reviewer without
// audit:read, another member's snoozes), from nothing and from caught up with one new change.
import { describe, expect, it } from 'vitest'
import { TABLES, type TableName } from '../../src/shared/db'
import type { Cursors } from '../../src/shared/sync-protocol'
import { admin, asUser, DEMO } from '../support/db'
import { createApproval, createEveryRow, createMember, createTenant } from '../support/fixtures'
import { Replica } from './pull'

async function probe(userId: string, cursors: Cursors): Promise<string[]> {
  return asUser(userId, async (c) => {
    const { rows } = await c.query<{ s: string[] }>(
      'select public.sync_changed_streams($1::jsonb, pg_snapshot_xmin(pg_current_snapshot())) as s',
      [JSON.stringify(cursors)],
    )
    return [...rows[0]!.s].sort()
  })
}

/** The streams with a row after the cursor that the user's own RLS lets them read. */
async function readableChanges(userId: string, cursors: Cursors): Promise<string[]> {
  return asUser(userId, async (c) => {
    const tenants = (await c.query<{ ids: string[] }>('select public.visible_tenant_ids() as ids')).rows[0]!.ids
    const changed: string[] = []
    for (const table of Object.keys(TABLES) as TableName[]) {
      const global = TABLES[table].scope === 'global'
      for (const scope of global ? ['*'] : tenants) {
        const cur = cursors[scope]?.[table]
        const { rows } = await c.query<{ any: boolean }>(
          `select exists (select 1 from public.${table} t
             where ${global ? '' : 't.tenant_id = $3::uuid and'} (t.sync_txid, t.sync_version) > ($1::xid8, $2::bigint)
               and t.sync_txid < pg_snapshot_xmin(pg_current_snapshot())) as any`,
          [cur?.txid ?? '0', cur?.version ?? -1, ...(global ? [] : [scope])],
        )
        if (rows[0]!.any) {
          changed.push(table)
          break
        }
      }
    }
    return changed.sort()
  })
}

describe('sync_pull probe', () => {
  it('names exactly the streams RLS lets each reviewer read past their cursors', async () => {
    const tenant = await createTenant({ name: 'Probe tenant' })
    const finance = await createMember(tenant.id, 'finance', { label: 'probe-finance' })
    const ops = await createMember(tenant.id, 'ops', { label: 'probe-ops' })
    // Every replicated table gets rows, snoozes of the finance reviewer among them.
    await createEveryRow(tenant.id, { reviewers: [finance, ops] })
    const reviewers = [finance.id, ops.id, ...Object.values(DEMO.users).map((u) => u.id)]

    for (const id of reviewers) {
      expect(await probe(id, {}), `from nothing, ${id}`).toEqual(await readableChanges(id, {}))
      const replica = new Replica(id)
      await replica.pullAll()
      // Caught up: nothing to read.
      expect(await probe(id, replica.cursors), `caught up, ${id}`).toEqual([])
    }

    // One new change in the tenant: its streams for its members, nothing for anyone else.
    const caughtUp = new Map<string, Cursors>()
    for (const id of reviewers) {
      const replica = new Replica(id)
      await replica.pullAll()
      caughtUp.set(id, replica.cursors)
    }
    await createApproval(tenant.id, { kind: 'refund', amount: '3.00' })
    for (const id of reviewers) {
      const expected = await readableChanges(id, caughtUp.get(id)!)
      expect(await probe(id, caughtUp.get(id)!), `one change, ${id}`).toEqual(expected)
    }
    expect(await probe(finance.id, caughtUp.get(finance.id)!)).toContain('approvals')
    expect(await probe(DEMO.users.outsider.id, caughtUp.get(DEMO.users.outsider.id)!)).toEqual([])
  })

  it('tells anon nothing, and cannot be pointed at a tenant the caller does not see', async () => {
    const hidden = await createTenant({ name: 'Probe hidden' })
    await createApproval(hidden.id, { kind: 'refund', amount: '4.00' })
    const { rows } = await admin().query<{ s: string[] }>(
      `select public.sync_changed_streams(jsonb_build_object($1::text, '{}'::jsonb), '0'::xid8) as s`,
      [hidden.id],
    )
    // Called without a user (service_role, superuser): no streams.
    expect(rows[0]!.s).toEqual([])
    const stranger = await createMember((await createTenant({ name: 'Probe elsewhere' })).id, 'finance', { label: 'probe-stranger' })
    const named = await probe(stranger.id, { [hidden.id]: {} })
    expect(named).not.toContain('approvals')
    expect(named).toEqual(await readableChanges(stranger.id, { [hidden.id]: {} }))
  })
})
