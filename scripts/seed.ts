// `npm run seed -- --approvals N [--seed S] [--db URL]`: generates demo data into a running local
// stack (or any database with the migrations and supabase/seed.sql applied) and prints what it wrote.
// It adds to what is there. A fresh stack (`npm run stack -- --fresh`) already holds seed 1's demo
// inbox, so without --seed the first seed not yet in the database is used; an explicit --seed that
// is already there is refused.
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { connectionString } from '../src/stack/database'
import { defaultStackPort } from '../src/stack/ensure'
import { generateDemoData, generateNextSeed, type SeedSummary } from '../src/stack/seed/generate'

const USAGE = `usage: npm run seed -- --approvals N [--seed S] [--db URL] [--quiet]
  --approvals N   approvals to generate (plus every row they reference); default 1000
  --seed S        PRNG seed: the same seed gives the same data; default the first not yet generated
  --db URL        superuser connection string; default $STACK_DB_URL, else the local stack
                  started by \`npm run stack\` (PostgreSQL on port $STACK_PORT + 1, default 54322)
Run it on a fresh stack: it adds to the data already there.`

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not "${value}"`)
  return n
}

export function formatSummary(s: SeedSummary): string {
  const width = Math.max(...Object.keys(s.tables).map((t) => t.length))
  const lines = Object.entries(s.tables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([table, n]) => `  ${table.padEnd(width)}  ${n.toLocaleString('en-US').padStart(9)}`)
  return [
    `seed ${s.seed}: ${s.approvals.toLocaleString('en-US')} approvals (${s.pending.toLocaleString('en-US')} pending)`,
    ...lines,
    `  ${'total'.padEnd(width)}  ${s.rows.toLocaleString('en-US').padStart(9)}`,
    `${(s.elapsedMs / 1000).toFixed(1)} s, ${Math.round(s.rowsPerSecond).toLocaleString('en-US')} rows/s`,
  ].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      approvals: { type: 'string' },
      seed: { type: 'string' },
      db: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const dbUrl = values.db ?? process.env.STACK_DB_URL ?? connectionString(defaultStackPort() + 1)
  const opts = {
    approvals: positiveInt(values.approvals, '--approvals', 1000),
    log: values.quiet ? undefined : (line: string) => console.error(line),
  }
  const summary =
    values.seed !== undefined
      ? await generateDemoData(dbUrl, { ...opts, seed: positiveInt(values.seed, '--seed', 1) })
      : await generateNextSeed(dbUrl, opts)
  console.log(formatSummary(summary))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
