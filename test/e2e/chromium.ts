// Debian's Chromium for the end-to-end tests: one browser per test run, started by the global
// setup (test/setup/global.ts) as a Playwright browser server; each test file connects to it and
// works in browser contexts of its own (own storage, own pages), closed with the file. Starting a
// browser per file cost a launch and a close each time, 27 times a run.
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserServer } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Why Chromium cannot run here, or null when it can. */
export function chromiumUnavailable(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`
}

const LAUNCH = {
  executablePath: CHROMIUM_PATH,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
}

/** The run's shared browser (global setup); null when Chromium is not installed. */
export function startBrowserServer(): Promise<BrowserServer | null> {
  return chromiumUnavailable() ? Promise.resolve(null) : chromium.launchServer(LAUNCH)
}

/**
 * A connection to the run's browser when there is one, else a browser of its own. Closing a
 * connection closes the contexts it made and leaves the browser to the other files.
 */
export function connectChromium(wsEndpoint: string | null): Promise<Browser> {
  return wsEndpoint ? chromium.connect(wsEndpoint) : chromium.launch(LAUNCH)
}
