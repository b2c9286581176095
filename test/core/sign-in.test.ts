// Sign-in after a sign-out does not wait for a database to be built: while a reviewer works, the
// core builds the next spare replica on disk (in a worker), and the next sign-in — someone else's,
// after a sign-out — is handed that spare instead of waiting for initdb.
import { realpathSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { readySpare } from '../../src/core/replica/spare'
import { replicaDir } from '../../src/core/replica/open'
import { DEMO } from '../support/db'
import { createApproval, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let first: UserRef
let second: UserRef
let t: TestCore | undefined

beforeAll(async () => {
  tenant = await createTenant({ name: 'Sign-in' })
  first = await createMember(tenant.id, 'finance', { label: 'sign-in-first' })
  second = await createMember(tenant.id, 'finance', { label: 'sign-in-second' })
  await createApproval(tenant.id, { title: 'Waiting for either' })
})

afterAll(async () => {
  await t?.close()
})

describe('a sign-in after a sign-out', () => {
  it('is handed the spare replica built while the previous reviewer worked', { timeout: 240_000 }, async () => {
    t = await startCore({ reserveSpare: true })
    await t.call('session.signIn', { email: first.email, password: DEMO.password })
    await settled(t)
    // The first reviewer's replica is complete: the next spare gets built beside it.
    const reserve = await waitFor(() => readySpare(t!.dir), 180_000, 'a spare in reserve')
    expect(realpathSync(replicaDir({ userDataDir: t.dir, backendUrl: inject('stack').apiUrl }, first.id))).not.toBe(realpathSync(reserve))

    await t.call('session.signOut', { force: true })
    const session = await t.call('session.signIn', { email: second.email, password: DEMO.password })
    expect(session.status).toBe('signed_in')
    expect(realpathSync(replicaDir({ userDataDir: t.dir, backendUrl: inject('stack').apiUrl }, second.id))).toBe(realpathSync(reserve))
    await settled(t)
    const inbox = await t.call('inbox.list', { filter: { tenantId: tenant.id }, limit: 10, offset: 0 })
    expect(inbox.items.map((i) => i.title)).toContain('Waiting for either')
  })
})
