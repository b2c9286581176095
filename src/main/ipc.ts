// Binds the shared contract to Electron IPC: one `api:call` channel into the core's `dispatch`
// (which validates every payload against the contract), and core events out on `api:event`.
// One channel rather than one per method: the sender check and the validation path exist once,
// method names are checked by `dispatch` against the contract anyway, and the preload stays a
// few lines that need no list of methods.
import type { CallOutcome, EmitEvent, EventName, EventPayload, MethodName } from '../shared/contract'
import { ApiError } from '../shared/errors'
import { CALL_CHANNEL, EVENT_CHANNEL } from '../preload/bridge'
import type { Dispatch } from '../core/dispatch'
import type { SenderFrame } from './security'

export type { Dispatch }

// The channel names live with the preload; both ends must agree on them.
export { CALL_CHANNEL, EVENT_CHANNEL }


/** The part of an IpcMainInvokeEvent the binding reads. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrame | null
}

/** The part of Electron's ipcMain the binding uses (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export interface IpcBindingOptions {
  ipcMain: IpcMainLike
  dispatch: Dispatch
  /** True only for the main window's top frame on our own origin (security.createSenderGuard). */
  isTrustedSender(frame: SenderFrame | null): boolean
  onInternalError?(err: unknown): void
}

const failure = (err: ApiError): CallOutcome<MethodName> => ({ ok: false, error: err.toJSON() })

/** Registers the handler; returns a function that removes it (on quit, or between tests). */
export function bindIpc(opts: IpcBindingOptions): () => void {
  opts.ipcMain.handle(CALL_CHANNEL, async (event, method, args, ...extra) => {
    if (!opts.isTrustedSender(event.senderFrame)) return failure(new ApiError('forbidden_sender'))
    // The preload sends exactly (method, args); anything more is not from our preload.
    if (extra.length > 0) return failure(new ApiError('invalid_input', 'Unexpected extra arguments.'))
    try {
      return await opts.dispatch(method, args)
    } catch (err) {
      // dispatch promises never to throw; if it does, the renderer still gets a typed answer.
      opts.onInternalError?.(err)
      return failure(new ApiError('internal'))
    }
  })
  return () => opts.ipcMain.removeHandler(CALL_CHANNEL)
}

/** The part of a WebContents the event forwarder uses. */
export interface EventTargetLike {
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
}

/** Forwards core events to the main window's renderer, if there is one right now. */
export function createEventForwarder(getTarget: () => EventTargetLike | null | undefined): EmitEvent {
  return <E extends EventName>(event: E, payload: EventPayload<E>) => {
    const target = getTarget()
    if (target && !target.isDestroyed()) target.send(EVENT_CHANNEL, event, payload)
  }
}

/** Fans one core emit out to several consumers (the renderer, the badge, notifications). */
export function fanOut(...sinks: EmitEvent[]): EmitEvent {
  return (event, payload) => {
    for (const sink of sinks) {
      // One failing consumer (a closed window, a badge error) must not stop the others.
      try {
        sink(event, payload)
      } catch (err) {
        console.error(`event ${event} not delivered:`, err)
      }
    }
  }
}
