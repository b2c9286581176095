// The Change sets view's rows, read from the replica: why my review would be refused when the
// replica can tell (I wrote it; my role — direct, or through the holding parent — may not review),
// which verdict my review on its way gives, those waiting for review first, and who reviewed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import {
  addMember,
  createMember,
  createTenant,
  createUser,
  type TenantRef,
  type UserRef,
} from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

let holding: TenantRef
let sub: TenantRef
let manager: UserRef
let financeHere: UserRef
let colleague: UserRef
const cores: TestCore[] = []
/** The holding manager's console. */
let t: TestCore
const ids = { pending: '', mine: '', reviewed: '', older: '' }

async function changeset(
  title: string,
  o: { status?: string; author?: string; reviewedBy?: string; minutesAgo: number },
): Promise<string> {
  const { rows } = await admin().query<{ id: string }>(
    `insert into public.changesets (tenant_id, title, status, author_user_id, reviewed_by, reviewed_at, review_comment, created_at)
     values ($1, $2, $3, $4, $5, case when $5::uuid is null then null else now() end, case when $5::uuid is null then null else 'ok' end,
             now() - make_interval(mins => $6))
     returning id`,
    [sub.id, title, o.status ?? 'pending_review', o.author ?? null, o.reviewedBy ?? null, o.minutesAgo],
  )
  return rows[0]!.id
}

async function signedIn(user: UserRef): Promise<TestCore> {
  const t = await startCore()
  cores.push(t)
  // The longest hold: my review stays held (undoable) while the test reads its row.
  await t.call('settings.update', { holdSeconds: 60 })
  await t.call('session.signIn', { email: user.email, password: DEMO.password })
  await settled(t)
  return t
}

const list = (t: TestCore, status: 'pending_review' | 'all') =>
  t.call('changesets.list', { status, tenantId: sub.id, limit: 50, offset: 0 })

beforeAll(async () => {
  holding = await createTenant({ name: 'CS Holding', kind: 'holding' })
  sub = await createTenant({ name: 'CS Subsidiary', parentId: holding.id })
  // A holding manager reviews the subsidiary's change sets through the holding membership.
  manager = await createMember(holding.id, 'manager', { label: 'cs-manager' })
  // A finance member of the subsidiary may not review them — even with a manager role in the holding:
  // the direct membership is the one that counts.
  financeHere = await createMember(sub.id, 'finance', { label: 'cs-finance' })
  await addMember(holding.id, financeHere.id, 'manager')
  colleague = await createUser({ label: 'cs-colleague', fullName: 'Cora Colleague' })
  await addMember(sub.id, colleague.id, 'ops')
  ids.older = await changeset('Older pending', { minutesAgo: 30 })
  ids.reviewed = await changeset('Reviewed already', {
    status: 'approved',
    reviewedBy: colleague.id,
    minutesAgo: 5,
  })
  ids.mine = await changeset('Written by the manager', { author: manager.id, minutesAgo: 10 })
  ids.pending = await changeset('Newest pending', { minutesAgo: 1 })
  t = await signedIn(manager)
})

afterAll(async () => {
  await Promise.all(cores.map((t) => t.close()))
})

describe('change sets in the replica', () => {
  it('say before sending why a review would be refused, by authorship or by role', async () => {
    const rows = new Map((await list(t, 'pending_review')).items.map((c) => [c.id, c]))
    expect(rows.get(ids.pending)?.preflight).toBeNull()
    expect(rows.get(ids.mine)?.preflight).toEqual({
      code: 'self_approval',
      message: expect.stringMatching(/You wrote this change set/),
    })

    const f = await signedIn(financeHere)
    const seen = (await list(f, 'pending_review')).items
    expect(seen.length).toBeGreaterThan(0)
    for (const c of seen)
      expect(c.preflight).toEqual({
        code: 'forbidden',
        message: expect.stringMatching(/changesets:review.*finance/),
      })
  })

  it('list those waiting for review first, newest first, with who reviewed the others', async () => {
    expect((await list(t, 'pending_review')).items.map((c) => c.id)).toEqual([
      ids.pending,
      ids.mine,
      ids.older,
    ])
    const all = await list(t, 'all')
    expect(all.items.map((c) => c.id)).toEqual([ids.pending, ids.mine, ids.older, ids.reviewed])
    expect(all.items.at(-1)).toMatchObject({
      status: 'approved',
      reviewedByName: 'Cora Colleague',
      reviewComment: 'ok',
    })
  })

  it('name the verdict of my review while it is on its way, and forget it when undone', async () => {
    const intent = await t.call('intents.create', {
      kind: 'changeset.review',
      args: { changeset_id: ids.pending, verdict: 'rejected', comment: 'Split it in two.' },
    })
    const row = async () => (await list(t, 'pending_review')).items.find((c) => c.id === ids.pending)
    expect(await row()).toMatchObject({
      pendingIntent: 'held',
      pendingVerdict: 'rejected',
      lastRefusal: null,
    })
    expect(intent.label).toMatch(/Request changes on change set · Newest pending/)
    expect((await t.call('intents.undo', { clientMutationId: intent.clientMutationId })).undone).toBe(true)
    await waitFor(async () => (await row())?.pendingVerdict === null, 5000, 'the verdict gone after undo')
    expect(await row()).toMatchObject({ pendingIntent: null, pendingVerdict: null })
  })
})
