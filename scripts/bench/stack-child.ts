// The bench's stack in a process of its own: the gateway stands in for Supabase, which in use runs
// on another machine, so it must not share an event loop with the console being measured (a page
// answer would wait for the replica's writes and the first-sync time would count both, in series).
// Prints one JSON line with the connection details, then runs until its parent goes. Everything the
// stack and its PostgreSQL say goes to DATA_DIR/../stack.log (kept with --keep): when a bench part
// fails on a dropped connection, that log says who ended it (a shutdown request, a crash, a kill).
import { appendFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { startStack } from '../../src/stack/index'

async function main(): Promise<void> {
  const dataDir = process.argv[2]
  if (!dataDir) throw new Error('usage: stack-child.ts DATA_DIR')
  const logFile = join(dirname(dataDir), 'stack.log')
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line.trimEnd()}\n`)
  // Enough RPC connections for 200 polling consoles plus a writer (server_load).
  const stack = await startStack({ dataDir, fresh: true, seed: true, rpcPoolSize: 40, log })
  process.stdout.write(`${JSON.stringify({ apiUrl: stack.apiUrl, anonKey: stack.anonKey, dbUrl: stack.dbUrl })}\n`)
  let stopping = false
  const stop = (why: string) => {
    if (stopping) return
    stopping = true
    log(`bench stack stopping: ${why}`)
    void stack.stop().finally(() => process.exit(0))
  }
  // The parent closes our stdin when it is done, or when it dies.
  process.stdin.on('end', () => stop('the bench closed its pipe'))
  process.stdin.on('close', () => stop('the bench closed its pipe'))
  process.stdin.resume()
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  process.exit(1)
})
