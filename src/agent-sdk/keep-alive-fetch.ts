// The SDK's HTTP for supabase-js on Node: node:http(s) over kept-alive connections, answered as a
// standard Response. Node's built-in fetch (undici) spent about twice the CPU per call on an
// agent's small RPCs (0.69 vs 0.36 ms measured on the same loopback server), and an agent filing
// many requests was a third of intake's CPU (issue 12: 2.0–2.4 ms of ~8 ms per proposal). Checked
// again against Node's fetch, which keeps connections alive by itself: one agent filing with four
// calls in flight spent 1.25–1.57 ms of CPU per proposal through this, 2.37–2.58 through fetch.
// Only what supabase-js sends is supported: a URL string or URL, method, headers, a string body
// and an abort signal.
import http from 'node:http'
import https from 'node:https'

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** Statuses whose Response must have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304])

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  // Headers takes every form init.headers may have and joins repeated names as fetch would.
  return headers ? Object.fromEntries(new Headers(headers)) : {}
}

/**
 * A fetch with its own keep-alive agents (one per client: closing the client's agents ends its
 * sockets). Anything it does not handle (a Request object, a stream body) goes to the global
 * fetch, so nothing is silently sent differently.
 */
export function keepAliveFetch(): { fetch: FetchLike; close(): void } {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) }
  const send: FetchLike = (input, init = {}) => {
    const body = init.body
    if (input instanceof Request || (body != null && typeof body !== 'string')) return fetch(input, init)
    const url = new URL(input)
    const agent = url.protocol === 'http:' ? agents['http:'] : url.protocol === 'https:' ? agents['https:'] : undefined
    if (!agent) return fetch(input, init)
    return new Promise<Response>((resolve, reject) => {
      const headers = headerRecord(init.headers)
      if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body))
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const out = new Headers()
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value)
            }
            const status = res.statusCode ?? 500
            resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: out,
            }))
          })
        },
      )
      request.on('error', reject)
      request.end(body ?? undefined)
    })
  }
  return {
    fetch: send,
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  }
}
