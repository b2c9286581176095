// Serving an MCP server over streamable HTTP (the gateway and the demo upstream): stateless — a
// fresh server and transport per request, so nothing is kept between calls and any number of
// clients may call at once. POST /mcp carries JSON-RPC; GET and DELETE (sessions, server-initiated
// streams) are not offered in stateless mode and answer 405 as the spec allows.
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'

export interface McpHttpOptions {
  port?: number
  host?: string
  /** Refuses a request before it reaches the server (authentication); return a status to refuse. */
  authorize?: (req: IncomingMessage) => number | null
}

export interface McpHttpServer {
  url: string
  close(): Promise<void>
}

const MAX_BODY = 4 * 1024 * 1024

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new Error('request body too large'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      } catch {
        reject(new Error('request body is not JSON'))
      }
    })
    req.on('error', reject)
  })
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }))
}

export async function serveMcpHttp(makeServer: () => Server, opts: McpHttpOptions = {}): Promise<McpHttpServer> {
  const http: HttpServer = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      if (path !== '/mcp') return refuse(res, 404, 'not found: the MCP endpoint is /mcp')
      if (req.method !== 'POST') return refuse(res, 405, 'method not allowed: this server is stateless, POST only')
      const denied = opts.authorize?.(req) ?? null
      if (denied !== null) return refuse(res, denied, 'unauthorized')
      let body: unknown
      try {
        body = await readJson(req)
      } catch (err) {
        return refuse(res, 400, err instanceof Error ? err.message : 'bad request')
      }
      const server = makeServer()
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
      res.on('close', () => {
        void transport.close()
        void server.close()
      })
      try {
        await server.connect(transport)
        await transport.handleRequest(req, res, body)
      } catch (err) {
        if (!res.headersSent) refuse(res, 500, err instanceof Error ? err.message : 'internal error')
      }
    })()
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve())
  })
  const { port } = http.address() as AddressInfo
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections()
        http.close(() => resolve())
      }),
  }
}
