// One contract suite, run over both transports — Electron IPC (the real binding, sender guard and
// preload bridge over a faithful fake ipcMain) and the web shell (the real server and browser
// bridge over a real WebSocket) — each in front of a real core signed in against the test stack.
// Then the same calls through both must give the same answers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { EventPayload, MethodArgs, MethodName } from '../../src/shared/contract'
import { createAgent, createApproval, createMember, createTenant, type ApprovalRow, type UserRef } from '../support/fixtures'
import { APP_FRAME } from './support/fake-ipc'
import { startIpcTransport, startWebSocketTransport, until, type Transport } from './support/transports'

const PASSWORD = 'demo-password'
const rendererDir = mkdtempSync(join(tmpdir(), 'oc-contract-renderer-'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>')

let reviewer: UserRef
let tenantId: string
const approvals: Record<'refund' | 'payout' | 'expiring' | 'journal', ApprovalRow> = {} as never
let transports: Transport[] = []

beforeAll(async () => {
  const tenant = await createTenant({ name: 'Contract Suite Ltd' })
  tenantId = tenant.id
  reviewer = await createMember(tenant.id, 'finance', { label: 'contract' })
  const agent = await createAgent(tenant.id, { name: 'Refund Bot' })
  approvals.refund = await createApproval(tenant.id, { agentId: agent.id, title: 'Refund 100.00 USD to Jane', riskLevel: 2, amount: '100.00' })
  approvals.payout = await createApproval(tenant.id, { agentId: agent.id, kind: 'payout', title: 'Payout to Contoso', riskLevel: 5, amount: '9800.00' })
  approvals.expiring = await createApproval(tenant.id, { agentId: agent.id, title: 'Refund expiring soon', riskLevel: 3, expiresAt: 30 * 60 })
  approvals.journal = await createApproval(tenant.id, { agentId: agent.id, kind: 'journal_posting', title: 'Accrual posting', riskLevel: 1, amount: null })

  const backend = inject('stack')
  transports = [await startIpcTransport(backend), await startWebSocketTransport(backend, rendererDir)]
  for (const t of transports) {
    const signedIn = await t.api.call('session.signIn', { email: reviewer.email, password: PASSWORD })
    expect(signedIn, `${t.name} sign-in`).toMatchObject({ ok: true, value: { status: 'signed_in' } })
    // The inbox shows first; wait for the whole first sync (memberships, permissions) too.
    const synced = await until(
      () => t.api.call('sync.status', {}),
      (o) => o.ok && o.value.initialSync === null && o.value.lastPullAt !== null,
    )
    expect(synced, `${t.name} first sync`).toMatchObject({ ok: true, value: { initialSync: null } })
    expect(await t.api.call('inbox.list', {})).toMatchObject({ ok: true, value: { total: 4 } })
  }
}, 120_000)

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()))
  rmSync(rendererDir, { recursive: true, force: true })
})

const byName = (name: Transport['name']) => () => transports.find((t) => t.name === name)!

describe('the same answers over IPC and the web shell', () => {
  const calls: [string, unknown][] = [
    ['session.get', {}],
    ['tenants.list', {}],
    ['inbox.list', {}],
    ['inbox.list', { filter: { minRisk: 4 } }],
    ['inbox.list', { filter: { kinds: ['payout', 'journal_posting'] } }],
    ['inbox.list', { filter: { text: 'expiring' } }],
    ['inbox.list', { limit: 2, offset: 1 }],
    ['inbox.counts', {}],
    ['inbox.counts', { tenantId: 'TENANT' }],
    ['approvals.detail', { id: 'REFUND' }],
    ['approvals.detail', { id: '00000000-0000-4000-8000-000000000000' }],
    ['settings.get', {}],
    ['queue.list', {}],
    ['history.list', {}],
    ['no.such.method', {}],
    ['inbox.list', { limit: 'ten' }],
    ['inbox.list', { filter: { minRisk: 9 } }],
    ['approvals.detail', {}],
    ['session.signIn', { email: 'not-an-email', password: '' }],
  ]

  it.each(calls)('%s %j', async (method, rawArgs) => {
    const args = JSON.parse(JSON.stringify(rawArgs).replace('"TENANT"', `"${tenantId}"`).replace('"REFUND"', `"${approvals.refund.id}"`))
    const [ipc, ws] = [byName('ipc')(), byName('websocket')()]
    const overIpc = await ipc.api.call(method as MethodName, args as never)
    const overWs = await ws.api.call(method as MethodName, args as never)
    expect(overIpc).toEqual(overWs)
    // And the answer is a real one, not two matching failures of the plumbing.
    if (overIpc.ok) expect(overIpc.value).toBeDefined()
    else expect(['invalid_input', 'unknown_method', 'not_found']).toContain(overIpc.error.code)
  })
})

