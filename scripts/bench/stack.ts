// The benchmark's own local stack on a temporary folder, seeded by the demo data generator.
import { chmodSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStack, type Stack } from '../../src/stack/index'
import { generateDemoData, type SeedSummary } from '../../src/stack/seed/generate'

export interface BenchStack {
  stack: Stack
  root: string
  seed: SeedSummary
}

export async function startSeededStack(approvals: number, log: (line: string) => void): Promise<BenchStack> {
  const root = mkdtempSync(join(tmpdir(), 'oc-bench-'))
  // PostgreSQL runs as its own OS user when we are root: it must be able to walk into the folder.
  chmodSync(root, 0o755)
  // Enough RPC connections for 200 polling consoles plus a writer (server_load).
  const stack = await startStack({ dataDir: join(root, 'stack'), fresh: true, seed: true, rpcPoolSize: 40 })
  log(`stack at ${stack.apiUrl}; seeding ${approvals.toLocaleString('en-US')} approvals`)
  const seed = await generateDemoData(stack.dbUrl, { approvals, log: (l) => log(`  ${l}`) })
  log(`seeded ${seed.rows.toLocaleString('en-US')} rows in ${(seed.elapsedMs / 1000).toFixed(1)} s`)
  return { stack, root, seed }
}
