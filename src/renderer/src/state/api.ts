// The renderer's only door to the core: `window.api` (preload or web bridge), with every failed
// CallOutcome turned into a thrown ApiError carrying the message a reviewer should read.
import type { BridgeApi, EventName, EventPayload, MethodArgs, MethodName, MethodResult } from '../../../shared/contract'
import { ApiError, describeError } from '../../../shared/errors'

function bridge(): BridgeApi {
  const api = (window as unknown as { api?: BridgeApi }).api
  if (!api) throw new ApiError('internal', 'The console bridge is missing.')
  return api
}

export async function call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
  const outcome = await bridge().call(method, args)
  if (outcome.ok) return outcome.value
  const { code, message, details } = outcome.error
  throw new ApiError(code, describeError(code, message), details)
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge().on(event, listener)
}

/** A message fit for a toast from anything a call may throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message
  return describeError('internal')
}

export function errorCode(err: unknown): string {
  return err instanceof ApiError ? err.code : 'internal'
}
