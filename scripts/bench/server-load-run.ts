// `npx tsx scripts/bench/server-load-run.ts [--approvals N] [--seconds S] [--only polling|live] [--keep]`:
// only the server-load parts of `npm run bench` (server_load_polling.* and server_load.*) against
// a freshly seeded bench stack, for working on the gateway and sync_pull without the whole bench.
// Prints the figures as JSON with the machine's load average beside them (the machine is shared).
import { rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { measureServerLoad } from './server-load'
import { measureLiveServerLoad } from './server-load-live'
import type { Results } from './report'
import { startSeededStack } from './stack'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      approvals: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '30' },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  })
  const seconds = Number(values.seconds)
  const log = (line: string) => console.error(line)
  const { stack, root } = await startSeededStack(Number(values.approvals), log)
  const results: Results = {}
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')
  try {
    const backend = { apiUrl: stack.apiUrl, anonKey: stack.anonKey }
    if (values.only !== 'live') {
      log(`server load, polling (load average ${load()})`)
      Object.assign(results, await measureServerLoad(backend, stack.dbUrl, { clients: 200, seconds, decisionsPerSecond: 20 }, log))
      results['server_load_polling.load_average_1m'] = Number(loadavg()[0]!.toFixed(2))
    }
    if (values.only !== 'polling') {
      log(`server load, live (load average ${load()})`)
      Object.assign(
        results,
        await measureLiveServerLoad(
          backend,
          stack.dbUrl,
          { clients: 1000, tenants: 100, busyTenants: 10, seconds, decisionsPerSecond: 20, processes: 4 },
          log,
        ),
      )
      results['server_load.load_average_1m'] = Number(loadavg()[0]!.toFixed(2))
    }
  } finally {
    await stack.stop()
    if (values.keep) log(`kept ${root} (stack log: ${join(root, 'stack.log')})`)
    else rmSync(root, { recursive: true, force: true })
  }
  console.log(JSON.stringify(results, null, 2))
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  process.exit(1)
})
