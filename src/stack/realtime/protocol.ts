// The Phoenix channels wire format as realtime-js speaks it: serializer vsn 2.0.0 sends each message
// as a JSON array [join_ref, ref, topic, event, payload], vsn 1.0.0 as an object with those keys.
// Only JSON text frames: realtime-js's binary frames carry client-sent broadcasts, which the local
// stack does not serve.

export type Vsn = '1.0.0' | '2.0.0'

export interface PhxMessage {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  payload: unknown
}

export function decode(vsn: Vsn, text: string): PhxMessage | null {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return null
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(data) || data.length !== 5) return null
    const [joinRef, ref, topic, event, payload] = data as unknown[]
    if (typeof topic !== 'string' || typeof event !== 'string') return null
    return { joinRef: refOf(joinRef), ref: refOf(ref), topic, event, payload }
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null
  const o = data as Record<string, unknown>
  if (typeof o.topic !== 'string' || typeof o.event !== 'string') return null
  return { joinRef: refOf(o.join_ref), ref: refOf(o.ref), topic: o.topic, event: o.event, payload: o.payload }
}

export function encode(vsn: Vsn, m: PhxMessage): string {
  if (vsn === '2.0.0') return JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload])
  return JSON.stringify({ join_ref: m.joinRef, ref: m.ref, topic: m.topic, event: m.event, payload: m.payload })
}

function refOf(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null
}

/** A reply to a push (`phx_reply`), ok or error, as Phoenix sends it. */
export function reply(to: PhxMessage, status: 'ok' | 'error', response: Record<string, unknown>): PhxMessage {
  return { joinRef: to.joinRef, ref: to.ref, topic: to.topic, event: 'phx_reply', payload: { status, response } }
}

/** Channel names on the wire carry realtime-js's `realtime:` prefix; policies see the rest. */
export const TOPIC_PREFIX = 'realtime:'
