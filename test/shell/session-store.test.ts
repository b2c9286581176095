// The Electron session store: tokens on disk only encrypted by the OS keychain (safeStorage), and
// where the OS offers no real encryption they are kept in memory for the run, never written in
// plain text — and the reviewer is told once why they will sign in again.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SafeStorageSessionStore, type SafeStorageLike } from '../../src/main/session-store'

const dir = mkdtempSync(join(tmpdir(), 'oc-session-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const file = () => join(dir, `session-${++n}.bin`)

const SESSION = JSON.stringify({ access_token: 'eyJhbGciOi.secret-access', refresh_token: 'refresh-secret-123' })

/** A stand-in for the OS keychain: a reversible transform keyed per "user", like safeStorage. */
function keychain(opts: { available?: boolean; backend?: string; key?: number } = {}): SafeStorageLike {
  const key = opts.key ?? 0x5a
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ key))
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString: (plain) => Buffer.concat([Buffer.from('v10'), xor(Buffer.from(plain))]),
    decryptString: (enc) => {
      if (enc.subarray(0, 3).toString() !== 'v10') throw new Error('not ours')
      const out = xor(enc.subarray(3)).toString()
      if (!out.startsWith('{')) throw new Error('wrong key')
      return out
    },
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
  }
}

describe('SafeStorageSessionStore', () => {
  it('round-trips the session through an encrypted, owner-only file', async () => {
    const path = file()
    const store = new SafeStorageSessionStore({ filePath: path, safeStorage: keychain(), platform: 'linux' })
    await store.save(SESSION)
    const raw = readFileSync(path)
    expect(raw.toString('latin1')).not.toContain('refresh-secret-123')
    expect(statSync(path).mode & 0o077).toBe(0)
    // A fresh process (new store object) reads it back.
    const again = new SafeStorageSessionStore({ filePath: path, safeStorage: keychain(), platform: 'linux' })
    expect(await again.load()).toBe(SESSION)
    await again.clear()
    expect(existsSync(path)).toBe(false)
    expect(await again.load()).toBeNull()
  })

  it.each([
    ['no OS encryption at all', keychain({ available: false }), 'darwin' as const],
    ['Linux without a keyring (basic_text)', keychain({ backend: 'basic_text' }), 'linux' as const],
  ])('refuses to write tokens to disk with %s, keeps them for this run and says why once', async (_why, safeStorage, platform) => {
    const path = file()
    const told: string[] = []
    const store = new SafeStorageSessionStore({ filePath: path, safeStorage, platform, onRefused: (m) => told.push(m) })
    await store.save(SESSION)
    await store.save(SESSION.replace('123', '456'))
    expect(existsSync(path)).toBe(false)
    expect(await store.load()).toBe(SESSION.replace('123', '456'))
    expect(told).toHaveLength(1)
    expect(told[0]).toMatch(/plain text/)
    // Next launch: nothing was stored, so the reviewer signs in again.
    expect(await new SafeStorageSessionStore({ filePath: path, safeStorage, platform }).load()).toBeNull()
  })

  it('a file from another keychain (other user, reset keyring) reads as signed out and is removed', async () => {
    const path = file()
    await new SafeStorageSessionStore({ filePath: path, safeStorage: keychain({ key: 1 }), platform: 'linux' }).save(SESSION)
    const other = new SafeStorageSessionStore({ filePath: path, safeStorage: keychain({ key: 2 }), platform: 'linux' })
    expect(await other.load()).toBeNull()
    expect(existsSync(path)).toBe(false)
  })

  it('a corrupted file reads as signed out', async () => {
    const path = file()
    writeFileSync(path, 'garbage')
    expect(await new SafeStorageSessionStore({ filePath: path, safeStorage: keychain(), platform: 'win32' }).load()).toBeNull()
  })

  it('basic_text only matters on Linux (the backend query exists only there)', async () => {
    const path = file()
    const store = new SafeStorageSessionStore({ filePath: path, safeStorage: keychain({ backend: 'basic_text' }), platform: 'darwin' })
    await store.save(SESSION)
    expect(existsSync(path)).toBe(true)
  })
})
