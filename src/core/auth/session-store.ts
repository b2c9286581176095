// Where the signed-in session (supabase-js's serialised tokens) rests between runs. The Electron
// shell supplies a safeStorage-backed store; FileSessionStore is the fallback for tests and the web
// shell only: the key sits in a separate 0600 file beside the data, which stops casual reading of
// a copied data file but not someone who can read the whole user folder.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

export interface SessionStore {
  load(): Promise<string | null>
  save(value: string): Promise<void>
  clear(): Promise<void>
}

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const FORMAT = 1

/** AES-256-GCM over the session JSON; a tampered or foreign file reads as "no session". */
export class FileSessionStore implements SessionStore {
  constructor(
    private readonly file: string,
    private readonly keyFile = `${file}.key`,
  ) {}

  async load(): Promise<string | null> {
    const [blob, key] = await Promise.all([readOrNull(this.file), readOrNull(this.keyFile)])
    if (!blob || !key || key.length !== KEY_BYTES || blob.length < 1 + IV_BYTES + TAG_BYTES) return null
    if (blob[0] !== FORMAT) return null
    const iv = blob.subarray(1, 1 + IV_BYTES)
    const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES)
    const body = blob.subarray(1 + IV_BYTES + TAG_BYTES)
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
    } catch {
      return null
    }
  }

  async save(value: string): Promise<void> {
    const key = await this.keyOrCreate()
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
    const blob = Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body])
    await writeAtomically(this.file, blob)
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true })
  }

  private async keyOrCreate(): Promise<Buffer> {
    const existing = await readOrNull(this.keyFile)
    if (existing && existing.length === KEY_BYTES) return existing
    const key = randomBytes(KEY_BYTES)
    await writeAtomically(this.keyFile, key)
    return key
  }
}

/** An in-memory store for tests that need no persistence. */
export class MemorySessionStore implements SessionStore {
  private value: string | null = null
  async load() {
    return this.value
  }
  async save(value: string) {
    this.value = value
  }
  async clear() {
    this.value = null
  }
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

// Write-then-rename so a crash mid-write never leaves a half file that reads as a broken session.
async function writeAtomically(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, data, { mode: 0o600 })
  await chmod(tmp, 0o600)
  await rename(tmp, path)
}
