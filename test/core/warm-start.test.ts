// A relaunch shows what the replica holds before it syncs: the reviewer's first inbox page is read
// from the replica before the catch-up pull asks the server anything (the pull would otherwise hold
// the replica while the page waits), and the pull then runs by itself, without being asked.
import { afterAll, describe, expect, it } from 'vitest'
import { MemorySessionStore } from '../../src/core/index'
import type { EnginePhase } from '../../src/core/sync/phases'
import { DEMO } from '../support/db'
import { createApproval, createMember, createTenant } from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

const open: TestCore[] = []

afterAll(async () => {
  for (const t of open) await t.close().catch(() => {})
})

describe('a relaunch on a complete replica', () => {
  it('answers the first inbox page before the catch-up pull, which then runs by itself', async () => {
    const tenant = await createTenant()
    const reviewer = await createMember(tenant.id, 'finance')
    const held = await createApproval(tenant.id, { title: 'Held before the relaunch' })
    const store = new MemorySessionStore()
    const first = await startCore({ store })
    await first.call('session.signIn', { email: reviewer.email, password: DEMO.password })
    await settled(first)
    const dir = first.dir
    await first.close({ keepDir: true })
    // Arrives on the server while the console is closed: only the catch-up pull can bring it.
    const arrived = await createApproval(tenant.id, { title: 'Arrived while closed' })

    const phases: EnginePhase[] = []
    const t = await startCore({ store, dir, sync: { onPhase: (p) => phases.push(p) } })
    open.push(t)
    const page = await t.call('inbox.list', { filter: {}, limit: 50, offset: 0 })
    expect(page.items.map((i) => i.id)).toEqual([held.id])
    expect(phases).toEqual([])

    await waitFor(
      async () => (await t.call('inbox.list', { filter: {}, limit: 50, offset: 0 })).items.some((i) => i.id === arrived.id),
      20_000,
      'the catch-up pull after the first page',
    )
    expect(phases).toContain('pull-request')
  })
})
