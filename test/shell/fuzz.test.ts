// IPC fuzz, over both transports in front of a real core: hundreds of malformed payloads per
// method — wrong types, missing and unknown keys, `__proto__` / `constructor` / `prototype` keys,
// 10 MB strings, deep nesting — plus unknown method names, calls from the wrong sender, and
// non-JSON frames on the web shell's socket. Every one gets a typed error, nothing runs (the
// queue and settings are untouched), and a good call still works afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { methods, type CallOutcome, type MethodArgs, type MethodName } from '../../src/shared/contract'
import { createMember, createTenant } from '../support/fixtures'
import { APP_FRAME } from './support/fake-ipc'
import { startIpcTransport, startWebSocketTransport, until, type Transport } from './support/transports'
import { exchange, openRaw } from '../e2e/support/ws-client'

const PER_METHOD = 300
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)
const ID = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b'
const HUGE = 'x'.repeat(10 * 1024 * 1024)

/** One well-formed call per method: the fuzzer mutates these into malformed ones. */
const VALID: { [M in MethodName]: MethodArgs<M> } = {
  'session.get': {},
  'session.signIn': { email: 'reviewer@example.com', password: 'secret' },
  'session.signOut': { force: false },
  'settings.get': {},
  'settings.update': { theme: 'dark', holdSeconds: 5, lastView: 'inbox' },
  'sync.status': {},
  'sync.setWorkOffline': { offline: true },
  'sync.now': {},
  'tenants.list': {},
  'inbox.list': { filter: { kinds: ['refund'], minRisk: 2, text: 'refund', amountMin: 1 }, limit: 50, offset: 0 },
  'inbox.counts': { tenantId: ID },
  'inbox.find': { query: 'acme 1250', limit: 8 },
  'views.list': {},
  'views.save': { name: 'Big refunds', filter: { kinds: ['refund'], amountMin: 10000 } },
  'views.rename': { id: ID, name: 'Large refunds' },
  'views.delete': { id: ID },
  'approvals.detail': { id: ID },
  'approvals.reassignees': { id: ID },
  'intents.create': {
    kind: 'approval.decide',
    args: { approval_id: ID, decision: 'reject', version_seen: 1, payload_hash_seen: 'abc', reason: 'no' },
  },
  'intents.undo': { clientMutationId: ID },
  'intents.dismiss': { clientMutationId: ID },
  'queue.list': {},
  'history.list': { limit: 10, offset: 0 },
  'escalations.list': { status: 'open', tenantId: ID, limit: 10, offset: 0 },
  'flags.list': { status: 'pending', limit: 10, offset: 0 },
  'changesets.list': { status: 'pending_review', limit: 10, offset: 0 },
  'changesets.detail': { id: ID },
  'outbox.list': { status: 'open', limit: 10, offset: 0 },
  'agents.list': { tenantId: ID },
  'agents.trust': { agentId: ID, days: 30 },
  'agents.detail': { agentId: ID, days: 30, requests: 20 },
  'audit.list': { tenantId: ID, entityId: 'x', action: 'approval.decided', from: '2026-01-01T00:00:00Z', limit: 10, offset: 0 },
  'audit.facets': { tenantId: ID },
  'audit.locate': { tenantId: ID, actorType: 'agent', id: '42' },
  'audit.verify': { tenantId: ID },
  'exports.csv': { kind: 'audit', filter: { tenantId: ID, actorType: 'user' } },
  'reports.sod': { tenantId: ID },
  'policies.tools': { tenantId: ID },
  'policies.get': { toolId: ID, agentId: ID },
  'policies.backtest': {
    toolId: ID,
    policy: { name: 'draft', approval: 'required', rules: [{ name: 'small', route: 'auto', when: { amount_at_most: 50 } }] },
  },
}

function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! }
}

const WRONG_VALUES: readonly unknown[] = [
  0, -1, 1.5, 1e308, -0, 2 ** 53 + 2, '', 'x', 'x'.repeat(5000), true, false, null, [], [1, 'a'], {}, { a: { b: 1 } },
  '<script>alert(1)</script>', "' or 1=1 --", '../../etc/passwd', '\u0000', '😀'.repeat(50), 'not-a-uuid',
  '2026-13-45T99:99:99Z', 'refund; drop table approvals', ['refund', 'nope'], { $gt: '' },
]
const BAD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'admin', 'role', 'isAdmin', '']

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix]
  const keys = Object.keys(value)
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]))]
}

function setAt(root: unknown, path: string[], replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(root)
  const copy = Array.isArray(root) ? [...root] : { ...(root as object) }
  const [head, ...rest] = path
  ;(copy as Record<string, unknown>)[head!] = setAt((root as Record<string, unknown>)[head!], rest, replace)
  return copy
}

