// A relaunch shows the reviewer's last view while their replica opens: the first-paint calls are
// answered from what was saved beside the replica, every other call waits for it (nothing refused or
// lost), and once it is open every view reads live rows again. The replica is held closed with a
// gate, so "before it opened" is a fact of the test, not a race.
import { existsSync, statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { MemorySessionStore } from '../../src/core/index'
import { replicaDir } from '../../src/core/replica/open'
import { admin, DEMO } from '../support/db'
import { createApproval, createMember, createTenant, type ApprovalRow } from '../support/fixtures'
import { decisionOn, eventsOf, settled, startCore, waitFor, type TestCore } from './support/harness'

const open: TestCore[] = []

afterAll(async () => {
  for (const t of open) await t.close().catch(() => {})
})

const FIRST_PAGE = { filter: {}, limit: 50, offset: 0 } as const

function lastViewFile(dir: string, userId: string): string {
  return join(replicaDir({ userDataDir: dir, backendUrl: inject('stack').apiUrl }, userId), 'last-view.json')
}

/** A replica that opens only when the test says so. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let release!: () => void
  const opened = new Promise<void>((resolve) => (release = resolve))
  return { wait: () => opened, open: () => release() }
}

const sawOpening = (t: TestCore) => eventsOf(t.events, 'sync.status').some((s) => s.replica === 'opening')

async function replicaOpen(t: TestCore): Promise<void> {
  await waitFor(async () => t.core.replica() !== null && (await t.call('sync.status', {})).replica === 'open', 30_000, 'the replica to open')
}

/** A reviewer who signed in, looked at their inbox (first paint) and closed the console. */
async function lookedAndClosed(titles = ['First', 'Second']) {
  const tenant = await createTenant()
  const reviewer = await createMember(tenant.id, 'finance')
  const approvals: ApprovalRow[] = []
  for (const title of titles) approvals.push(await createApproval(tenant.id, { title }))
  const store = new MemorySessionStore()
  const first = await startCore({ store })
  await first.call('settings.update', { holdSeconds: 0 })
  await first.call('session.signIn', { email: reviewer.email, password: DEMO.password })
  await settled(first)
  const seen = {
    page: await first.call('inbox.list', FIRST_PAGE),
    counts: await first.call('inbox.counts', {}),
    queue: await first.call('queue.list', {}),
  }
  expect(seen.page.items).toHaveLength(titles.length)
  const dir = first.dir
  await first.close({ keepDir: true })
  return { tenant, reviewer, approvals, store, dir, seen, file: lastViewFile(dir, reviewer.id) }
}

describe('the last view', () => {
  it('answers the first paint before the replica opens, and the live replica then gives the same answers', async () => {
    const { store, dir, seen, file } = await lookedAndClosed()
    // Saved at close, the owner's alone like the replica's own files.
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const held = gate()
    const t = await startCore({ store, dir, replicaGate: held.wait })
    open.push(t)
    const page = await t.call('inbox.list', FIRST_PAGE)
    expect(t.core.replica()).toBeNull()
    expect(page).toEqual(seen.page)
    expect(await t.call('inbox.counts', {})).toEqual(seen.counts)
    expect(await t.call('queue.list', {})).toEqual(seen.queue)
    expect((await t.call('sync.status', {})).replica).toBe('opening')

    held.open()
    await replicaOpen(t)
    // Saved at a clean close, it matched the replica's state: kept for the next launch.
    expect(existsSync(file)).toBe(true)
    // Opening told every view to read its live rows.
    expect(eventsOf(t.events, 'data.changed').length).toBeGreaterThan(0)
    expect(await t.call('inbox.list', FIRST_PAGE)).toEqual(page)
    expect(await t.call('inbox.counts', {})).toEqual(seen.counts)
  })

  it('left stale by a crash, is shown while the replica opens, then corrected and never shown again', async () => {
    const { tenant, store, dir, seen, file } = await lookedAndClosed()
    const leftByCrash = await readFile(file, 'utf8')

    // The console runs on and pulls a new approval into the replica...
    const running = await startCore({ store, dir })
    const arrived = await createApproval(tenant.id, { title: 'Arrived after the last view was saved' })
    await waitFor(
      async () => (await running.call('inbox.list', FIRST_PAGE)).items.some((i) => i.id === arrived.id),
      20_000,
      'the new approval in the replica',
    )
    await running.close({ keepDir: true })
    // ...then dies before saving again: the last view on disk is the one from before the pull.
    await writeFile(file, leftByCrash)

    const held = gate()
    const t = await startCore({ store, dir, replicaGate: held.wait })
    open.push(t)
    expect(await t.call('inbox.list', FIRST_PAGE)).toEqual(seen.page)
    const changesBefore = eventsOf(t.events, 'data.changed').length
    held.open()
    await waitFor(() => eventsOf(t.events, 'data.changed').length > changesBefore, 30_000, 'data.changed once the replica opened')
    const live = await t.call('inbox.list', FIRST_PAGE)
    expect(live.items.map((i) => i.id)).toContain(arrived.id)
    // The stale file is gone; the next one saved holds the live answer.
    expect(existsSync(file) ? await readFile(file, 'utf8') : null).not.toBe(leftByCrash)
    await waitFor(async () => existsSync(file) && (await readFile(file, 'utf8')).includes(arrived.id), 20_000, 'a corrected last view')
  })

  it('holds a decision made before the replica opened until it opens, then queues and sends it exactly once', async () => {
    const { reviewer, approvals, store, dir } = await lookedAndClosed(['Decided while opening'])
    const a = approvals[0]!

    const held = gate()
    const t = await startCore({ store, dir, replicaGate: held.wait })
    open.push(t)
    expect((await t.call('inbox.list', FIRST_PAGE)).items.map((i) => i.id)).toEqual([a.id])
    const deciding = t.call('intents.create', decisionOn(a, 'approve'))
    expect(t.core.replica()).toBeNull()
    held.open()
    const intent = await deciding

    await waitFor(
      async () => (await t.call('history.list', { limit: 10, offset: 0 })).items.find((i) => i.clientMutationId === intent.clientMutationId)?.state === 'applied',
      30_000,
      'the decision applied on the server',
    )
    const history = await t.call('history.list', { limit: 10, offset: 0 })
    expect(history.total).toBe(1)
    const decisions = await admin().query<{ client_mutation_id: string }>(
      `select client_mutation_id::text from public.approval_decisions where actor_id = $1`,
      [reviewer.id],
    )
    expect(decisions.rows.map((d) => d.client_mutation_id)).toEqual([intent.clientMutationId])
    expect((await t.call('inbox.list', FIRST_PAGE)).items).toEqual([])
  })

  it('goes with the replica at sign-out, and another reviewer never sees one that is not theirs', async () => {
    const first = await lookedAndClosed(['Only for the first reviewer'])
    const foreign = await readFile(first.file, 'utf8')
    const t = await startCore({ store: first.store, dir: first.dir })
    await replicaOpen(t)
    await t.call('session.signOut', { force: true })
    expect(existsSync(first.file)).toBe(false)

    // Another reviewer signs in on the same console, looks, and closes it.
    const tenant = await createTenant()
    const other = await createMember(tenant.id, 'finance')
    const theirs = await createApproval(tenant.id, { title: 'Only for the second reviewer' })
    await t.call('session.signIn', { email: other.email, password: DEMO.password })
    await settled(t)
    await t.call('inbox.list', FIRST_PAGE)
    await t.close({ keepDir: true })
    // The first reviewer's last view, planted in the second one's folder, is not theirs: not read.
    const plantedAt = lastViewFile(first.dir, other.id)
    await writeFile(plantedAt, foreign)

    const again = await startCore({ store: first.store, dir: first.dir })
    open.push(again)
    expect(again.core.replica()).not.toBeNull()
    expect(sawOpening(again)).toBe(false)
    expect((await again.call('inbox.list', FIRST_PAGE)).items.map((i) => i.id)).toEqual([theirs.id])
  })

  it.each([
    ['not JSON', () => '{"format": 1, "answers": ['],
    ['another format', (saved: string) => JSON.stringify({ ...JSON.parse(saved), format: 2 })],
    [
      'an answer the contract refuses',
      (saved: string) => {
        const v = JSON.parse(saved) as { answers: { method: string; value: unknown }[] }
        for (const a of v.answers) if (a.method === 'inbox.list') a.value = { items: 'tampered' }
        return JSON.stringify(v)
      },
    ],
  ])('%s means a normal start', async (_label, corrupt) => {
    const { approvals, store, dir, file } = await lookedAndClosed(['Behind a corrupt last view'])
    await writeFile(file, corrupt(await readFile(file, 'utf8')))
    const t = await startCore({ store, dir })
    open.push(t)
    expect(t.core.replica()).not.toBeNull()
    expect(sawOpening(t)).toBe(false)
    expect((await t.call('inbox.list', FIRST_PAGE)).items.map((i) => i.id)).toEqual([approvals[0]!.id])
  })
})
