// Helpers for the stack's own tests: raw HTTP against the gateway (for what supabase-js hides,
// such as exact bodies and headers) and tokens signed with chosen claims.
import { request } from 'node:http'
import { inject } from 'vitest'
import { signClaims, type Claims } from '../../src/stack/jwt'

export const stack = () => inject('stack')

export interface RawReply {
  status: number
  headers: Headers
  body: unknown
}

/** A request to the gateway with the anon key as `apikey` unless headers say otherwise. */
export async function raw(path: string, init: RawInit = {}): Promise<RawReply> {
  const { apiUrl, anonKey } = stack()
  const res = await fetch(`${apiUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json', ...init.headers },
    body: bodyOf(init),
  })
  return { status: res.status, headers: res.headers, body: parsed(await res.text()) }
}

/** A string or bytes go as they are (for malformed bodies); anything else as its JSON. */
type RawInit = { method?: string; body?: unknown; headers?: Record<string, string> }

function bodyOf(init: RawInit): string | Uint8Array | undefined {
  if (init.body === undefined || typeof init.body === 'string' || init.body instanceof Uint8Array)
    return init.body
  return JSON.stringify(init.body)
}

function parsed(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text)
  } catch {
    return text // not JSON: keep the text
  }
}

/**
 * raw(), sent from another loopback address (all of 127.0.0.0/8 is loopback on Linux). Per-IP
 * limits a test trips this way never touch the other test files, which all call from 127.0.0.1.
 */
export function rawFrom(localAddress: string, path: string, init: RawInit = {}): Promise<RawReply> {
  const { apiUrl, anonKey } = stack()
  const url = new URL(`${apiUrl}${path}`)
  const body = bodyOf(init)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: init.method ?? 'POST',
        localAddress,
        headers: { apikey: anonKey, 'content-type': 'application/json', ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(res.headers))
            for (const v of [value ?? []].flat()) headers.append(name, v)
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: parsed(Buffer.concat(chunks).toString('utf8')),
          })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
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
