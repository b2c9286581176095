// The renderer files both shells serve: paths that try to leave out/renderer are refused, client
// views fall back to index.html, and the CSP allows no inline script, no eval, nothing foreign.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createAppRequestHandler } from '../../src/main/app-request'
import { contentSecurityPolicy, readAsset, resolveAssetPath } from '../../src/shell-common/renderer-assets'

const base = mkdtempSync(join(tmpdir(), 'oc-assets-'))
const root = join(base, 'renderer')
mkdirSync(join(root, 'assets'), { recursive: true })
writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>')
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
writeFileSync(join(base, 'secret.txt'), 'outside the renderer folder')
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('renderer files', () => {
  it('serves index.html for / and files with their type', async () => {
    const index = await readAsset(root, '/')
    expect(index.status).toBe(200)
    expect(index.contentType).toMatch(/^text\/html/)
    const js = await readAsset(root, '/assets/app.js')
    expect(js.body.toString()).toBe('console.log(1)')
    expect(js.contentType).toMatch(/^text\/javascript/)
  })

  it('falls back to index.html for a client-side view, but 404s a missing file', async () => {
    expect((await readAsset(root, '/queue')).body.toString()).toContain('<title>console</title>')
    expect((await readAsset(root, '/assets/missing.js')).status).toBe(404)
  })

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets\\..\\..\\secret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('refuses %s', async (path) => {
    const asset = await readAsset(root, path)
    expect(asset.status).toBe(403)
    expect(asset.body.toString()).not.toContain('outside the renderer folder')
  })

  it('resolves only inside root', () => {
    expect(resolveAssetPath(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'))
    expect(resolveAssetPath(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull()
  })
})

describe('the app:// protocol handler', () => {
  const handle = createAppRequestHandler(root)

  it('serves the renderer with the CSP and security headers on every response', async () => {
    const res = await handle(new Request('app://console/index.html'))
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>console</title>')
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const missing = await handle(new Request('app://console/assets/missing.js'))
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
  })

  it('refuses traversal, other hosts and anything but GET/HEAD', async () => {
    // URL parsing already folds %2e%2e into the path; an encoded slash survives it to be refused here.
    for (const url of ['app://console/%2e%2e/secret.txt', 'app://console/..%2fsecret.txt', 'app://console/assets/..%2f..%2fsecret.txt']) {
      const outside = await handle(new Request(url))
      expect(outside.status, url).not.toBe(200)
      expect(await outside.text()).not.toContain('outside the renderer folder')
    }
    expect((await handle(new Request('app://console/..%2fsecret.txt'))).status).toBe(403)
    expect((await handle(new Request('app://evil/index.html'))).status).toBe(404)
    expect((await handle(new Request('app://console/index.html', { method: 'POST', body: 'x' }))).status).toBe(405)
    const head = await handle(new Request('app://console/index.html', { method: 'HEAD' }))
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})

describe('content security policy', () => {
  const directives = (csp: string) =>
    new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const))

  it('production: no inline script, no eval, no inline style, nothing from elsewhere', () => {
    const csp = directives(contentSecurityPolicy())
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(csp.get('style-src')).toEqual(["'self'"])
    expect(csp.get('default-src')).toEqual(["'self'"])
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|unsafe-inline|\*/)
  })

  it('the web shell adds only its own ws:// origin to connect-src', () => {
    const csp = directives(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:5174'] }))
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:5174'])
    expect(csp.get('script-src')).toEqual(["'self'"])
  })

  it('development relaxes inline code for the dev server only, and never allows eval', () => {
    const dev = contentSecurityPolicy({ dev: { origin: 'http://localhost:5173' } })
    expect(directives(dev).get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173'])
    expect(dev).not.toMatch(/unsafe-eval/)
  })
})
