// Everything the core writes under the user-data folder is its owner's alone (issue 11, item 8):
// the replica (every row the reviewer may see, and the queue of their decisions), the spare replica,
// the session and the settings — files 0600, folders of the replicas 0700 — not just the top folder.
import { lstatSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileSessionStore } from '../../src/core/index'
import { DEMO } from '../support/db'
import { createApproval, createMember, createTenant } from '../support/fixtures'
import { settled, startCore, tempDir, type TestCore } from './support/harness'

/** Every path under `dir` whose permissions let anyone but the owner in, with its mode. */
function openToOthers(dir: string): string[] {
  const found: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      const mode = lstatSync(path).mode & 0o777
      if (entry.isDirectory()) {
        walk(path)
        if (path.includes('replicas') && mode !== 0o700) found.push(`${relative(dir, path)}/ ${mode.toString(8)}`)
      } else if (entry.isFile() && (mode & 0o077) !== 0) {
        found.push(`${relative(dir, path)} ${mode.toString(8)}`)
      }
    }
  }
  walk(dir)
  return found
}

let t: TestCore

beforeAll(async () => {
  const tenant = await createTenant()
  const reviewer = await createMember(tenant.id, 'finance')
  await createApproval(tenant.id)
  const dir = tempDir('modes')
  t = await startCore({ dir, store: new FileSessionStore(join(dir, 'session.bin')) })
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
  await t.call('settings.update', { holdSeconds: 3 })
  await settled(t)
}, 120_000)

let closed = false

afterAll(async () => {
  if (!closed) await t?.close()
  rmSync(t.dir, { recursive: true, force: true })
})

describe('files the core writes', () => {
  it('are readable by their owner only: replica, session and settings', () => {
    const files = readdirSync(join(t.dir, 'replicas'), { recursive: true })
    expect(files.length).toBeGreaterThan(100)
    expect(openToOthers(t.dir)).toEqual([])
  })

  it('stay so at rest, after the core closed', async () => {
    closed = true
    await t.close({ keepDir: true })
    expect(openToOthers(t.dir)).toEqual([])
  })
})
