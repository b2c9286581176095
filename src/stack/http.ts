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

/**
 * How deeply a request body's JSON may nest. The deepest body the console sends (a sync_push batch
 * of journal postings with their lines) nests about 8 levels; 512 leaves room for any honest
 * payload while stopping the pathological ones before PostgreSQL's recursive JSON parser runs out
 * of stack (a 54001 error, which PostgREST maps to 500).
 */
export const MAX_JSON_DEPTH = 512

export type JsonObjectBody =
  { ok: true; value: Record<string, unknown>; text: string } | { ok: false; reason: string }

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Whether brackets outside strings nest deeper than `limit` (scanned before JSON.parse sees it). */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/**
 * A request body that must be a JSON object (empty means `{}`), with the reason in plain words when
 * it is not: bytes that are not UTF-8 (decoding them leniently would silently change what the
 * client sent), JSON syntax, nesting deeper than MAX_JSON_DEPTH, or another JSON value.
 *
 * String contents are not judged here. A `\u0000` escape or a lone surrogate is valid JSON text, and
 * PostgREST hands the body to PostgreSQL as it came, so PostgreSQL decides: its `json` type keeps
 * such escapes, while turning them into `jsonb` or `text` (which named arguments do, by
 * json_to_record) fails with 22P05 "unsupported Unicode escape sequence", answered 400 with that
 * message. Refusing them here instead would refuse bodies a function taking one unnamed `json`
 * parameter receives as sent, and can judge element by element.
 */
export function parseJsonObject(body: Buffer): JsonObjectBody {
  let text: string
  try {
    text = strictUtf8.decode(body)
  } catch {
    return { ok: false, reason: 'The request body is not valid UTF-8.' }
  }
  if (text.trim() === '') return { ok: true, value: {}, text: '{}' }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    return { ok: false, reason: `JSON nests deeper than ${MAX_JSON_DEPTH} levels.` }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { ok: false, reason: `Invalid JSON: ${(err as Error).message}` }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'The body must be a JSON object.' }
  return { ok: true, value: value as Record<string, unknown>, text }
}

/**
 * The request's path and query decode to text: every %-escape complete and the bytes they make
 * valid UTF-8 with no NUL (which no name or value can hold in PostgreSQL). A malformed URL is the
 * client's error (400), never a crash in whichever route first decodes it.
 */
export function urlDecodes(url: URL): boolean {
  try {
    const parts = [...url.pathname.split('/'), ...url.search.slice(1).split(/[&=]/)]
    return parts.every((part) => !decodeURIComponent(part.replaceAll('+', ' ')).includes('\0'))
  } catch {
    return false
  }
}
