// Starts a worker_threads worker on one of the core's entry files: the built `<name>.js` beside
// this module when there is one, else its TypeScript source through tsx (dev, tests, the bench:
// on Node 20 the parent's loader does not reach into a worker, so the worker registers tsx itself).
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

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

/**
 * `dir` and `name` locate the entry without its extension: `<dir>/<name>.js` when built, else
 * `<dir>/<name>.ts`.
 */
export function startWorker(dir: string, name: string, options: { workerData?: unknown; name?: string } = {}): Worker {
  const built = join(dir, `${name}.js`)
  if (existsSync(built)) return new Worker(built, options)
  return new Worker(tsxBootstrap(join(dir, `${name}.ts`)), options)
}