function deep(depth: number, leaf: unknown): unknown {
  let v = leaf
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { n: v }
  return v
}

/** Builds JSON text with a key that a plain object literal cannot hold as its own property. */
function withKey(value: unknown, key: string, inner: Json): unknown {
  const text = JSON.stringify(value)
  const entry = `${JSON.stringify(key)}:${JSON.stringify(inner)}`
  return JSON.parse(text === '{}' ? `{${entry}}` : text.replace(/^\{/, `{${entry},`))
}

function hasForbiddenKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  return Object.keys(value).some((k) => ['__proto__', 'constructor', 'prototype'].includes(k) || hasForbiddenKey((value as Record<string, unknown>)[k]))
}

/** True when the contract itself refuses this payload (the oracle for "this must be an error"). */
function refused(method: MethodName, args: unknown): boolean {
  if (args === null || args === undefined) return false // absent args mean {}; not malformed
  if (hasForbiddenKey(args) || JSON.stringify(args).length > 256 * 1024) return true
  return !methods[method].args.safeParse(args).success
}

function malformed(method: MethodName, rand: ReturnType<typeof prng>): unknown[] {
  const valid = VALID[method] as unknown
  const out: unknown[] = [0, 1, 'args', '', true, [], [valid], 1e308, HUGE, { [HUGE.slice(0, 300_000)]: 1 }]
  const leafPaths = paths(valid)
  const strategies = [
    // A field of the wrong type (or a string far too long for it).
    () => setAt(valid, rand.pick(leafPaths), () => rand.pick(WRONG_VALUES)),
    // An unknown key, at the top or nested.
    () => {
      const path = rand.pick(leafPaths.filter((p) => typeof getAt(valid, p) === 'object' || p.length === 0))
      return setAt(valid, path, (obj) => withKey(obj ?? {}, rand.pick(BAD_KEYS), rand.pick(WRONG_VALUES) as Json))
    },
    // A required key missing.
    () => {
      const path = rand.pick(leafPaths.filter((p) => p.length > 0))
      if (!path) return { unexpected: true }
      const parent = path.slice(0, -1)
      return setAt(valid, parent, (obj) => {
        const copy = { ...(obj as object) } as Record<string, unknown>
        delete copy[path[path.length - 1]!]
        return copy
      })
    },
    // Prototype-pollution keys, as JSON.parse makes them.
    () => withKey(valid, rand.pick(['__proto__', 'constructor', 'prototype']), { polluted: true }),
    () => setAt(valid, rand.pick(leafPaths), () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')),
    // Deep nesting where a value belongs.
    () => setAt(valid, rand.pick(leafPaths), () => deep(40 + Math.floor(rand.next() * 200), 'leaf')),
  ]
  let attempts = 0
  while (out.length < PER_METHOD + 20 && attempts++ < 20_000) {
    const candidate = rand.pick(strategies)()
    if (refused(method, candidate)) out.push(candidate)
  }
  out.push(setAt(valid, rand.pick(leafPaths.filter((p) => p.length > 0)) ?? [], () => HUGE))
  return out.filter((p) => refused(method, p))
}

function getAt(root: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root)
}

const rendererDir = mkdtempSync(join(tmpdir(), 'oc-fuzz-renderer-'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>')
let transports: Transport[] = []

beforeAll(async () => {
  const tenant = await createTenant({ name: 'Fuzz Ltd' })
  const reviewer = await createMember(tenant.id, 'finance', { label: 'fuzz' })
  const backend = inject('stack')
  transports = [await startIpcTransport(backend), await startWebSocketTransport(backend, rendererDir)]
  for (const t of transports) {
    expect(await t.api.call('session.signIn', { email: reviewer.email, password: 'demo-password' })).toMatchObject({ ok: true })
    await until(() => t.api.call('sync.status', {}), (o) => o.ok && o.value.lastPullAt !== null)
  }
}, 120_000)

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()))
  rmSync(rendererDir, { recursive: true, force: true })
})

const expectTyped = (outcome: CallOutcome<MethodName>, code: string, context: string) => {
  expect(outcome, context).toMatchObject({ ok: false, error: { code } })
  if (!outcome.ok) {
    expect(typeof outcome.error.message, context).toBe('string')
    expect(JSON.stringify(outcome.error), context).not.toMatch(/\n\s+at /) // no stack trace
  }
}

