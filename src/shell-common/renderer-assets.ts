// Serves the built renderer (out/renderer) to both shells — Electron's app:// protocol and the web
// shell's HTTP server — with the same path rules and the same Content-Security-Policy. Plain Node:
// no electron import.
import { readFile, stat } from 'node:fs/promises'
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

export interface CspOptions {
  /** Extra connect-src sources, e.g. the web shell's own ws:// origin. */
  connectSrc?: readonly string[]
  /** Dev server only: Vite injects inline styles and the React refresh preamble. Never in production. */
  dev?: { origin: string }
}

/** The console's Content-Security-Policy: no inline script, no eval, nothing from elsewhere. */
export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const dev = opts.dev
  const wsDev = dev ? dev.origin.replace(/^http/, 'ws') : null
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'", dev.origin] : ["'self'"]],
    ['style-src', dev ? ["'self'", "'unsafe-inline'", dev.origin] : ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...(opts.connectSrc ?? []), ...(dev && wsDev ? [dev.origin, wsDev] : [])]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'self'"]],
  ]
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ')
}

/** Headers every renderer response carries, in both shells. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  }
}

/**
 * Maps a request path (still percent-encoded) to a file inside root, or null when it would leave
 * root (`..`, encoded `%2e%2e`, backslashes, NUL) or is malformed.
 */
export function resolveAssetPath(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const rootAbs = resolve(root)
  const file = resolve(rootAbs, '.' + (decoded.startsWith('/') ? decoded : `/${decoded}`))
  const rel = relative(rootAbs, file)
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null
  return rel === '' ? join(rootAbs, 'index.html') : file
}

export interface Asset {
  status: 200 | 403 | 404
  body: Buffer
  contentType: string
}

const text = (status: 403 | 404, message: string): Asset => ({
  status,
  body: Buffer.from(message),
  contentType: 'text/plain; charset=utf-8',
})

/** Reads a renderer file; an unknown path without an extension gets index.html (client-side views). */
export async function readAsset(root: string, pathname: string): Promise<Asset> {
  const file = resolveAssetPath(root, pathname)
  if (!file) return text(403, 'Forbidden')
  const candidate = (await isFile(file)) ? file : extname(file) === '' ? join(resolve(root), 'index.html') : null
  if (!candidate || !(await isFile(candidate))) return text(404, 'Not found')
  return {
    status: 200,
    body: await readFile(candidate),
    contentType: MIME[extname(candidate).toLowerCase()] ?? 'application/octet-stream',
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
