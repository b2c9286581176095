// ensureStack, which the dev commands call: a configured Supabase wins; otherwise a stack already
// running from the folder is reused, and only then is a new one started.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureStack } from '../../src/stack/ensure'
import { startStack, type Stack } from '../../src/stack/index'

const saved = { url: process.env.SUPABASE_URL, key: process.env.SUPABASE_ANON_KEY }
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  process.env.SUPABASE_URL = saved.url
  process.env.SUPABASE_ANON_KEY = saved.key
  if (saved.url === undefined) delete process.env.SUPABASE_URL
  if (saved.key === undefined) delete process.env.SUPABASE_ANON_KEY
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oc-ensure-'))
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('ensureStack', () => {
  it('uses SUPABASE_URL and SUPABASE_ANON_KEY when set, starting nothing', async () => {
    process.env.SUPABASE_URL = 'https://example-project.supabase.co'
    process.env.SUPABASE_ANON_KEY = 'project-anon-key'
    const ensured = await ensureStack({ dataDir: tempDir(), port: 1 })
    expect(ensured).toMatchObject({
      url: 'https://example-project.supabase.co',
      anonKey: 'project-anon-key',
      started: false,
    })
  })

  it('refuses SUPABASE_URL without a key', async () => {
    process.env.SUPABASE_URL = 'https://example-project.supabase.co'
    delete process.env.SUPABASE_ANON_KEY
    await expect(ensureStack({ dataDir: tempDir() })).rejects.toThrow(/SUPABASE_ANON_KEY/)
  })

  it('reuses a stack already running from the folder, and starts one when none is', async () => {
    delete process.env.SUPABASE_URL
    const dir = tempDir()
    const running: Stack = await startStack({ dataDir: dir, seed: true })
    cleanups.push(() => running.stop())
    const reused = await ensureStack({ dataDir: dir })
    expect(reused).toMatchObject({ url: running.apiUrl, anonKey: running.anonKey, started: false })

    await running.stop()
    const started = await ensureStack({ dataDir: dir, port: 0 })
    cleanups.push(() => started.stop())
    expect(started.started).toBe(true)
    const res = await fetch(`${started.url}/rest/v1/rpc/whoami`, {
      method: 'POST',
      headers: { apikey: started.anonKey },
    })
    expect(res.status).toBe(200)
  })
})
