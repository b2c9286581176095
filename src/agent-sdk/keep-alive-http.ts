// The SDK's HTTP on Node: node:http(s) over kept-alive connections. Node's built-in fetch (undici)
// spent about twice the CPU per call on an agent's small RPCs (0.69 vs 0.36 ms measured on the
// same loopback server), and an agent filing many requests was a third of intake's CPU (issue 12:
// 2.0–2.4 ms of ~8 ms per proposal). Checked again against Node's fetch, which keeps connections
// alive by itself: one agent filing with four calls in flight spent 1.25–1.57 ms of CPU per
// proposal through this, 2.37–2.58 through fetch.
//
// Two ways in, over the same connections: `fetch`, a standard fetch for supabase-js (sign-in,
// token refresh, anything a caller does with the client), answered as a standard Response; and
// `post`, the SDK's own RPC calls, which skip building Headers and Response objects (see
// AgentClient.call for why). `fetch` supports only what supabase-js sends: a URL string or URL,
// method, headers, a string body and an abort signal.
import http from 'node:http'
import https from 'node:https'

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** Statuses whose Response must have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304])

interface Reply {
  status: number
  statusText: string
  headers: http.IncomingHttpHeaders
  body: ReturnType<typeof Buffer.concat>
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  // Headers takes every form init.headers may have and joins repeated names as fetch would.
  return headers ? Object.fromEntries(new Headers(headers)) : {}
}

export interface KeepAliveHttp {
  fetch: FetchLike
  /** POSTs a body as given; resolves to the reply's status and text, whatever the status. */
  post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }>
  /** Ends the kept-alive connections. */
  close(): void
}

/**
 * HTTP with its own keep-alive agents (one per client: closing the client's agents ends its
 * sockets). Anything `fetch` does not handle (a Request object, a stream body) goes to the global
 * fetch, so nothing is silently sent differently.
 */
export function keepAliveHttp(): KeepAliveHttp {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) }
  const agentFor = (url: URL) =>
    url.protocol === 'http:' ? agents['http:'] : url.protocol === 'https:' ? agents['https:'] : undefined

  const send = (url: URL, method: string, headers: Record<string, string>, body: string | undefined,
                signal?: AbortSignal): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      const sized = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        { method, headers: sized, agent: agentFor(url), signal },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 500,
              statusText: res.statusMessage ?? '',
              headers: res.headers,
              body: Buffer.concat(chunks),
            }))
        },
      )
      request.on('error', reject)
      request.end(body)
    })

  const fetchLike: FetchLike = async (input, init = {}) => {
    const body = init.body
    if (input instanceof Request || (body != null && typeof body !== 'string')) return fetch(input, init)
    const url = new URL(input)
    if (!agentFor(url)) return fetch(input, init)
    const reply = await send(url, init.method ?? 'GET', headerRecord(init.headers), body ?? undefined, init.signal ?? undefined)
    const out = new Headers()
    for (const [name, value] of Object.entries(reply.headers)) {
      if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
    return new Response(NULL_BODY.has(reply.status) ? null : reply.body, {
      status: reply.status,
      statusText: reply.statusText,
      headers: out,
    })
  }

  return {
    fetch: fetchLike,
    async post(url, headers, body) {
      const reply = await send(url, 'POST', headers, body)
      return { status: reply.status, text: reply.body.toString('utf8') }
    },
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  }
}
