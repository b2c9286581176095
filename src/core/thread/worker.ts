// Starts worker_threads workers on the core's entry (entry.ts): the core itself (web shell, bench,
// tests) and the builder of spare replicas (replica/spare.ts). Built code runs the compiled entry
// that registered itself when it loaded (out/main/core.js in the desktop app); from TypeScript
// sources (dev, tests, the bench) the worker registers tsx first, as on Node 20 the parent's
// loader does not reach into a worker.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

let registered: string | null = null

/** Called by the entry as it loads: workers started from this process run the same file. */
export function setCoreEntry(path: string): void {
  registered = path
}

function coreEntry(): string {
  return registered ?? join(dirname(fileURLToPath(import.meta.url)), 'entry.ts')
}

/** A data: URL module that registers tsx and then imports the TypeScript entry. */
function tsxBootstrap(entry: string): URL {
  const require = createRequire(import.meta.url)
  const pkgFile = require.resolve('tsx/package.json')
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> }
  const api = pkg.exports['./esm/api']?.import?.default
  if (!api) throw new Error('tsx has no ESM API to load the core from its sources')
  const apiUrl = pathToFileURL(join(dirname(pkgFile), api)).href
  const code = `import { register } from ${JSON.stringify(apiUrl)}; register(); await import(${JSON.stringify(pathToFileURL(entry).href)})`
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`)
}

/** What a worker on the entry does: serve the core, or build one spare replica and stop. */
export type WorkerRole = { role: 'core' } | { role: 'spare'; userDataDir: string; specs: unknown }

export function startCoreWorker(data: WorkerRole): Worker {
  const entry = coreEntry()
  const options = { name: data.role, workerData: data }
  return entry.endsWith('.ts') ? new Worker(tsxBootstrap(entry), options) : new Worker(entry, options)
}
