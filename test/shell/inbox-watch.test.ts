// The desktop niceties' brain, against a real core and the test stack: the badge follows the inbox
// count, a risk-5 request that arrives while the reviewer works raises one notification (those
// already there at sign-in do not), a request expiring within the hour raises one, and nothing is
// announced twice.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { EmitEvent } from '../../src/shared/contract'
import { createCore, dispatch, MemorySessionStore, type Core } from '../../src/core'
import { createInboxWatch, type ApprovalNotice, type Call, type InboxWatch } from '../../src/main/inbox-watch'
import { createAgent, createApproval, createMember, createTenant } from '../support/fixtures'
import { until } from './support/transports'

let core: Core
let watch: InboxWatch
let call: Call
let tenantId: string
let agentId: string
const dataDir = mkdtempSync(join(tmpdir(), 'oc-inbox-watch-'))
const badges: number[] = []
const notices: ApprovalNotice[] = []
const ids: Record<string, string> = {}

beforeAll(async () => {
  const tenant = await createTenant({ name: 'Badge Ltd' })
  tenantId = tenant.id
  const reviewer = await createMember(tenant.id, 'finance', { label: 'badge' })
  agentId = (await createAgent(tenant.id)).id
  ids.oldRisk5 = (await createApproval(tenant.id, { agentId, title: 'Old risk-5 payout', riskLevel: 5, kind: 'payout' })).id
  ids.expiring = (await createApproval(tenant.id, { agentId, title: 'Refund expiring in 20 min', riskLevel: 2, expiresAt: 20 * 60 })).id
  ids.later = (await createApproval(tenant.id, { agentId, title: 'Refund expiring tomorrow', riskLevel: 2 })).id

  let forward: EmitEvent = () => {}
  core = await createCore({
    userDataDir: dataDir,
    backend: { url: inject('stack').apiUrl, anonKey: inject('stack').anonKey, isLocalStack: true },
    sessionStore: new MemorySessionStore(),
    emit: (event, payload) => forward(event, payload),
  })
  call = (method, args) => dispatch(core.handlers, method, args) as never
  watch = createInboxWatch({ call, setBadge: (n) => badges.push(n), notify: (n) => notices.push(n), debounceMs: 20, pollMs: 60_000 })
  forward = watch.onEvent
  expect(await call('session.signIn', { email: reviewer.email, password: 'demo-password' })).toMatchObject({ ok: true })
}, 120_000)

afterAll(async () => {
  watch.stop()
  await core.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('inbox watch', () => {
  it('shows the inbox count on the badge and warns once about the request expiring within the hour', async () => {
    await until(async () => badges.at(-1), (n) => n === 3)
    expect(badges.at(-1)).toBe(3)
    await until(async () => notices.length, (n) => n >= 1)
    expect(notices).toEqual([{ approvalId: ids.expiring, title: expect.stringMatching(/^Expires in (19|20) min$/), body: 'Refund expiring in 20 min' }])
  })

  it('announces a risk-5 request that arrives later, once; the one present at sign-in stays quiet', async () => {
    const fresh = await createApproval(tenantId, { agentId, title: 'New risk-5 payout to Contoso', riskLevel: 5, kind: 'payout' })
    await until(async () => notices.length, (n) => n >= 2)
    expect(notices.slice(1)).toEqual([{ approvalId: fresh.id, title: 'New risk-5 request', body: 'New risk-5 payout to Contoso' }])
    await until(async () => badges.at(-1), (n) => n === 4)
    expect(badges.at(-1)).toBe(4)

    // A later refresh (data changed again, or the timer) repeats nothing, nor does a signed_in event
    // for the same reviewer arriving late (it can come after the first sync caught up).
    const same = await call('session.get', {})
    if (!same.ok) throw new Error('session.get failed')
    watch.onEvent('session.changed', same.value)
    await watch.refresh()
    await watch.refresh()
    expect(notices.map((n) => n.approvalId)).toEqual([ids.expiring, fresh.id])
    expect(notices.some((n) => n.approvalId === ids.oldRisk5)).toBe(false)
  })

  it('clears the badge on sign-out', async () => {
    expect(await dispatch(core.handlers, 'session.signOut', { force: true })).toMatchObject({ ok: true })
    await until(async () => badges.at(-1), (n) => n === 0)
    expect(badges.at(-1)).toBe(0)
  })
})
