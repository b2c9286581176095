// A server answer that is truncated, an error, unauthorized, of the wrong shape, or carrying a row of
// a tenant the user cannot see changes nothing in the replica and shows an error; the next good
// pull brings the replica back to the server's view.
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createApproval, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { faultyFetch, type Fault } from './support/faulty-fetch'
import { replicaDigest, replicaOf, serverDigest, settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let elsewhere: TenantRef
let reviewer: UserRef
let t: TestCore
const net = faultyFetch()

beforeAll(async () => {
  tenant = await createTenant({ name: 'Bad answers' })
  elsewhere = await createTenant({ name: 'Bad answers elsewhere' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'bad-answers' })
  for (let i = 0; i < 3; i++) await createApproval(tenant.id)
  await createApproval(elsewhere.id, { title: 'Invisible approval' })
  t = await startCore({ fetch: net.fetch })
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
  await settled(t)
})

afterAll(async () => {
  await t?.close()
})

const injectInvisibleRow = (body: Record<string, unknown>) => {
  const changes = (body.changes ?? {}) as Record<string, unknown[]>
  const row = {
    id: '99999999-9999-4999-8999-999999999999',
    tenant_id: elsewhere.id,
    kind: 'refund',
    title: 'Smuggled',
    status: 'pending',
    sync_version: 1,
    sync_txid: '1',
  }
  return { ...body, changes: { ...changes, approvals: [...(changes.approvals ?? []), row] } }
}

const injectKeylessRow = (body: Record<string, unknown>) => {
  const changes = (body.changes ?? {}) as Record<string, unknown[]>
  const row = { tenant_id: tenant.id, kind: 'refund', title: 'No key', status: 'pending', sync_version: 1, sync_txid: '1' }
  return { ...body, changes: { ...changes, approvals: [...(changes.approvals ?? []), row] } }
}

const unversioned = (body: Record<string, unknown>) => {
  const changes = (body.changes ?? {}) as Record<string, Record<string, unknown>[]>
  return { ...body, changes: { ...changes, approvals: (changes.approvals ?? []).map((r) => ({ ...r, sync_version: 'soon' })) } }
}

const cases: [string, Fault, number, string][] = [
  ['a truncated JSON answer', { kind: 'truncate' }, 1, 'malformed_answer'],
  ['a 500', { kind: 'status', status: 500 }, 1, 'XX000'],
  ['401 even after a fresh token', { kind: 'status', status: 401, body: { code: 'PGRST301', message: 'JWT invalid' } }, 2, 'PGRST301'],
  ['an answer of the wrong shape', { kind: 'rewrite', rewrite: (b) => ({ ...b, cursors: 'nope' }) }, 1, 'malformed_answer'],
  ['a row of a tenant the user cannot see', { kind: 'rewrite', rewrite: injectInvisibleRow }, 1, 'malformed_answer'],
  ['a row without its key', { kind: 'rewrite', rewrite: injectKeylessRow }, 1, 'malformed_answer'],
  ['rows that are not a list', { kind: 'rewrite', rewrite: (b) => ({ ...b, changes: { ...(b.changes as object), approvals: 'nope' } }) }, 1, 'malformed_answer'],
  ['a row whose version is not a whole number', { kind: 'rewrite', rewrite: unversioned }, 1, 'malformed_answer'],
]

describe('a bad answer from sync_pull', () => {
  it.each(cases)('%s leaves the replica untouched and shows an error; the next good pull recovers', async (_l, fault, times, code) => {
    const db = replicaOf(t)
    const before = await replicaDigest(db)
    const cursorsBefore = (await db.query('select * from sync_cursors order by scope, table_name')).rows
    // Every answer is broken from now on, until cleared; then something new appears on the server
    // that a broken answer would have carried.
    net.fail('sync_pull', fault, Infinity)
    // Requested by an agent the replica holds already: a new agent is written in a transaction of
    // its own, and a pull between the two carried it alone, in an answer the fault had nothing to
    // break (agents 10 → 11, once in a full run).
    const agent = await admin().query<{ id: string }>('select id from public.agents where tenant_id = $1 order by id limit 1', [tenant.id])
    const after = await createApproval(tenant.id, { title: `After ${code}`, agentId: agent.rows[0]!.id })
    // sync_pull holds rows back while an older server transaction runs (another file's, on the
    // shared stack): the broken answer must be the one that carries the new row, not a page of
    // whatever was already final without it.
    await waitFor(async () => {
      const r = await admin().query(
        `select pg_snapshot_xmin(pg_current_snapshot()) > sync_txid as final from public.approvals where id = $1`, [after.id])
      return r.rows[0]?.final === true
    }, 30_000, 'the new row final on the server')
    const injectedAfterWrite = net.injected
    await t.call('sync.now', {})

    const status = await waitFor(async () => {
      const s = await t.call('sync.status', {})
      return s.state === 'error' && net.injected >= injectedAfterWrite + times ? s : null
    }, 10_000, 'the error status')
    expect(status.lastError?.code).toBe(code)
    expect(await replicaDigest(db)).toEqual(before)
    expect((await db.query('select * from sync_cursors order by scope, table_name')).rows).toEqual(cursorsBefore)

    net.clear()
    // sync_pull holds back rows until every older server transaction has ended; another test file's
    // long transaction on the same stack can hold this one's new row past one pull. The replica must
    // reach the server's view, pull after pull, not within exactly one.
    const server = await serverDigest(reviewer.id)
    await waitFor(async () => {
      await settled(t)
      return isDeepStrictEqual(await replicaDigest(db), server)
    }, 60_000, "the replica back at the server's view")
    const s = await t.call('sync.status', {})
    expect(s).toMatchObject({ state: 'online', lastError: null })
    const smuggled = await db.query(`select 1 from approvals where tenant_id = $1`, [elsewhere.id])
    expect(smuggled.rows).toHaveLength(0)
  })
})
