// Who owns a stack folder: `stack.json` records the process running a stack from it and where it
// answers, so a second start is refused (or reused by ensureStack) and a crashed run's leftovers
// can be recognised as such.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface StackRecord {
  pid: number
  startedAt: string
  apiUrl?: string
  dbUrl?: string
  anonKey?: string
  serviceRoleKey?: string
}

const recordPath = (dir: string) => join(dir, 'stack.json')

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function readStackRecord(dir: string): StackRecord | undefined {
  const path = recordPath(dir)
  if (!existsSync(path)) return undefined
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<StackRecord>
    return typeof value.pid === 'number' ? (value as StackRecord) : undefined
  } catch {
    return undefined
  }
}

/** The record of a stack a live process (this one included) is running from this folder, if any. */
export function liveStack(dir: string): StackRecord | undefined {
  const record = readStackRecord(dir)
  return record && processIsAlive(record.pid) ? record : undefined
}

/** Takes the folder for this process; refuses while a live process (this one too) holds it. */
export function claimStackDir(dir: string): void {
  const other = liveStack(dir)
  if (other) {
    throw new Error(
      `a stack is already running from ${dir} (pid ${other.pid}${other.apiUrl ? `, ${other.apiUrl}` : ''}); ` +
        `stop it first, or delete ${recordPath(dir)} if that process is not a stack`,
    )
  }
  writeStackRecord(dir, {})
}

export function writeStackRecord(dir: string, info: Omit<StackRecord, 'pid' | 'startedAt'>): void {
  const record: StackRecord = { pid: process.pid, startedAt: new Date().toISOString(), ...info }
  writeFileSync(recordPath(dir), JSON.stringify(record, null, 2) + '\n')
}

export function releaseStackDir(dir: string): void {
  if (readStackRecord(dir)?.pid === process.pid) rmSync(recordPath(dir), { force: true })
}
