// Running a real core for the benchmark, the way a shell does: a user-data folder with the spare
// replica already built (the app builds it while the sign-in screen shows), a file session store,
// and a way to call the contract and watch its events.
import { join } from 'node:path'
import type { EventName, EventPayload, MethodArgs, MethodName, MethodResult } from '../../src/shared/contract'
import { createCore, dispatch, FileSessionStore, type Core, type SyncTuning } from '../../src/core/index'

export interface BenchCore {
  core: Core
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): void
}

export interface Backend {
  apiUrl: string
  anonKey: string
}

export async function startBenchCore(dir: string, backend: Backend, sync?: SyncTuning): Promise<BenchCore> {
  const listeners = new Map<string, ((p: unknown) => void)[]>()
  const core = await createCore({
    userDataDir: dir,
    backend: { url: backend.apiUrl, anonKey: backend.anonKey, isLocalStack: true },
    sessionStore: new FileSessionStore(join(dir, 'session.bin')),
    emit: (event, payload) => {
      for (const fn of listeners.get(event) ?? []) fn(payload)
    },
    sync,
  })
  return {
    core,
    async call(method, args) {
      const out = await dispatch(core.handlers, method, args)
      if (!out.ok) throw new Error(`${method}: ${out.error.code} ${out.error.message}`)
      return out.value as MethodResult<typeof method>
    },
    on(event, fn) {
      const list = listeners.get(event) ?? []
      list.push(fn as (p: unknown) => void)
      listeners.set(event, list)
    },
  }
}
