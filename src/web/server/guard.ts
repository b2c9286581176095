// Who may talk to the web shell: only a page this shell served, on a loopback address, holding
// the random token printed at start. The Host check stops DNS rebinding (evil.example resolving to
// 127.0.0.1), the Origin check stops other sites' pages, the token stops other local processes'
// pages and users.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../bridge/wire'

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** True when a Host header names a loopback address on exactly this port. */
export function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader || hostHeader.length > 300) return false
  let u: URL
  try {
    u = new URL(`http://${hostHeader}`)
  } catch {
    return false
  }
  if (u.username || u.password || u.pathname !== '/' || u.search || u.hash) return false
  if ((u.port === '' ? 80 : Number(u.port)) !== port) return false
  return LOOPBACK_HOSTNAMES.has(u.hostname)
}

/** True when an Origin header is this shell's own loopback origin (http, this port). */
export function isOwnOrigin(originHeader: string | undefined, port: number): boolean {
  if (!originHeader || originHeader.length > 300) return false
  let u: URL
  try {
    u = new URL(originHeader)
  } catch {
    return false
  }
  // An Origin header is scheme://host[:port] and nothing more.
  if (u.origin !== originHeader) return false
  return u.protocol === 'http:' && isLoopbackHost(u.host, port)
}

/** Constant-time token comparison. */
export function tokenMatches(offered: string | undefined, token: string): boolean {
  if (!offered) return false
  const a = Buffer.from(offered)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The token offered in a Sec-WebSocket-Protocol header, if any. */
export function offeredToken(protocolHeader: string | undefined): string | undefined {
  if (!protocolHeader) return undefined
  const offered = protocolHeader.split(',').map((p) => p.trim())
  if (!offered.includes(BRIDGE_PROTOCOL)) return undefined
  return offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length)
}
