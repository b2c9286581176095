// The end-to-end harness: a web shell started in this process against the test stack (the real
// core, a fresh data folder, the built renderer), and Debian's Chromium driven by playwright-core.
// The renderer's end-to-end tests build on these two.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { inject } from 'vitest'
import { startWebShell as start } from '../../src/web/server/index'
import { provideSpare } from '../core/support/harness'
import { connectChromium } from './chromium'

export { CHROMIUM_PATH, chromiumUnavailable } from './chromium'

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
  /**
   * Build a spare replica in reserve after sign-in, as the app does (default false: only the files
   * that sign out and in again need one, and building it is seconds of CPU beside the test).
   */
  reserveSpare?: boolean
}

export async function startWebShell(opts: HarnessShellOptions): Promise<HarnessShell> {
  const owned = !opts.dataDir
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'oc-web-shell-'))
  // A spare replica ready in the folder, as the app has one from its previous start: the first
  // sign-in opens it instead of waiting for initdb in WASM (seconds, on every shell).
  await provideSpare(dataDir)
  const shell = await start({
    backend: { url: opts.apiUrl, anonKey: opts.anonKey, isLocalStack: true },
    dataDir,
    port: opts.port ?? 0,
    reserveSpare: opts.reserveSpare ?? false,
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

/** The run's Chromium (see chromium.ts): close it to end this file's contexts. */
export function launchChromium(): Promise<Browser> {
  return connectChromium(inject('browser')?.wsEndpoint ?? null)
}

/**
 * The browser and the web shells one test file drives: start it in beforeAll and close it in
 * afterAll. Each `shell()` is another web shell (its own core and data folder) against the test
 * stack, for tests that want a fresh core; `close()` ends the browser (with its contexts) and every
 * shell started.
 */
export interface ConsoleRig {
  browser: Browser
  shell(opts?: Pick<HarnessShellOptions, 'reserveSpare'>): Promise<HarnessShell>
  close(): Promise<void>
}

export async function startConsoleRig(): Promise<ConsoleRig> {
  const stack = inject('stack')
  const shells: HarnessShell[] = []
  const browser = await launchChromium()
  return {
    browser,
    shell: async (opts = {}) => {
      const shell = await startWebShell({ apiUrl: stack.apiUrl, anonKey: stack.anonKey, ...opts })
      shells.push(shell)
      return shell
    },
    close: async () => {
      await browser.close()
      await Promise.all(shells.map((s) => s.close()))
    },
  }
}
