// Running a real core for the benchmark, the way a shell does: in its own worker thread behind the
// host (calls checked here, run there), a user-data folder with the spare replica already built
// (the app builds it while the sign-in screen shows), a file session store kept on this side, and
// a way to call the contract and watch its events.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CallOutcome, EventName, EventPayload, MethodArgs, MethodName, MethodResult } from '../../src/shared/contract'
import { FileSessionStore } from '../../src/core/auth/session-store'
import { startCoreHost, type CoreHost } from '../../src/core/thread/host'
import type { ThreadSyncTuning } from '../../src/core/thread/protocol'
import { workerSpawner } from '../../src/core/thread/worker-spawner'
import { setCoreEntry } from '../../src/core/thread/worker'
import { bundleForNode } from '../node-bundle'

export interface BenchCore {
  host: CoreHost
  dir: string
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): void
  close(): Promise<void>
}

export interface Backend {
  apiUrl: string
  anonKey: string
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** A child process of the bench is handed the compiled core its parent made (warm-start.ts). */
export const CORE_ENTRY_ENV = 'BENCH_CORE_ENTRY'
let compiled: Promise<string> | null = null

/** Bundles one entry of the sources (a path from the project root) into out/bench/<name>.js. */
export async function bundle(entry: string, name: string): Promise<string> {
  const outdir = join(ROOT, 'out', 'bench')
  await bundleForNode({ [name]: join(ROOT, entry) }, outdir)
  return join(outdir, `${name}.js`)
}

/**
 * The core's thread runs compiled JavaScript, as the app ships it (out/main/core.js), not the
 * TypeScript sources compiled as they load: that loader is a cost of development only (it doubled
 * the time a worker took to load the core). Its entry is bundled once per bench run, from the
 * current sources.
 */
export function compiledCore(): Promise<string> {
  const given = process.env[CORE_ENTRY_ENV]
  compiled ??= given ? Promise.resolve(given) : bundle('src/core/thread/entry.ts', 'core')
  return compiled.then((entry) => {
    setCoreEntry(entry)
    return entry
  })
}

/** `onEvent` hears every event from the start on, those sent while the core starts included. */
export async function startBenchCore(
  dir: string,
  backend: Backend,
  sync?: ThreadSyncTuning,
  onEvent?: (event: EventName, payload: unknown) => void,
): Promise<BenchCore> {
  await compiledCore()
  const listeners = new Map<string, ((p: unknown) => void)[]>()
  const host = await startCoreHost({
    spawn: workerSpawner(),
    // No spare built in reserve: the bench measures a reviewer's work, not the next sign-in's.
    config: { userDataDir: dir, backend: { url: backend.apiUrl, anonKey: backend.anonKey, isLocalStack: true }, sync, reserveSpare: false },
    sessionStore: new FileSessionStore(join(dir, 'session.bin')),
    emit: (event, payload) => {
      onEvent?.(event, payload)
      for (const fn of listeners.get(event) ?? []) fn(payload)
    },
  })
  return {
    host,
    dir,
    async call(method, args) {
      const out = (await host.dispatch(method, args)) as CallOutcome<typeof method>
      if (!out.ok) throw new Error(`${method}: ${out.error.code} ${out.error.message}`)
      return out.value
    },
    on(event, fn) {
      const list = listeners.get(event) ?? []
      list.push(fn as (p: unknown) => void)
      listeners.set(event, list)
    },
    close: () => host.close(),
  }
}
