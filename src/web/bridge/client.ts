// The web shell's side of `window.api`: the shared contract's BridgeApi over one WebSocket to the
// core running in Node. Calls wait for the socket while it (re)connects; a call whose socket drops
// before the answer gets a typed `backend_unreachable`, never a hang or a throw. The socket itself
// comes from a factory, so the browser (WebSocket) and Node tests (`ws`) share this code.
import type { BridgeApi, CallOutcome, EventName, EventPayload, MethodArgs, MethodName } from '../../shared/contract'
import { ERROR_MESSAGES, type ErrorCode } from '../../shared/errors'
import { MAX_FRAME_BYTES, parseServerFrame } from './wire'

export interface SocketHandlers {
  open(): void
  message(text: string): void
  close(code: number): void
}

export interface BridgeSocket {
  send(text: string): void
  close(code?: number, reason?: string): void
}

/** Opens a socket to url offering the given subprotocols, reporting through handlers. */
export type SocketFactory = (url: string, protocols: string[], handlers: SocketHandlers) => BridgeSocket

export interface SocketBridgeOptions {
  url: string
  protocols: string[]
  openSocket: SocketFactory
  /** How long a call waits for a connection before it gives up. */
  connectTimeoutMs?: number
}

export interface SocketBridge extends BridgeApi {
  close(): void
}

type Pending = { resolve(outcome: CallOutcome<MethodName>): void; frame: string; sent: boolean; timer?: ReturnType<typeof setTimeout> }

const fail = (code: ErrorCode, message?: string): CallOutcome<MethodName> => ({
  ok: false,
  error: { code, message: message ?? ERROR_MESSAGES[code] },
})

/** One listener's failure must not starve the others; it still surfaces as an uncaught error. */
function deliver(listener: (payload: unknown) => void, payload: unknown) {
  try {
    listener(payload)
  } catch (err) {
    setTimeout(() => {
      throw err
    })
  }
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length

export function createSocketBridge(opts: SocketBridgeOptions): SocketBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const pending = new Map<number, Pending>()
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000
  let nextId = 1
  let socket: BridgeSocket | null = null
  let open = false
  let closed = false
  let retryMs = 250

  const settle = (id: number, outcome: CallOutcome<MethodName>) => {
    const call = pending.get(id)
    if (!call) return
    pending.delete(id)
    if (call.timer) clearTimeout(call.timer)
    call.resolve(outcome)
  }

  const flush = () => {
    for (const call of pending.values()) {
      if (call.sent || !socket) continue
      call.sent = true
      if (call.timer) clearTimeout(call.timer)
      socket.send(call.frame)
    }
  }

  const connect = () => {
    socket = opts.openSocket(opts.url, opts.protocols, {
      open: () => {
        open = true
        retryMs = 250
        flush()
      },
      message: (text) => {
        const frame = parseServerFrame(text)
        if (!frame) return
        if ('event' in frame) {
          for (const listener of listeners.get(frame.event) ?? []) deliver(listener, frame.payload)
        } else if (frame.id !== null) {
          settle(frame.id, frame.outcome)
        }
      },
      close: () => {
        open = false
        socket = null
        // Calls already on the wire may or may not have run; the caller learns it did not hear back.
        for (const [id, call] of pending) if (call.sent) settle(id, fail('backend_unreachable'))
        if (!closed) {
          setTimeout(connect, retryMs)
          retryMs = Math.min(retryMs * 2, 5_000)
        }
      },
    })
  }

  connect()

  return {
    call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<CallOutcome<M>> {
      if (closed) return Promise.resolve(fail('backend_unreachable') as CallOutcome<M>)
      const id = nextId++
      let frame: string
      try {
        frame = JSON.stringify({ id, method, args })
      } catch {
        return Promise.resolve(fail('invalid_input', 'The request cannot be sent as JSON.') as CallOutcome<M>)
      }
      // The server closes the socket on an oversized frame; refuse it here with a typed answer instead.
      if (frame.length > MAX_FRAME_BYTES / 4 && utf8Length(frame) > MAX_FRAME_BYTES) {
        return Promise.resolve(fail('invalid_input', 'The request is too large.') as CallOutcome<M>)
      }
      return new Promise<CallOutcome<M>>((resolve) => {
        const call: Pending = { resolve: resolve as (o: CallOutcome<MethodName>) => void, frame, sent: false }
        pending.set(id, call)
        if (open && socket) {
          call.sent = true
          socket.send(frame)
        } else {
          call.timer = setTimeout(() => settle(id, fail('backend_unreachable')), connectTimeoutMs)
        }
      })
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const wrapped = (payload: unknown) => listener(payload as EventPayload<E>)
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(wrapped)
      return () => {
        set.delete(wrapped)
      }
    },
    close() {
      closed = true
      for (const id of [...pending.keys()]) settle(id, fail('backend_unreachable'))
      socket?.close(1000, 'closed')
    },
  }
}