describe.each([['ipc' as const], ['websocket' as const]])('fuzz over %s', (name) => {
  const t = () => transports.find((x) => x.name === name)!

  it.each(Object.keys(methods) as MethodName[])(`${PER_METHOD}+ malformed payloads for %s → invalid_input`, { timeout: 120_000 }, async (method) => {
    const rand = prng(SEED ^ [...method].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7))
    const payloads = malformed(method, rand)
    expect(payloads.length).toBeGreaterThanOrEqual(PER_METHOD)
    const settingsBefore = await t().api.call('settings.get', {})
    for (let i = 0; i < payloads.length; i += 25) {
      const batch = payloads.slice(i, i + 25)
      const outcomes = await Promise.all(batch.map((p) => t().api.call(method, p as never)))
      outcomes.forEach((o, j) => expectTyped(o, 'invalid_input', `${method} #${i + j}: ${JSON.stringify(batch[j])?.slice(0, 200)}`))
    }
    expect(Object.prototype).not.toHaveProperty('polluted')
    // Nothing ran: no intent queued, no setting changed, and the core still answers.
    expect(await t().api.call('queue.list', {})).toEqual({ ok: true, value: [] })
    expect(await t().api.call('settings.get', {})).toEqual(settingsBefore)
    expect(await t().api.call('session.get', {})).toMatchObject({ ok: true, value: { status: 'signed_in' } })
  })

  it('unknown method names → unknown_method', async () => {
    const names: unknown[] = ['', 'nope', 'session', 'session.get ', 'SESSION.GET', '__proto__', 'constructor', 'toString',
      'hasOwnProperty', 'session.get\u0000', 'x'.repeat(100_000), 42, null, true, ['session.get'], { method: 'session.get' }]
    for (const n of names) expectTyped(await t().api.call(n as MethodName, {} as never), 'unknown_method', String(n).slice(0, 40))
    expect(await t().api.call('session.get', {})).toMatchObject({ ok: true })
  })
})

describe('wrong event sender (IPC)', () => {
  it('refuses every method, well-formed or not, from a frame that is not the window’s own', async () => {
    const ipc = transports.find((x) => x.name === 'ipc')!.ipc!
    const strangers = [null, { ...APP_FRAME, parent: APP_FRAME, routingId: 2 }, { ...APP_FRAME, processId: 99 }, { ...APP_FRAME, url: 'https://evil.example/' }]
    let n = 0
    for (const method of Object.keys(methods) as MethodName[]) {
      for (const frame of strangers) {
        for (const args of [VALID[method], { junk: 1 }]) {
          const outcome = (await ipc.invokeRaw(frame, 'api:call', method, args)) as CallOutcome<MethodName>
          expectTyped(outcome, 'forbidden_sender', `${method} from ${JSON.stringify(frame)}`)
          n++
        }
      }
    }
    expect(n).toBe(Object.keys(methods).length * strangers.length * 2)
    expect(await ipc.invokeRaw(APP_FRAME, 'api:call', 'session.get', {})).toMatchObject({ ok: true })
  })
})

describe('non-JSON and malformed frames on the web shell socket', () => {
  it(`${PER_METHOD} garbage frames get typed answers on a connection that stays open`, async () => {
    const address = transports.find((x) => x.name === 'websocket')!.address!
    const opened = await openRaw(address)
    if (!opened.ok) throw new Error(`refused: ${opened.status}`)
    const rand = prng(SEED)
    const garbage = (i: number): string => {
      switch (i % 6) {
        case 0:
          return Array.from({ length: 1 + Math.floor(rand.next() * 200) }, () => String.fromCharCode(32 + Math.floor(rand.next() * 95))).join('')
        case 1:
          return JSON.stringify({ id: i, method: 'inbox.list', args: {} }).slice(0, 5 + Math.floor(rand.next() * 30))
        case 2:
          return JSON.stringify(rand.pick(WRONG_VALUES))
        case 3:
          // Any id but a non-negative safe integer (as JSON, -0 reads as 0).
          return JSON.stringify({ id: rand.pick(WRONG_VALUES.filter((v) => typeof v !== 'number' || v < 0 || !Number.isSafeInteger(v))), method: 'session.get', args: {} })
        case 4:
          return `{"id":${i},"method":"session.get","args":{},"${rand.pick(BAD_KEYS)}":1}`
        default:
          return `{"id":${i},"method":"inbox.list","args":${JSON.stringify(deep(300, 1))}}`
      }
    }
    for (let i = 0; i < PER_METHOD; i++) {
      const text = garbage(i)
      const { frame, closeCode } = await exchange(opened.ws, text)
      expect(closeCode, text.slice(0, 80)).toBeUndefined()
      expect(frame, text.slice(0, 80)).toMatchObject({ outcome: { ok: false, error: { code: expect.stringMatching(/^(invalid_input|unknown_method)$/) } } })
    }
    const { frame } = await exchange(opened.ws, JSON.stringify({ id: 1, method: 'session.get', args: {} }))
    expect(frame).toMatchObject({ id: 1, outcome: { ok: true, value: { status: 'signed_in' } } })
    opened.ws.close()
  })
})