describe.each([['ipc' as const], ['websocket' as const]])('the contract over %s', (name) => {
  const t = byName(name)

  it('reports the signed-in reviewer and the local stack', async () => {
    const session = await t().api.call('session.get', {})
    expect(session).toMatchObject({
      ok: true,
      value: { status: 'signed_in', user: { id: reviewer.id, email: reviewer.email }, backend: { isLocalStack: true } },
    })
  })

  it('lists the inbox from the replica and opens an approval’s detail', async () => {
    const inbox = await t().api.call('inbox.list', {})
    if (!inbox.ok) throw new Error(inbox.error.message)
    expect(inbox.value.items.map((i) => i.id).sort()).toEqual(Object.values(approvals).map((a) => a.id).sort())
    const risky = await t().api.call('inbox.list', { filter: { minRisk: 5 } })
    expect(risky.ok && risky.value.items.map((i) => i.id)).toEqual([approvals.payout.id])
    const detail = await t().api.call('approvals.detail', { id: approvals.refund.id })
    expect(detail).toMatchObject({ ok: true, value: { item: { id: approvals.refund.id, title: 'Refund 100.00 USD to Jane', amount: '100.00' } } })
  })

  it('keeps settings across calls', async () => {
    const updated = await t().api.call('settings.update', { holdSeconds: 60, lastView: 'queue' })
    expect(updated).toMatchObject({ ok: true, value: { holdSeconds: 60, lastView: 'queue' } })
    expect(await t().api.call('settings.get', {})).toMatchObject({ ok: true, value: { holdSeconds: 60, lastView: 'queue' } })
  })

  it('queues an intent durably, pushes intent events to the page, and undoes it within the hold window', async () => {
    const heard: EventPayload<'intent.changed'>[] = []
    const stop = t().api.on('intent.changed', (intent) => heard.push(intent))
    try {
      const created = await t().api.call('intents.create', {
        kind: 'message.send',
        args: { approval_id: approvals.refund.id, body: `Please attach the order receipt (${name}).` },
      })
      if (!created.ok) throw new Error(created.error.message)
      expect(created.value).toMatchObject({ kind: 'message.send', state: 'held' })
      const id = created.value.clientMutationId
      await until(
        async () => heard,
        (h) => h.some((i) => i.clientMutationId === id),
      )
      expect(heard.find((i) => i.clientMutationId === id)).toMatchObject({ state: 'held', kind: 'message.send' })
      const queue = await t().api.call('queue.list', {})
      expect(queue.ok && queue.value.map((i) => i.clientMutationId)).toContain(id)

      expect(await t().api.call('intents.undo', { clientMutationId: id })).toEqual({ ok: true, value: { undone: true } })
      const after = await t().api.call('queue.list', {})
      expect(after.ok && after.value.map((i) => i.clientMutationId)).not.toContain(id)
      // Undo is offered once: the second answer says nothing was undone.
      expect(await t().api.call('intents.undo', { clientMutationId: id })).toEqual({ ok: true, value: { undone: false } })
    } finally {
      stop()
    }
  })

  it('a held approval leaves the inbox at once and comes back on undo', async () => {
    const detail = await t().api.call('approvals.detail', { id: approvals.refund.id })
    if (!detail.ok) throw new Error(detail.error.message)
    const created = await t().api.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approvals.refund.id, decision: 'approve', version_seen: detail.value.version, payload_hash_seen: detail.value.payloadHash },
    })
    if (!created.ok) throw new Error(created.error.message)
    expect(created.value).toMatchObject({ kind: 'approval.decide', state: 'held' })
    const inbox = await t().api.call('inbox.list', {})
    expect(inbox.ok && inbox.value.items.map((i) => i.id)).not.toContain(approvals.refund.id)
    expect(await t().api.call('intents.undo', { clientMutationId: created.value.clientMutationId })).toEqual({ ok: true, value: { undone: true } })
    const after = await t().api.call('inbox.list', {})
    expect(after.ok && after.value.items.map((i) => i.id)).toContain(approvals.refund.id)
  })

  it('an unsubscribed listener hears nothing more', async () => {
    let heard = 0
    const stop = t().api.on('data.changed', () => heard++)
    stop()
    await t().api.call('settings.update', { theme: 'dark' })
    await t().api.call('sync.now', {})
    const status = await t().api.call('sync.status', {})
    expect(status.ok).toBe(true)
    expect(heard).toBe(0)
  })

  it('answers bad calls with typed errors', async () => {
    expect(await t().api.call('nope' as MethodName, {} as never)).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    expect(await t().api.call('inbox.list', { limit: -1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    const polluted = JSON.parse('{"filter": {}, "__proto__": {"polluted": true}}') as MethodArgs<'inbox.list'>
    expect(await t().api.call('inbox.list', polluted)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(Object.prototype).not.toHaveProperty('polluted')
  })
})

describe('the IPC sender check', () => {
  const ipc = () => byName('ipc')().ipc!

  it.each([
    ['no frame', null],
    ['an iframe of the window', { ...APP_FRAME, parent: APP_FRAME, routingId: 9 }],
    ['another window', { ...APP_FRAME, processId: 77 }],
    ['the window after navigating elsewhere', { ...APP_FRAME, url: 'https://evil.example/' }],
  ])('refuses %s, and the window keeps being served', async (_why, frame) => {
    const refused = await ipc().invokeRaw(frame, 'api:call', 'session.get', {})
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    expect(await ipc().invokeRaw(APP_FRAME, 'api:call', 'session.get', {})).toMatchObject({ ok: true })
  })

  it('refuses calls with arguments beyond (method, args)', async () => {
    expect(await ipc().invokeRaw(APP_FRAME, 'api:call', 'session.get', {}, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    })
  })
})
