// Live updates in the console: with Realtime, a change reaches the replica by its poke while the
// poll has slowed to its 30 s fallback; a socket cut mid-session catches up on reconnect with
// nothing missed; a tenant granted meanwhile is joined at once; and with Realtime off the console
// still converges by polling. The engine's own poll interval is set far beyond the waits here, so
// only a poke (or a catch-up pull) can bring the change in time.
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncTuning } from '../../src/core/index'
import { DEMO } from '../support/db'
import { addMember, createApproval, createMember, createTenant, createUser } from '../support/fixtures'
import { replicaOf, settled, startCore, waitFor, type TestCore } from './support/harness'

/** ws, remembering its open sockets so a test can cut them as a dropped network would. */
class CuttableSocket extends WebSocket {
  static readonly open = new Set<CuttableSocket>()
  static created = 0
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    CuttableSocket.created++
    CuttableSocket.open.add(this)
    this.on('close', () => CuttableSocket.open.delete(this))
  }
  static cutAll(): number {
    const n = CuttableSocket.open.size
    for (const s of CuttableSocket.open) s.terminate()
    return n
  }
}

/** ws whose channel joins wait in the client until released: a join the server is slow to answer. */
class HeldJoinSocket extends WebSocket {
  static holding = false
  static readonly held: (() => void)[] = []
  static release(): void {
    HeldJoinSocket.holding = false
    for (const send of HeldJoinSocket.held.splice(0)) send()
  }
  override send(data: unknown, ...rest: unknown[]): void {
    const frame = () => (super.send as (...a: unknown[]) => void)(data, ...rest)
    if (HeldJoinSocket.holding && typeof data === 'string' && data.includes('"phx_join"')) HeldJoinSocket.held.push(frame)
    else frame()
  }
}

/** A fetch that counts the console's pulls. */
function countingPulls(): { fetch: typeof fetch; pulls: () => number } {
  let pulls = 0
  return {
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/rest/v1/rpc/sync_pull')) pulls++
      return fetch(input, init)
    },
    pulls: () => pulls,
  }
}

/** Far beyond every wait below: a change that arrives in time came by Realtime. */
const SLOW_POLL = { focusedIntervalMs: 120_000, backgroundIntervalMs: 120_000 }

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

async function signedIn(email: string, sync: SyncTuning): Promise<TestCore> {
  // ws's first constructor overload (address: null) hides the (string | URL) one from the check.
  const t = await startCore({ sync, webSocket: CuttableSocket as unknown as typeof WebSocket })
  cores.push(t)
  await t.call('session.signIn', { email, password: DEMO.password })
  await settled(t)
  return t
}

async function hasApproval(t: TestCore, id: string): Promise<boolean> {
  return (await replicaOf(t).query('select 1 from approvals where id = $1', [id])).rows.length === 1
}

const mode = async (t: TestCore) => (await t.call('sync.status', {})).updates

