// Helpers for the stack's own tests: raw HTTP against the gateway (for what supabase-js hides,
// such as exact bodies and headers) and tokens signed with chosen claims.
import { inject } from 'vitest'
import { signClaims, type Claims } from '../../src/stack/jwt'

export const stack = () => inject('stack')

export interface RawReply {
  status: number
  headers: Headers
  body: unknown
}

/** A request to the gateway with the anon key as `apikey` unless headers say otherwise. */
export async function raw(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RawReply> {
  const { apiUrl, anonKey } = stack()
  const res = await fetch(`${apiUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json', ...init.headers },
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body }
}

/** A token for the stack's secret (or another), e.g. expired or with an odd role. */
export function token(claims: Claims, secret = stack().jwtSecret): Promise<string> {
  return signClaims(secret, claims)
}

export const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Polls until check() is true or the deadline passes (then fails with the message, read at that time). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  message: string | (() => string),
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out: ${typeof message === 'string' ? message : message()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
