// The benchmark's own local stack on a temporary folder, seeded by the demo data generator. It runs
// in a child process (see stack-child.ts) so the server's work overlaps the console's, as it would.
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { generateDemoData, type SeedSummary } from '../../src/stack/seed/generate'

export interface BenchServer {
  /** The stack's process (the gateway; its PostgreSQL runs below it). */
  pid: number
  apiUrl: string
  anonKey: string
  dbUrl: string
  stop(): Promise<void>
}

export interface BenchStack {
  stack: BenchServer
  root: string
  seed: SeedSummary
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'stack-child.ts')

function startServer(dataDir: string): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    child.once('exit', (code) => reject(new Error(`bench stack exited with code ${code} before it was ready`)))
    lines.once('line', (line) => {
      const info = JSON.parse(line) as Omit<BenchServer, 'stop' | 'pid'>
      resolve({
        ...info,
        pid: child.pid!,
        stop: async () => {
          child.stdin.end()
          await exited
        },
      })
    })
  })
}

export async function startSeededStack(approvals: number, log: (line: string) => void): Promise<BenchStack> {
  const root = mkdtempSync(join(tmpdir(), 'oc-bench-'))
  // PostgreSQL runs as its own OS user when we are root: it must be able to walk into the folder.
  chmodSync(root, 0o755)
  const stack = await startServer(join(root, 'stack'))
  log(`stack at ${stack.apiUrl}; seeding ${approvals.toLocaleString('en-US')} approvals`)
  const seed = await generateDemoData(stack.dbUrl, { approvals, log: (l) => log(`  ${l}`) })
  log(`seeded ${seed.rows.toLocaleString('en-US')} rows in ${(seed.elapsedMs / 1000).toFixed(1)} s`)
  return { stack, root, seed }
}