describe('live updates', () => {
  it('a change reaches a live console by its poke, not by the poll', async () => {
    const tenant = await createTenant({ name: 'Realtime live' })
    const user = await createMember(tenant.id, 'finance', { label: 'rt-live' })
    const t = await signedIn(user.email, SLOW_POLL)
    await waitFor(async () => (await mode(t)) === 'live', 15_000, 'live mode')

    const approval = await createApproval(tenant.id, { kind: 'refund', amount: '42.00' })
    await waitFor(() => hasApproval(t, approval.id), 15_000, 'the approval in the replica')
  })

  it('a dropped socket catches up on reconnect with no missed change, and goes live again', async () => {
    const tenant = await createTenant({ name: 'Realtime drop' })
    const user = await createMember(tenant.id, 'finance', { label: 'rt-drop' })
    const t = await signedIn(user.email, SLOW_POLL)
    await waitFor(async () => (await mode(t)) === 'live', 15_000, 'live mode')

    expect(CuttableSocket.cutAll()).toBeGreaterThan(0)
    // Written while the console has no socket: its poke cannot reach it.
    const missed = [
      await createApproval(tenant.id, { kind: 'refund', amount: '1.00' }),
      await createApproval(tenant.id, { kind: 'payout', amount: '2.00' }),
    ]
    for (const a of missed) await waitFor(() => hasApproval(t, a.id), 25_000, 'the missed approval after reconnect')
    await waitFor(async () => (await mode(t)) === 'live', 25_000, 'live mode again')
  })

  it('a tenant granted while live is replicated and joined without waiting for the poll', async () => {
    const first = await createTenant({ name: 'Realtime first' })
    const later = await createTenant({ name: 'Realtime granted later' })
    const user = await createMember(first.id, 'viewer', { label: 'rt-grant' })
    const laterApproval = await createApproval(later.id, { kind: 'refund', amount: '7.00' })
    const t = await signedIn(user.email, SLOW_POLL)
    await waitFor(async () => (await mode(t)) === 'live', 15_000, 'live mode')

    await addMember(later.id, user.id, 'viewer')
    await waitFor(() => hasApproval(t, laterApproval.id), 15_000, 'the granted tenant’s approval')
    // Its topic is joined too: a change in it now arrives by poke.
    const next = await createApproval(later.id, { kind: 'refund', amount: '8.00' })
    await waitFor(() => hasApproval(t, next.id), 15_000, 'a new approval in the granted tenant')
  })

  it('with Realtime disabled the console polls, says so, and converges', async () => {
    const tenant = await createTenant({ name: 'Realtime off' })
    const user = await createMember(tenant.id, 'finance', { label: 'rt-off' })
    const socketsBefore = CuttableSocket.created
    const t = await signedIn(user.email, { realtime: false })
    expect(await mode(t)).toBe('polling')

    const approval = await createApproval(tenant.id, { kind: 'refund', amount: '5.00' })
    await waitFor(() => hasApproval(t, approval.id), 15_000, 'the approval by polling')
    expect(await mode(t)).toBe('polling')
    expect(CuttableSocket.created).toBe(socketsBefore)
  })

  it('a console whose join is slow to be answered does not poll meanwhile, then pulls once to catch up and no more', async () => {
    const tenant = await createTenant({ name: 'Realtime late join' })
    const user = await createMember(tenant.id, 'finance', { label: 'rt-late' })
    const witness = await createMember(tenant.id, 'finance', { label: 'rt-late-witness' })
    // Both poll every 200 ms when polling (the harness's interval); the witness never has Realtime,
    // so its pulls are the clock the late joiner's pulls are counted against.
    HeldJoinSocket.holding = true
    const late = countingPulls()
    const t = await startCore({ fetch: late.fetch, webSocket: HeldJoinSocket as unknown as typeof WebSocket })
    cores.push(t)
    await t.call('session.signIn', { email: user.email, password: DEMO.password })
    await settled(t)
    await waitFor(() => HeldJoinSocket.held.length > 0, 15_000, 'a join in flight')
    const clock = countingPulls()
    const w = await startCore({ fetch: clock.fetch, sync: { realtime: false } })
    cores.push(w)
    await w.call('session.signIn', { email: witness.email, password: DEMO.password })
    await waitFor(() => clock.pulls() >= 1, 15_000, 'the witness polling')

    // Joining: not live yet, and no polling while the join is in flight.
    const beforeJoin = late.pulls()
    await waitFor(() => clock.pulls() >= 4, 15_000, 'three polls of the witness')
    expect(await mode(t)).toBe('polling')
    expect(late.pulls()).toBe(beforeJoin)

    // Joined: live, one catch-up pull per topic joined at most (the user's and the tenant's)…
    HeldJoinSocket.release()
    await waitFor(async () => (await mode(t)) === 'live', 15_000, 'live mode after the late join')
    await waitFor(() => late.pulls() > beforeJoin, 15_000, 'the catch-up pull')
    const afterJoin = clock.pulls()
    await waitFor(() => clock.pulls() >= afterJoin + 3, 15_000, 'three more polls of the witness')
    const catchUps = late.pulls() - beforeJoin
    expect(catchUps).toBeGreaterThanOrEqual(1)
    expect(catchUps).toBeLessThanOrEqual(2)
    // …and no idle pulls after it: nothing changed, so nothing is pulled until a poke.
    await waitFor(() => clock.pulls() >= afterJoin + 6, 15_000, 'three more polls of the witness')
    expect(late.pulls() - beforeJoin).toBe(catchUps)

    // A change still arrives, by its poke.
    const approval = await createApproval(tenant.id, { kind: 'refund', amount: '9.00' })
    await waitFor(() => hasApproval(t, approval.id), 15_000, 'the approval by its poke')
  })

  it('working offline leaves the topics and polls nothing; back online it is live again', async () => {
    const tenant = await createTenant({ name: 'Realtime offline' })
    const user = await createUser({ label: 'rt-offline' })
    await addMember(tenant.id, user.id, 'finance')
    const t = await signedIn(user.email, SLOW_POLL)
    await waitFor(async () => (await mode(t)) === 'live', 15_000, 'live mode')
    await t.call('sync.setWorkOffline', { offline: true })
    expect(await mode(t)).toBe('polling')
    await t.call('sync.setWorkOffline', { offline: false })
    await waitFor(async () => (await mode(t)) === 'live', 15_000, 'live mode after going back online')
  })
})
