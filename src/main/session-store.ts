// Keeps the signed-in session (supabase-js tokens) on disk encrypted with Electron's safeStorage
// (Keychain, DPAPI, libsecret/kwallet). Where the OS offers no real encryption it refuses to write
// the tokens in plain text: the session lives in memory for this run and the reviewer is told why
// they will sign in again next time.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { SessionStore } from '../core'

/** The part of Electron's safeStorage the store uses (a fake in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: 'basic_text' means a hard-coded key, i.e. no protection at all. */
  getSelectedStorageBackend?(): string
}

export interface SafeStorageSessionStoreOptions {
  filePath: string
  safeStorage: SafeStorageLike
  platform?: NodeJS.Platform
  /** Called once, the first time a session could not be stored safely, with a sentence to show. */
  onRefused?(message: string): void
  log?(line: string): void
}

/** Why tokens cannot be encrypted here, or null when they can. */
export function encryptionUnavailableReason(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'this system offers no encrypted storage'
  // On Linux without a keyring, Chromium "encrypts" with a constant key; that is plain text in effect.
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return 'no keyring (GNOME Keyring or KWallet) is running'
  }
  return null
}

export class SafeStorageSessionStore implements SessionStore {
  private memory: string | null = null
  private refusalShown = false

  constructor(private readonly opts: SafeStorageSessionStoreOptions) {}

  private reason(): string | null {
    return encryptionUnavailableReason(this.opts.safeStorage, this.opts.platform ?? process.platform)
  }

  async load(): Promise<string | null> {
    if (this.memory !== null) return this.memory
    if (this.reason()) return null
    let encrypted: Buffer
    try {
      encrypted = await readFile(this.opts.filePath)
    } catch {
      return null
    }
    try {
      return this.opts.safeStorage.decryptString(encrypted)
    } catch {
      // Encrypted by another OS user or a reset keyring: unusable, so sign in again.
      this.opts.log?.('Stored session could not be decrypted; signing in is required.')
      await this.clear()
      return null
    }
  }

  async save(value: string): Promise<void> {
    const reason = this.reason()
    if (reason) {
      this.memory = value
      if (!this.refusalShown) {
        this.refusalShown = true
        this.opts.onRefused?.(
          `Your sign-in is kept only until you quit: ${reason}, and the console will not store ` +
            'session tokens in plain text.',
        )
      }
      return
    }
    this.memory = null
    const encrypted = this.opts.safeStorage.encryptString(value)
    await mkdir(dirname(this.opts.filePath), { recursive: true })
    // Write then rename, so a crash never leaves half a session behind.
    const tmp = `${this.opts.filePath}.${process.pid}.tmp`
    await writeFile(tmp, encrypted, { mode: 0o600 })
    await rename(tmp, this.opts.filePath)
  }

  async clear(): Promise<void> {
    this.memory = null
    await rm(this.opts.filePath, { force: true })
  }
}
