// Starts one local stack for the whole test run on its own free ports and data folder, builds the
// core once for the processes and threads tests start (core-build.ts) and starts the run's Chromium
// (test/e2e/chromium.ts); hands the stack's addresses and keys, the build's files and the
// browser's address to every test file through vitest's provide/inject.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserServer } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { startStack, type Stack } from '../../src/stack/index'
import { startBrowserServer } from '../e2e/chromium'
import { buildCore, type CoreBuild } from './core-build'

export interface StackInfo {
  apiUrl: string
  dbUrl: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo
    coreBuild: CoreBuild
    /** The run's Chromium (test/e2e/chromium.ts); null when it is not installed. */
    browser: { wsEndpoint: string } | null
  }
}

let stack: Stack | undefined
let dir: string | undefined
let coreBuild: CoreBuild | undefined
let browser: BrowserServer | null = null

export async function setup(project: TestProject) {
  dir = mkdtempSync(join(tmpdir(), 'oc-test-stack-'))
  // TEST_STACK_PORT pins the gateway port (PostgreSQL takes the next one); otherwise a free pair.
  const port = process.env.TEST_STACK_PORT ? Number(process.env.TEST_STACK_PORT) : 0
  const [started, built, launched] = await Promise.allSettled([
    startStack({ port, dataDir: dir, fresh: true, seed: true }),
    buildCore(),
    startBrowserServer(),
  ])
  if (started.status === 'fulfilled') stack = started.value
  if (built.status === 'fulfilled') coreBuild = built.value
  if (launched.status === 'fulfilled') browser = launched.value
  for (const r of [started, built, launched]) if (r.status === 'rejected') throw r.reason
  project.provide('coreBuild', coreBuild!)
  project.provide('browser', browser ? { wsEndpoint: browser.wsEndpoint() } : null)
  const { apiUrl, dbUrl, anonKey, serviceRoleKey, jwtSecret } = stack!
  project.provide('stack', { apiUrl, dbUrl, anonKey, serviceRoleKey, jwtSecret })
}

export async function teardown() {
  await browser?.close()
  await stack?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  if (coreBuild) rmSync(coreBuild.dir, { recursive: true, force: true })
}
