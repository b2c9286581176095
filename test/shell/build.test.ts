// `electron-vite build` works without the Electron binary and emits what the shell relies on: a
// CommonJS preload that requires nothing but `electron` (a sandboxed preload can do no more), an
// ESM main, and a renderer page with the CSP and no inline script. Built into a temporary folder
// so a parallel run never disturbs out/.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src/web/server/index'

const outDir = mkdtempSync(join(tmpdir(), 'oc-build-'))
let build: ReturnType<typeof spawnSync>

beforeAll(() => {
  build = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  })
}, 180_000)
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

describe('the build', () => {
  it('succeeds without the Electron binary', () => {
    expect(build.status, String(build.stderr)).toBe(0)
  })

  it('emits the preload as CommonJS that requires only electron', () => {
    const preload = readFileSync(join(outDir, 'preload/index.cjs'), 'utf8')
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])
    expect(required).toEqual(['electron'])
    expect(preload).toContain('exposeInMainWorld("api"')
    expect(readdirSync(join(outDir, 'preload'))).toEqual(['index.cjs'])
  })

  it('emits main as an ES module', () => {
    expect(readFileSync(join(outDir, 'main/index.js'), 'utf8')).toMatch(/^import .* from "electron";/m)
  })

  it("emits the core's own process entry beside main, without electron", () => {
    expect(readFileSync(join(outDir, 'main/core.js'), 'utf8')).not.toMatch(/from "electron"/)
  })

  it('emits a renderer page carrying the CSP, with no inline script', () => {
    const html = readFileSync(join(outDir, 'renderer/index.html'), 'utf8')
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;; script-src &#39;self&#39;;/)
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\/assets\//)
      expect(body?.trim()).toBe('')
    }
    expect(existsSync(join(outDir, 'renderer/assets'))).toBe(true)
  })
})
