// The desktop app end to end, where an Electron binary exists: launch the built app against the
// test stack, sign in, see the inbox — and check from the page that the hardening holds (only
// `window.api`, no Node). Where no binary is installed (CI here sets ELECTRON_SKIP_BINARY_DOWNLOAD)
// it is skipped, and says so plainly.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { _electron as electron, type ElectronApplication } from 'playwright-core'
import { PROJECT_ROOT } from '../../src/web/server/index'

function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const binary = electronBinary()
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
const SKIP_REASON = !binary
  ? 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); run where it exists'
  : noDisplay
    ? 'no display for Electron (run under xvfb-run)'
    : null
if (SKIP_REASON) console.info(`test/electron/smoke.test.ts skipped: ${SKIP_REASON}`)

describe.skipIf(!!SKIP_REASON)(`Electron app${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  let app: ElectronApplication | undefined
  const userData = mkdtempSync(join(tmpdir(), 'oc-electron-'))
  // Its own build folder inside the project (so node_modules resolve), leaving out/ to the web shells.
  const outDir = join(PROJECT_ROOT, 'out', `e2e-electron-${process.pid}`)
  afterAll(async () => {
    await app?.close()
    rmSync(userData, { recursive: true, force: true })
    rmSync(outDir, { recursive: true, force: true })
  })

  it('signs in and shows the inbox, with only window.api exposed', { timeout: 240_000 }, async () => {
    const built = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    })
    expect(built.status, built.stderr).toBe(0)
    const stack = inject('stack')
    app = await electron.launch({
      executablePath: binary!,
      args: [join(outDir, 'main/index.js'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: {
        ...process.env,
        SUPABASE_URL: stack.apiUrl,
        SUPABASE_ANON_KEY: stack.anonKey,
        OPS_CONSOLE_LOCAL_STACK: '1',
        OPS_CONSOLE_USER_DATA: userData,
      },
    })
    const page = await app.firstWindow()
    expect(new URL(page.url()).protocol).toBe('app:')

    const exposed = await page.evaluate(() => ({
      api: Object.keys((globalThis as unknown as { api: object }).api).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }))
    expect(exposed).toEqual({ api: ['call', 'on'], require: 'undefined', process: 'undefined' })

    await page.getByLabel('Email').fill('finance@demo.test')
    await page.getByLabel('Password').fill('demo-password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect.poll(() => page.getByRole('listbox').count(), { timeout: 60_000 }).toBeGreaterThan(0)
    await expect.poll(() => page.getByRole('option').count(), { timeout: 60_000 }).toBeGreaterThan(0)
  })
})
