// The core in a worker_threads worker: the web shell, the bench and the tests host it this way.
// Built code runs the compiled entry; from TypeScript sources (tsx, vitest) the worker first
// registers tsx's loader, as the parent's own loader does not reach into a worker on Node 20.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { CoreProcess, CoreSpawner } from './host'
import type { FromCore } from './protocol'

const here = dirname(fileURLToPath(import.meta.url))

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

export function workerSpawner(entry = join(here, existsJs(here) ? 'entry.js' : 'entry.ts')): CoreSpawner {
  return () => {
    const worker = new Worker(entry.endsWith('.ts') ? tsxBootstrap(entry) : entry, { name: 'core' })
    let exited = false
    const exitListeners: ((reason: string) => void)[] = []
    const exit = (reason: string) => {
      if (exited) return
      exited = true
      for (const fn of exitListeners) fn(reason)
    }
    worker.on('error', (err) => exit(`error: ${err.message}`))
    worker.on('exit', (code) => exit(`exit code ${code}`))
    const proc: CoreProcess = {
      post: (message) => worker.postMessage(message),
      onMessage: (fn) => worker.on('message', (m: FromCore) => fn(m)),
      onExit: (fn) => exitListeners.push(fn),
      kill: () => void worker.terminate(),
    }
    return proc
  }
}

function existsJs(dir: string): boolean {
  try {
    readFileSync(join(dir, 'entry.js'))
    return true
  } catch {
    return false
  }
}
