// The web shell lets in only a page it served, on loopback, holding its token: no token, a wrong
// token, a foreign or missing Origin, or a non-loopback Host (DNS rebinding) is refused before
// anything reaches the core. Also the framing: malformed and oversized frames get typed answers
// or a protocol close, and the shell keeps serving. A recording dispatch stands in for the core
// here because only transport mechanics are under test (the contract suite uses the real core).
import { request } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallOutcome, MethodName } from '../../src/shared/contract'
import { createWebShellServer, type WebShellServer } from '../../src/web/server/server'
import { MAX_FRAME_BYTES } from '../../src/web/bridge/wire'
import { bridgeTo, exchange, openRaw } from '../e2e/support/ws-client'

const rendererDir = mkdtempSync(join(tmpdir(), 'oc-web-guard-'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>')

const received: unknown[] = []
let shell: WebShellServer

beforeAll(async () => {
  shell = await createWebShellServer({
    port: 0,
    rendererDir,
    dispatch: async (method, args): Promise<CallOutcome<MethodName>> => {
      received.push({ method, args })
      return { ok: true, value: { echoed: { method, args } } as never }
    },
  })
})
afterAll(async () => {
  await shell.close()
  rmSync(rendererDir, { recursive: true, force: true })
})

function httpGet(path: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: shell.port, path, headers: { host } }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('who may connect', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying a 256-bit token in the fragment', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/#token=${shell.token}`)
    expect(Buffer.from(shell.token, 'base64url')).toHaveLength(32)
  })

  it.each([
    ['no token', { token: null }, 401],
    ['a wrong token', { token: 'A'.repeat(43) }, 401],
    ['a token one character short', { token: 'x' }, 401],
    ['a foreign Origin', { origin: 'https://evil.example' }, 403],
    ['a look-alike Origin', { origin: 'http://127.0.0.1.evil.example' }, 403],
    ['the right host on another port', { origin: 'http://127.0.0.1:1' }, 403],
    ['no Origin at all', { origin: null }, 403],
    ['a null Origin (sandboxed iframe, file://)', { origin: 'null' }, 403],
    ['a non-loopback Host (DNS rebinding)', { host: 'evil.example:PORT' }, 403],
    ['a loopback Host on another port', { host: '127.0.0.1:1' }, 403],
    ['another path', { path: '/other' }, 404],
  ] as const)('refuses %s', async (_why, opts, status) => {
    const before = received.length
    const host = 'host' in opts ? opts.host.replace('PORT', String(shell.port)) : undefined
    const opened = await openRaw(shell, { ...opts, ...(host ? { host } : {}) })
    expect(opened).toEqual({ ok: false, status })
    expect(received.length).toBe(before)
    expect(shell.connectionCount()).toBe(0)
  })

  it('accepts the page it served with the right token, from localhost as well', async () => {
    for (const origin of [`http://127.0.0.1:${shell.port}`, `http://localhost:${shell.port}`]) {
      const opened = await openRaw(shell, { origin })
      expect(opened.ok).toBe(true)
      if (opened.ok) opened.ws.close()
    }
  })

  it('serves the renderer with its CSP to loopback Hosts only', async () => {
    const ok = await httpGet('/', `127.0.0.1:${shell.port}`)
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('<title>console</title>')
    expect(String(ok.headers['content-security-policy'])).toContain(`connect-src 'self' ws://127.0.0.1:${shell.port}`)
    expect(String(ok.headers['content-security-policy'])).toContain("script-src 'self';")
    const rebound = await httpGet('/', `evil.example:${shell.port}`)
    expect(rebound.status).toBe(403)
    expect(rebound.body).not.toContain('<title>')
  })
})

describe('framing', () => {
  it('answers malformed frames with typed errors and keeps the connection serving', async () => {
    const opened = await openRaw(shell)
    if (!opened.ok) throw new Error(`refused: ${opened.status}`)
    const ws = opened.ws
    const cases: [string | Buffer, number | null][] = [
      ['not json', null],
      ['{"id":1,"method":"session.get"', null],
      ['[1,2,3]', null],
      ['"just a string"', null],
      ['null', null],
      ['{"method":"session.get","args":{}}', null],
      ['{"id":-1,"method":"session.get","args":{}}', null],
      ['{"id":1.5,"method":"session.get","args":{}}', null],
      ['{"id":"7","method":"session.get","args":{}}', null],
      ['{"id":9007199254740993,"method":"session.get","args":{}}', null],
      ['{"id":3,"method":"session.get","args":{},"extra":true}', 3],
      ['{"id":4,"method":"session.get","args":{},"__proto__":{"admin":true}}', 4],
      [Buffer.from([1, 2, 3]), null],
    ]
    const before = received.length
    for (const [data, id] of cases) {
      const { frame } = await exchange(ws, data)
      expect(frame).toMatchObject({ id, outcome: { ok: false, error: { code: 'invalid_input' } } })
    }
    expect(received.length).toBe(before)
    const { frame } = await exchange(ws, JSON.stringify({ id: 5, method: 'session.get', args: {} }))
    expect(frame).toMatchObject({ id: 5, outcome: { ok: true } })
    ws.close()
    expect(Object.prototype).not.toHaveProperty('admin')
  })

  it('closes a socket that sends an oversized frame (1009); other pages keep working', async () => {
    const opened = await openRaw(shell)
    if (!opened.ok) throw new Error('refused')
    const big = JSON.stringify({ id: 1, method: 'session.get', args: { pad: 'x'.repeat(MAX_FRAME_BYTES) } })
    expect(await exchange(opened.ws, big)).toEqual({ closeCode: 1009 })
    const bridge = bridgeTo(shell)
    try {
      expect(await bridge.call('session.get', {})).toMatchObject({ ok: true })
    } finally {
      bridge.close()
    }
  })

  it('the bridge refuses an oversized call itself with a typed error instead of losing its socket', async () => {
    const bridge = bridgeTo(shell)
    try {
      const huge = await bridge.call('session.signIn', { email: 'a@b.c', password: 'p'.repeat(10 * 1024 * 1024) })
      expect(huge).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
      expect(await bridge.call('session.get', {})).toMatchObject({ ok: true })
    } finally {
      bridge.close()
    }
  })

  it('pushes core events to every connected page', async () => {
    const a = bridgeTo(shell)
    const b = bridgeTo(shell)
    try {
      await Promise.all([a.call('session.get', {}), b.call('session.get', {})])
      const seen = await new Promise<unknown[]>((resolve) => {
        const got: unknown[] = []
        const take = (p: unknown) => {
          got.push(p)
          if (got.length === 2) resolve(got)
        }
        a.on('data.changed', take)
        b.on('data.changed', take)
        shell.emit('data.changed', { tables: ['approvals'] })
      })
      expect(seen).toEqual([{ tables: ['approvals'] }, { tables: ['approvals'] }])
    } finally {
      a.close()
      b.close()
    }
  })
})
