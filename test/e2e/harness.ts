// The end-to-end harness: a web shell started in this process against the test stack (the real
// core, a fresh data folder, the built renderer), and Debian's Chromium driven by playwright-core.
// The renderer's end-to-end tests build on these two.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { inject } from 'vitest'
import { startWebShell as start } from '../../src/web/server/index'

export interface HarnessShell {
  /** Open this in the browser: the token rides in the fragment. */
  url: string
  origin: string
  token: string
  dataDir: string
  close(): Promise<void>
}

export interface HarnessShellOptions {
  apiUrl: string
  anonKey: string
  /** The core's data folder; a fresh temporary one (removed on close) when absent. */
  dataDir?: string
  /** Default: a free port. */
  port?: number
}

export async function startWebShell(opts: HarnessShellOptions): Promise<HarnessShell> {
  const owned = !opts.dataDir
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'oc-web-shell-'))
  const shell = await start({
    backend: { url: opts.apiUrl, anonKey: opts.anonKey, isLocalStack: true },
    dataDir,
    port: opts.port ?? 0,
  }).catch((err: unknown) => {
    if (owned) rmSync(dataDir, { recursive: true, force: true })
    throw err
  })
  return {
    url: shell.url,
    origin: shell.origin,
    token: shell.token,
    dataDir,
    close: async () => {
      await shell.close()
      if (owned) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Why Chromium cannot run here, or null when it can. */
export function chromiumUnavailable(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
}

/**
 * The browser and the web shells one test file drives: start it in beforeAll and close it in
 * afterAll. Each `shell()` is another web shell (its own core and data folder) against the test
 * stack, for tests that want a fresh core; `close()` ends the browser (with its contexts) and every
 * shell started.
 */
export interface ConsoleRig {
  browser: Browser
  shell(): Promise<HarnessShell>
  close(): Promise<void>
}

export async function startConsoleRig(): Promise<ConsoleRig> {
  const stack = inject('stack')
  const shells: HarnessShell[] = []
  const browser = await launchChromium()
  return {
    browser,
    shell: async () => {
      const shell = await startWebShell({ apiUrl: stack.apiUrl, anonKey: stack.anonKey })
      shells.push(shell)
      return shell
    },
    close: async () => {
      await browser.close()
      await Promise.all(shells.map((s) => s.close()))
    },
  }
}
