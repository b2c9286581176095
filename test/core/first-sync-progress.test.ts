// The first-sync progress bar a reviewer watches: it only ever moves forward, keeps its total, and
// survives the network dropping and the app restarting in the middle — the bar picks up where it was
// and the replica still ends equal to the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../src/shared/contract'
import { MemorySessionStore } from '../../src/core/index'
import { DEMO } from '../support/db'
import { createAgent, createApproval, createMember, createTenant, type UserRef } from '../support/fixtures'
import { faultyFetch } from './support/faulty-fetch'
import { eventsOf, replicaDigest, replicaOf, serverDigest, startCore, waitFor, type TestCore } from './support/harness'

let reviewer: UserRef
const open: TestCore[] = []

beforeAll(async () => {
  const tenant = await createTenant({ name: 'First sync progress' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'firstsync' })
  const agent = await createAgent(tenant.id)
  for (let i = 0; i < 240; i++) await createApproval(tenant.id, { agentId: agent.id, title: `Progress ${i}`, riskLevel: i % 5 })
})

afterAll(async () => {
  for (const t of open) await t.close().catch(() => {})
})

type Progress = NonNullable<SyncStatus['initialSync']>

/** Every first-sync progress value the core reported, in order. */
function progressOf(t: TestCore): Progress[] {
  return eventsOf(t.events, 'sync.status').flatMap((s) => (s.initialSync ? [s.initialSync] : []))
}

function expectForwardOnly(steps: Progress[]): void {
  for (const [i, step] of steps.entries()) {
    const before = steps[i - 1]
    if (!before) continue
    expect(step.rows, `rows at step ${i}`).toBeGreaterThanOrEqual(before.rows)
    if (before.expected !== null) expect(step.expected, `total at step ${i}`).not.toBeNull()
    if (step.expected !== null) expect(step.expected).toBeGreaterThanOrEqual(step.rows)
  }
}

describe('first sync interrupted by the network and a restart', () => {
  it('keeps its progress, only moves forward and completes', async () => {
    const store = new MemorySessionStore()
    const net = faultyFetch()
    let pages = 0
    // Small pages, and the network drops once the first has been applied (the second is already on its way).
    const sync = {
      pullLimit: 40,
      onPhase: (phase: string) => {
        if (phase === 'pull-applied' && ++pages === 1) net.online(false)
      },
    }
    const first = await startCore({ store, fetch: net.fetch, sync })
    open.push(first)
    await first.call('session.signIn', { email: reviewer.email, password: DEMO.password })

    const cut = await waitFor(async () => {
      if (pages < 1) return null
      const s = await first.call('sync.status', {})
      return s.state === 'offline' ? s : null
    }, 30_000, 'the network to drop mid-sync')
    // Offline mid-way: the bar is still there, with the rows so far and the server's total.
    expect(cut.initialSync).not.toBeNull()
    expect(cut.initialSync!.rows).toBeGreaterThan(0)
    expect(cut.initialSync!.expected).toBeGreaterThan(cut.initialSync!.rows)
    const beforeRestart = progressOf(first)
    expectForwardOnly(beforeRestart)
    const dir = first.dir
    open.pop()
    await first.close({ keepDir: true })

    // Restarted, still offline: the bar shows where the first sync stopped, before any network.
    const second = await startCore({ store, dir, fetch: net.fetch, sync: { pullLimit: 40 } })
    open.push(second)
    const resumed = await second.call('sync.status', {})
    expect(resumed.initialSync).toEqual(cut.initialSync)

    net.online(true)
    second.core.wake()
    await waitFor(async () => (await second.call('sync.status', {})).initialSync === null, 30_000, 'the first sync to finish')
    const afterRestart = progressOf(second)
    expect(afterRestart.length).toBeGreaterThan(1)
    expectForwardOnly([...beforeRestart, ...afterRestart])
    expect(afterRestart.at(-1)!.rows).toBeGreaterThan(cut.initialSync!.rows)
    expect(await replicaDigest(replicaOf(second))).toEqual(await serverDigest(reviewer.id))
  })
})
