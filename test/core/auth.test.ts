// Sessions as a reviewer lives them: an expired access token is renewed without anything showing,
// a revoked refresh token keeps the queue and asks for sign-in, a stored session opens the replica
// with no network, and sign-out keeps or deletes the replica as the queue requires.
import { existsSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeJwt, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { FileSessionStore, MemorySessionStore, type SessionStore } from '../../src/core/index'
import { replicaDir } from '../../src/core/replica/open'
import { admin, DEMO } from '../support/db'
import { createApproval, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { faultyFetch } from './support/faulty-fetch'
import { eventsOf, replicaOf, settled, startCore, tempDir, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
const open: TestCore[] = []

beforeAll(async () => {
  tenant = await createTenant({ name: 'Auth' })
  await createApproval(tenant.id, { title: 'Auth first' })
})

afterAll(async () => {
  for (const t of open) await t.close().catch(() => {})
})

const STORAGE_KEY = 'operator-console-auth'

/** Rewrites the stored session: an access token that expired two minutes ago, and what the client believes about it. */
async function expireAccessToken(store: SessionStore, opts: { clientKnows: boolean }): Promise<void> {
  const items = JSON.parse((await store.load())!) as Record<string, string>
  const session = JSON.parse(items[STORAGE_KEY]!) as Record<string, unknown>
  const claims = decodeJwt(String(session.access_token))
  const exp = Math.floor(Date.now() / 1000) - 120
  session.access_token = await new SignJWT({ ...claims, exp, iat: exp - 3600 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(inject('stack').jwtSecret))
  // clientKnows = false: the local clock thinks the token is fine; only the server's 401 says otherwise.
  session.expires_at = opts.clientKnows ? exp : Math.floor(Date.now() / 1000) + 3000
  items[STORAGE_KEY] = JSON.stringify(session)
  await store.save(JSON.stringify(items))
}

async function newReviewer(label: string): Promise<UserRef> {
  return createMember(tenant.id, 'finance', { label })
}

async function signIn(t: TestCore, user: UserRef) {
  await t.call('session.signIn', { email: user.email, password: DEMO.password })
  await settled(t)
}

/**
 * A reviewer signs in, rejects a new approval while working offline and quits with it queued: the
 * session store, the data folder and the queued intent are what the next start finds.
 */
async function quitWithQueuedReject(label: string, title: string) {
  const user = await newReviewer(label)
  const store = new MemorySessionStore()
  const first = await startCore({ store })
  await signIn(first, user)
  const approval = await createApproval(tenant.id, { title })
  await settled(first)
  await first.call('sync.setWorkOffline', { offline: true })
  const intent = await first.call('intents.create', {
    kind: 'approval.decide',
    args: { approval_id: approval.id, decision: 'reject', version_seen: approval.version, payload_hash_seen: approval.payload_hash, reason: 'No' },
  })
  const dir = first.dir
  await first.close({ keepDir: true })
  return { user, store, dir, intent }
}

describe('an expired access token', () => {
  it.each([
    ['when the client sees it expired', true],
    ['when only the server says so (401)', false],
  ])('is refreshed without the reviewer noticing, %s', { timeout: 90_000 }, async (_label, clientKnows) => {
    const user = await newReviewer(`auth-expired-${clientKnows}`)
    const store = new MemorySessionStore()
    const first = await startCore({ store })
    await signIn(first, user)
    const dir = first.dir
    await first.close({ keepDir: true })

    await expireAccessToken(store, { clientKnows })
    const later = await createApproval(tenant.id, { title: `Arrives after refresh ${clientKnows}` })
    const t = await startCore({ store, dir })
    open.push(t)
    // A fresh core refreshes, then pulls: on a loaded machine (two test files at once) that takes
    // longer than waitFor's default.
    await waitFor(async () => (await replicaOf(t).query('select 1 from approvals where id = $1', [later.id])).rows.length === 1, 45_000)
    expect((await t.call('session.get', {})).status).toBe('signed_in')
    const statuses = eventsOf(t.events, 'sync.status')
    expect(statuses.some((s) => s.state === 'error')).toBe(false)
    expect(eventsOf(t.events, 'session.changed').some((s) => s.status !== 'signed_in')).toBe(false)
  })
})

describe('a revoked refresh token', () => {
  it('keeps the queue and reports that sign-in is needed; signing in again resumes', async () => {
    const { user, store, dir, intent } = await quitWithQueuedReject('auth-revoked', 'Decided before the revocation')

    await expireAccessToken(store, { clientKnows: true })
    await admin().query('update auth.refresh_tokens set revoked = true where user_id = $1', [user.id])
    const t = await startCore({ store, dir })
    open.push(t)
    await waitFor(async () => (await t.call('session.get', {})).status === 'sign_in_required', 10_000, 'sign_in_required')
    const status = await t.call('sync.status', {})
    expect(status.lastError?.code).toBe('sign_in_required')
    expect(status.queueDepth).toBe(1)
    expect((await t.call('queue.list', {})).map((i) => i.clientMutationId)).toEqual([intent.clientMutationId])
    expect(eventsOf(t.events, 'session.changed').at(-1)?.status).toBe('sign_in_required')

    await t.call('session.signIn', { email: user.email, password: DEMO.password })
    expect((await t.call('session.get', {})).status).toBe('signed_in')
    expect((await t.call('queue.list', {})).map((i) => i.clientMutationId)).toEqual([intent.clientMutationId])
  })
})

describe('starting offline with a stored session', () => {
  it('opens the replica and the queue with no network at all', async () => {
    const user = await newReviewer('auth-offline-start')
    const store = new MemorySessionStore()
    const first = await startCore({ store })
    await signIn(first, user)
    const before = await first.call('inbox.list', { filter: {}, limit: 50, offset: 0 })
    const dir = first.dir
    await first.close({ keepDir: true })

    const net = faultyFetch()
    net.online(false)
    const t = await startCore({ store, dir, fetch: net.fetch })
    open.push(t)
    expect((await t.call('session.get', {})).status).toBe('signed_in')
    expect(await t.call('inbox.list', { filter: {}, limit: 50, offset: 0 })).toEqual(before)
    await waitFor(async () => (await t.call('sync.status', {})).state === 'offline', 5_000, 'the offline state')
    net.online(true)
    t.core.wake()
    await waitFor(async () => (await t.call('sync.status', {})).state === 'online', 5_000, 'back online')
  })
})

describe('sign-out', () => {
  it('refuses while decisions are queued, unless confirmed; then deletes the replica', async () => {
    const user = await newReviewer('auth-signout')
    const dir = tempDir('signout')
    const store = new FileSessionStore(join(dir, 'session.bin'))
    const t = await startCore({ store, dir })
    open.push(t)
    await signIn(t, user)
    const approval = await createApproval(tenant.id, { title: 'Queued at sign-out' })
    await settled(t)
    await t.call('sync.setWorkOffline', { offline: true })
    await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approval.id, decision: 'reject', version_seen: approval.version, payload_hash_seen: approval.payload_hash },
    })
    const replicaPath = replicaDir({ userDataDir: dir, backendUrl: inject('stack').apiUrl }, user.id)
    expect(existsSync(replicaPath)).toBe(true)
    await expect(t.call('session.signOut', {})).rejects.toMatchObject({ code: 'queue_not_empty' })
    expect(existsSync(replicaPath)).toBe(true)

    const out = await t.call('session.signOut', { force: true })
    expect(out.status).toBe('signed_out')
    expect(existsSync(replicaPath)).toBe(false)
    expect(await store.load()).toBeNull()
    await expect(t.call('inbox.list', { filter: {}, limit: 10, offset: 0 })).rejects.toMatchObject({ code: 'not_signed_in' })
  })
})

describe('restarting against another backend', () => {
  it('starts signed out with a replica of its own, never the old user on the old replica', async () => {
    const user = await newReviewer('auth-other-backend')
    const store = new MemorySessionStore()
    const first = await startCore({ store })
    await signIn(first, user)
    const dir = first.dir
    const stackUrl = inject('stack').apiUrl
    const oldReplica = replicaDir({ userDataDir: dir, backendUrl: stackUrl }, user.id)
    expect(existsSync(oldReplica)).toBe(true)
    await first.close({ keepDir: true })

    // The same server under another name is, as far as the console can know, another backend.
    const other = stackUrl.replace('127.0.0.1', 'localhost')
    expect(other).not.toBe(stackUrl)
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ supabaseUrl: other }))
    const t = await startCore({ store, dir })
    open.push(t)
    const session = await t.call('session.get', {})
    expect(session).toMatchObject({ status: 'signed_out', user: null, backend: { url: other } })
    expect(await store.load()).toBeNull()
    await expect(t.call('inbox.list', { filter: {}, limit: 10, offset: 0 })).rejects.toMatchObject({ code: 'not_signed_in' })

    // Signing in there builds that backend's replica beside the old one, which stays as it was.
    await signIn(t, user)
    expect(existsSync(replicaDir({ userDataDir: dir, backendUrl: other }, user.id))).toBe(true)
    expect(existsSync(oldReplica)).toBe(true)
  })
})

describe('a replica from before its folder named the backend', () => {
  it('is adopted on the next start, its queued decision included', async () => {
    const { user, store, dir, intent } = await quitWithQueuedReject('auth-legacy-replica', 'Queued before the upgrade')
    // The old layout: replicas/<user id>.
    const current = replicaDir({ userDataDir: dir, backendUrl: inject('stack').apiUrl }, user.id)
    renameSync(current, join(dir, 'replicas', user.id))

    const t = await startCore({ store, dir })
    open.push(t)
    expect((await t.call('session.get', {})).status).toBe('signed_in')
    expect((await t.call('queue.list', {})).map((i) => i.clientMutationId)).toEqual([intent.clientMutationId])
    expect(existsSync(current)).toBe(true)
    expect(existsSync(join(dir, 'replicas', user.id))).toBe(false)
  })
})
