// dispatch(), the one entry both transports call: malformed calls are refused with a typed error
// before any handler runs, handler failures never leak a stack trace, and results outside the
// contract are caught. The session store keeps tokens encrypted and reads tampering as "no session".
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CoreHandlers } from '../../src/shared/contract'
import { ApiError } from '../../src/shared/errors'
import { dispatch, FileSessionStore } from '../../src/core/index'
import { tempDir } from './support/harness'

/** Handlers that record what ran; only the ones a case needs do anything. */
function recordingHandlers(ran: string[], overrides: Partial<Record<string, (a: unknown) => Promise<unknown>>> = {}): CoreHandlers {
  return new Proxy({} as CoreHandlers, {
    get: (_t, method: string) => async (args: unknown) => {
      ran.push(method)
      const fn = overrides[method]
      if (fn) return fn(args)
      throw new Error(`no handler for ${method}`)
    },
  })
}

const noLog = () => {}

describe('dispatch', () => {
  it.each([
    ['an unknown method', 'inbox.drop', {}, 'unknown_method'],
    ['a method name that is not a string', 42, {}, 'unknown_method'],
    ['a prototype method name', 'constructor', {}, 'unknown_method'],
    ['arguments that are not an object', 'sync.status', 'nope', 'invalid_input'],
    ['an unknown key', 'sync.setWorkOffline', { offline: true, extra: 1 }, 'invalid_input'],
    ['a wrong type', 'sync.setWorkOffline', { offline: 'yes' }, 'invalid_input'],
    ['a __proto__ key deep inside', 'intents.create', JSON.parse('{"kind":"message.send","args":{"body":"x","__proto__":{"admin":true}}}'), 'invalid_input'],
    ['a constructor key', 'settings.update', { constructor: { prototype: {} } }, 'invalid_input'],
    ['a huge string', 'session.signIn', { email: 'a@b.co', password: 'x'.repeat(2_000_000) }, 'invalid_input'],
    ['a malformed uuid', 'approvals.detail', { id: 'not-a-uuid' }, 'invalid_input'],
  ])('refuses %s before any handler runs', async (_label, method, args, code) => {
    const ran: string[] = []
    const out = await dispatch(recordingHandlers(ran), method, args, noLog)
    expect(out.ok).toBe(false)
    if (!out.ok) expect(out.error.code).toBe(code)
    expect(ran).toEqual([])
  })

  it('passes validated arguments (with defaults) and checks the result against the contract', async () => {
    const ran: string[] = []
    const seen: unknown[] = []
    const handlers = recordingHandlers(ran, {
      'history.list': async (a) => {
        seen.push(a)
        return { items: [], total: 0 }
      },
    })
    expect(await dispatch(handlers, 'history.list', {}, noLog)).toEqual({ ok: true, value: { items: [], total: 0 } })
    expect(seen).toEqual([{ limit: 100, offset: 0 }])
  })

  it('returns expected failures as their own code, and hides unexpected ones', async () => {
    const handlers = recordingHandlers([], {
      'approvals.detail': async () => {
        throw new ApiError('not_found')
      },
      'queue.list': async () => {
        throw new Error('SELECT broke at /home/dev/secret/path.ts:12')
      },
      'tenants.list': async () => [{ id: 'not a uuid' }],
    })
    const expected = await dispatch(handlers, 'approvals.detail', { id: '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b' }, noLog)
    expect(expected).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const hidden = await dispatch(handlers, 'queue.list', {}, noLog)
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(JSON.stringify(hidden)).not.toMatch(/secret|SELECT/)
    expect(await dispatch(handlers, 'tenants.list', {}, noLog)).toMatchObject({ ok: false, error: { code: 'internal' } })
  })
})

describe('FileSessionStore (the tests and web-shell fallback)', () => {
  it('round-trips, keeps its key in a separate 0600 file, and stores no plain text', async () => {
    const dir = tempDir('store')
    const file = join(dir, 'session.bin')
    const store = new FileSessionStore(file)
    expect(await store.load()).toBeNull()
    await store.save('{"access_token":"secret-token"}')
    expect(await store.load()).toBe('{"access_token":"secret-token"}')
    expect(readFileSync(file).toString('latin1')).not.toContain('secret-token')
    expect(statSync(`${file}.key`).mode & 0o777).toBe(0o600)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    await store.clear()
    expect(await store.load()).toBeNull()
  })

  it('reads a tampered file, or one sealed with another key, as no session', async () => {
    const dir = tempDir('store')
    const file = join(dir, 'session.bin')
    const store = new FileSessionStore(file)
    await store.save('{"access_token":"t"}')
    const blob = readFileSync(file)
    blob[blob.length - 1] = blob[blob.length - 1]! ^ 0xff
    writeFileSync(file, blob)
    expect(await store.load()).toBeNull()
    await store.save('{"access_token":"t"}')
    writeFileSync(`${file}.key`, Buffer.alloc(32, 7))
    expect(await store.load()).toBeNull()
  })
})
