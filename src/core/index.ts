// The console's core, in plain Node (no Electron): replica, sync engine and auth behind the API
// contract. The Electron main process and the web shell both create one and pass every call
// through dispatch(); the shell also tells it about focus and wake-ups.
import type { CoreHandlers, MethodName } from '../shared/contract'
import { CoreState, type CoreOptions } from './core'
import { buildHandlers } from './handlers'
import type { Replica } from './replica/replica'
import { replicatedTables } from './replica/registry'
import type { TableSpec } from './replica/tables'

export { dispatch } from './dispatch'
export { FileSessionStore, MemorySessionStore, type SessionStore } from './auth/session-store'
export type { SyncTuning } from './core'
export { backendFromEnv, LOCAL_STACK_URL, type BackendConfig } from './backend'

/** What the shells pass: the core's own options, with the replicated tables defaulting to the registry. */
export type CreateCoreOptions = Omit<CoreOptions, 'tables'> & { tables?: TableSpec[] }

export interface Core {
  handlers: CoreHandlers
  /** The window gained or lost focus: poll about every second while focused, slower otherwise. */
  setFocused(focused: boolean): void
  /** The network came back or the machine woke up: sync at once. */
  wake(): void
  close(): Promise<void>
  /** For tests and the benchmark: the open replica, if any. */
  replica(): Replica | null
}

export async function createCore(opts: CreateCoreOptions): Promise<Core> {
  const state = new CoreState({ ...opts, tables: opts.tables ?? replicatedTables() })
  const handlers = buildHandlers(state)
  state.answerLastViewWith(handlers)
  await state.start()
  return {
    handlers: guard(handlers, state),
    setFocused: (focused) => state.setFocused(focused),
    wake: () => state.wake(),
    close: () => state.close(),
    replica: () => state.replica,
  }
}

/**
 * Calls that never touch the replica: answered at once, even while a relaunch's replica opens, and
 * never holding the sync back (a status poll is not the reviewer at work: reviewer-first.ts).
 */
const OUTSIDE_REPLICA = new Set<string>(['settings.get', 'settings.update', 'sync.status'])

/**
 * Every call on the replica goes before the sync's writes (reviewer-first.ts). Signing in or out
 * waits on the network and on the sync engine itself, which must not wait on it in turn. Calls on
 * the replica go through CoreState.replicaCall: while a relaunch's replica opens, they are answered
 * from the last view or wait for it.
 */
function guard(handlers: CoreHandlers, state: CoreState): CoreHandlers {
  const first = state.reviewerFirst
  const out: Record<string, (args: never) => Promise<unknown>> = {}
  for (const [method, handler] of Object.entries(handlers) as [MethodName, (args: never) => Promise<unknown>][]) {
    if (method.startsWith('session.') || OUTSIDE_REPLICA.has(method)) out[method] = handler
    else out[method] = (args) => state.replicaCall(method, args, () => first.call(() => handler(args)))
  }
  return out as unknown as CoreHandlers
}
