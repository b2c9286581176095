// The preload's BridgeApi over IPC, built from the few ipcRenderer calls it needs so tests can
// drive it with a fake. Type-only imports: a sandboxed preload can require nothing but `electron`.
import type { BridgeApi, CallOutcome, EventName, EventPayload, MethodArgs, MethodName } from '../shared/contract'

// Kept in step with src/main/ipc.ts (not imported: that module pulls in the error table at runtime).
export const CALL_CHANNEL = 'api:call'
export const EVENT_CHANNEL = 'api:event'

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

type Listener = (payload: unknown) => void

// A deep link or notification click can arrive before the page has subscribed; the last such
// shell request is kept and handed to the first listener instead of being lost.
const HELD_UNTIL_HEARD: ReadonlySet<string> = new Set(['navigate', 'command'])

export function createPreloadApi(ipc: IpcRendererLike): BridgeApi {
  const listeners = new Map<string, Set<Listener>>()
  const unheard = new Map<string, unknown>()

  // One IPC listener for all events; the page never receives the raw IpcRendererEvent (its
  // `sender` would hand the page ipcRenderer itself).
  ipc.on(EVENT_CHANNEL, (_event, name, payload) => {
    if (typeof name !== 'string') return
    const set = listeners.get(name)
    if ((!set || set.size === 0) && HELD_UNTIL_HEARD.has(name)) unheard.set(name, payload)
    for (const listener of set ?? []) listener(payload)
  })

  return {
    call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<CallOutcome<M>> {
      return ipc.invoke(CALL_CHANNEL, method, args) as Promise<CallOutcome<M>>
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const wrapped: Listener = (payload) => listener(payload as EventPayload<E>)
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(wrapped)
      if (unheard.has(event)) {
        const payload = unheard.get(event)
        unheard.delete(event)
        queueMicrotask(() => wrapped(payload))
      }
      return () => {
        set.delete(wrapped)
      }
    },
  } satisfies BridgeApi
}
