// The web shell's wire protocol over one WebSocket, shared by the Node server and the browser
// bridge: calls `{ id, method, args }` answered by `{ id, outcome }`, and pushed events
// `{ event, payload }`. Plain types and checks only, so both sides can import it.
import type { CallOutcome, MethodName } from '../../shared/contract'

export const BRIDGE_PATH = '/api'
/** The subprotocol the bridge speaks; the token travels as a second offered subprotocol, so it
 * stays out of URLs and logs (a browser WebSocket cannot set headers). */
export const BRIDGE_PROTOCOL = 'operator-console.v1'
export const TOKEN_PROTOCOL_PREFIX = 'token.'
/** Largest frame either side sends; the server closes the socket (1009) on anything bigger. */
export const MAX_FRAME_BYTES = 1024 * 1024

export interface CallFrame {
  id: number
  method: unknown
  args: unknown
}

export interface ReplyFrame {
  /** null when the request was too malformed to carry an id. */
  id: number | null
  outcome: CallOutcome<MethodName>
}

export interface EventFrame {
  event: string
  payload: unknown
}

export type ServerFrame = ReplyFrame | EventFrame

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isCallId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
}

/** Reads a call frame's envelope; the method and args are left to the core's dispatch to judge. */
export function parseCallFrame(text: string): { ok: true; frame: CallFrame } | { ok: false; id: number | null; reason: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, id: null, reason: 'The message is not JSON.' }
  }
  if (!isRecord(value)) return { ok: false, id: null, reason: 'The message is not an object.' }
  const id = Object.hasOwn(value, 'id') ? value.id : undefined
  if (!isCallId(id)) return { ok: false, id: null, reason: 'The message has no valid id.' }
  const extra = Object.keys(value).filter((k) => k !== 'id' && k !== 'method' && k !== 'args')
  if (extra.length > 0) return { ok: false, id, reason: 'The message has unknown fields.' }
  return { ok: true, frame: { id, method: value.method, args: value.args } }
}

/** Reads a server frame on the bridge side; null for anything that is not one. */
export function parseServerFrame(text: string): ServerFrame | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (!isRecord(value)) return null
  if (typeof value.event === 'string') return { event: value.event, payload: value.payload }
  const outcome = value.outcome
  if ((value.id === null || isCallId(value.id)) && isRecord(outcome) && typeof outcome.ok === 'boolean') {
    return { id: value.id, outcome: outcome as CallOutcome<MethodName> }
  }
  return null
}
