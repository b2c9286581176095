// The reviewer's settings (backend, theme, hold window, last view) and the core's own small memory
// across runs (who was signed in last), kept as JSON files in userDataDir and validated on read so
// a hand-edited or corrupted file falls back to defaults instead of breaking start-up.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { Settings } from '../shared/contract'

export const DEFAULT_SETTINGS: Settings = {
  supabaseUrl: null,
  supabaseAnonKey: null,
  theme: 'system',
  holdSeconds: 5,
  lastView: null,
  tenantScope: null,
}

/** What the core remembers about the last session, readable without a network or a token. */
export const LastUser = z.object({ id: z.guid(), email: z.string(), fullName: z.string().nullable() })
export type LastUser = z.infer<typeof LastUser>

/**
 * `backendUrl` is the backend the stored session and `lastUser` belong to: a start against another
 * backend must not open as that user (files from before it was kept have none: same backend).
 */
const CoreState = z.object({ lastUser: LastUser.nullable(), backendUrl: z.string().nullable().optional() })
type CoreState = z.infer<typeof CoreState>

export class JsonFile<T> {
  private cache: T | undefined
  constructor(
    private readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly fallback: T,
  ) {}

  async read(): Promise<T> {
    if (this.cache !== undefined) return this.cache
    let value = this.fallback
    try {
      const parsed = this.schema.safeParse(JSON.parse(await readFile(this.path, 'utf8')))
      if (parsed.success) value = parsed.data
    } catch {
      // Missing or unreadable: defaults.
    }
    this.cache = value
    return value
  }

  async write(value: T): Promise<void> {
    this.cache = value
    await mkdir(join(this.path, '..'), { recursive: true })
    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`
    await writeFile(tmp, JSON.stringify(value, null, 2), { mode: 0o600 })
    await rename(tmp, this.path)
  }
}

export function settingsFile(userDataDir: string) {
  // Partial files from older versions fill in from the defaults instead of being thrown away.
  const schema = Settings.partial()
    .loose()
    .transform((s) => Settings.parse({ ...DEFAULT_SETTINGS, ...pickKnown(s) }))
  return new JsonFile<Settings>(join(userDataDir, 'settings.json'), schema as z.ZodType<Settings>, DEFAULT_SETTINGS)
}

export function coreStateFile(userDataDir: string) {
  return new JsonFile<CoreState>(join(userDataDir, 'core-state.json'), CoreState, { lastUser: null })
}

function pickKnown(s: Record<string, unknown>): Partial<Settings> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(DEFAULT_SETTINGS)) if (Object.hasOwn(s, key)) out[key] = s[key]
  return out as Partial<Settings>
}
