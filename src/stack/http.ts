// HTTP plumbing shared by the gateway's routes: bounded body reading, JSON replies, Supabase-like
// CORS headers and the API-gateway error shapes (Kong's `{ message }`).
import type { IncomingMessage, ServerResponse } from 'node:http'

/** Request bodies above this are refused with 413, as Supabase's gateway does for huge payloads. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024
/** Past this many bytes an oversized upload is cut off instead of drained. */
const MAX_DRAIN_BYTES = 8 * MAX_BODY_BYTES

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`)
  }
}

/**
 * Reads the whole body, refusing more than `limit` bytes. An oversized body is drained (up to a
 * hard cap) before the refusal so the client reads the 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limit
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) tooLarge = true
      if (tooLarge) {
        chunks.length = 0
        if (size > MAX_DRAIN_BYTES) req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => (tooLarge ? reject(new BodyTooLarge(limit)) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
  })
}

export function setCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*')
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range, X-Supabase-Api-Version, Content-Profile')
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS')
    res.setHeader(
      'Access-Control-Allow-Headers',
      req.headers['access-control-request-headers'] ??
        'authorization, x-client-info, apikey, content-type, x-supabase-api-version, prefer, accept-profile, content-profile',
    )
    res.setHeader('Access-Control-Max-Age', '3600')
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendRawJson(res, status, JSON.stringify(body), headers)
}

/** For bodies that are JSON text already (PostgreSQL renders RPC results itself). */
export function sendRawJson(
  res: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers })
  res.end(json)
}

export function sendEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent) return
  res.writeHead(status)
  res.end()
}

/** The API gateway's own refusals (before GoTrue or PostgREST see the request). */
export function sendGatewayError(res: ServerResponse, status: number, message: string, hint?: string): void {
  sendJson(res, status, hint ? { message, hint } : { message })
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (!header) return undefined
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  return match?.[1]?.trim()
}

/** The `apikey` header, or the `apikey` query parameter Kong also accepts. */
export function apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.apikey
  const value = Array.isArray(header) ? header[0] : header
  return value ?? url.searchParams.get('apikey') ?? undefined
}

/** A JSON object body (empty means `{}`); undefined when the body is not a JSON object. */
export function parseJsonObject(body: Buffer | string): Record<string, unknown> | undefined {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  if (text.trim() === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
