// The HTTP webhook executor: POSTs the approved action to a URL, signed with HMAC-SHA256 so the
// receiver can prove the request came from this executor and was not altered, carrying the
// idempotency key so a retried or replayed request is applied once.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { errorText, type ClaimedAction, type Outcome, type ToolExecutor } from './types'

export interface WebhookOptions {
  url: string
  /** Shared secret of the HMAC signature. */
  secret: string
  /** Per-request timeout; the worker's lease must outlast it. */
  timeoutMs: number
}

export const SIGNATURE_HEADER = 'x-console-signature'
export const TIMESTAMP_HEADER = 'x-console-timestamp'
export const IDEMPOTENCY_HEADER = 'idempotency-key'
export const WORKER_HEADER = 'x-console-worker'

/** `v1=<hex>` over `<timestamp>.<body>`: the timestamp is signed so an old request cannot be replayed as new. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

/** The receiver's check: the signature matches and the timestamp is within `toleranceMs` of now. */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  toleranceMs = 5 * 60_000,
  now = Date.now(),
): boolean {
  const { signature, timestamp } = headers
  if (!signature || !timestamp || !/^\d{10,16}$/.test(timestamp)) return false
  if (Math.abs(now - Number(timestamp)) > toleranceMs) return false
  const expected = Buffer.from(signWebhook(secret, timestamp, body))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** Statuses worth another attempt: the receiver was busy, rate-limited or broken, not the request. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500
}

export class WebhookExecutor implements ToolExecutor {
  constructor(private readonly opts: WebhookOptions) {}

  async run(action: ClaimedAction, signal: AbortSignal): Promise<Outcome> {
    const body = JSON.stringify({
      action_id: action.actionId,
      tenant_id: action.tenantId,
      tool: action.tool,
      args: action.args,
      payload_hash: action.payloadHash,
      idempotency_key: action.idempotencyKey,
      attempt: action.attempt,
    })
    const timestamp = String(Date.now())
    let res: Response
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs)]),
        headers: {
          'content-type': 'application/json',
          [IDEMPOTENCY_HEADER]: action.idempotencyKey,
          [WORKER_HEADER]: action.workerId,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(this.opts.secret, timestamp, body),
        },
      })
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === 'TimeoutError'
      return {
        ok: false,
        transient: true,
        error: timedOut ? `webhook timed out after ${this.opts.timeoutMs} ms` : `webhook unreachable: ${errorText(err)}`,
      }
    }
    const text = await res.text().catch(() => '')
    if (!res.ok) {
      return {
        ok: false,
        transient: isTransientStatus(res.status),
        error: `webhook answered HTTP ${res.status}${text ? `: ${text.slice(0, 500)}` : ''}`,
      }
    }
    return { ok: true, result: parseBody(text) }
  }
}

function parseBody(text: string): unknown {
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return { body: text.slice(0, 10_000) }
  }
}
