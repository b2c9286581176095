// Starts one local stack for the whole test run on its own free ports and data folder, and hands
// its addresses and keys to every test file through vitest's provide/inject.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startStack, type Stack } from '../../src/stack/index'

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
  }
}

let stack: Stack | undefined
let dir: string | undefined

export async function setup(project: TestProject) {
  dir = mkdtempSync(join(tmpdir(), 'oc-test-stack-'))
  // TEST_STACK_PORT pins the gateway port (PostgreSQL takes the next one); otherwise a free pair.
  const port = process.env.TEST_STACK_PORT ? Number(process.env.TEST_STACK_PORT) : 0
  stack = await startStack({ port, dataDir: dir, fresh: true, seed: true })
  const { apiUrl, dbUrl, anonKey, serviceRoleKey, jwtSecret } = stack
  project.provide('stack', { apiUrl, dbUrl, anonKey, serviceRoleKey, jwtSecret })
}

export async function teardown() {
  await stack?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
}
