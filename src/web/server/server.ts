// The web shell's HTTP + WebSocket server, on 127.0.0.1 only: it serves the built renderer with the
// same CSP as the desktop app, and carries the shared contract over one WebSocket into the core's
// `dispatch`, pushing core events back. Development and end-to-end tests only; never packaged.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { CallOutcome, EmitEvent, MethodName } from '../../shared/contract'
import { ApiError } from '../../shared/errors'
import type { Dispatch } from '../../core/dispatch'
import { contentSecurityPolicy, readAsset, securityHeaders } from '../../shell-common/renderer-assets'
import { BRIDGE_PATH, BRIDGE_PROTOCOL, MAX_FRAME_BYTES, parseCallFrame, type ServerFrame } from '../bridge/wire'
import { isLoopbackHost, isOwnOrigin, newToken, offeredToken, tokenMatches } from './guard'

export const HOST = '127.0.0.1'

export interface WebShellServerOptions {
  /** 0 picks a free port. */
  port: number
  /** The built renderer (out/renderer). */
  rendererDir: string
  dispatch: Dispatch
  /** Defaults to 32 fresh random bytes. */
  token?: string
  log?(line: string): void
}

export interface WebShellServer {
  port: number
  origin: string
  token: string
  /** The address to open: the token rides in the fragment, which browsers never send to a server. */
  url: string
  /** Pushes a core event to every connected page. */
  emit: EmitEvent
  connectionCount(): number
  close(): Promise<void>
}

const errorOutcome = (code: 'invalid_input' | 'internal', message?: string): CallOutcome<MethodName> => ({
  ok: false,
  error: new ApiError(code, message).toJSON(),
})

function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  const body = `${reason}\n`
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

export async function createWebShellServer(opts: WebShellServerOptions): Promise<WebShellServer> {
  const token = opts.token ?? newToken()
  const log = opts.log ?? (() => {})
  const clients = new Set<WebSocket>()
  let port = opts.port

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
  })

  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState !== ws.OPEN) return
    let text: string
    try {
      text = JSON.stringify(frame)
    } catch {
      // A value JSON cannot carry must not go unanswered: the caller still gets its id back.
      text = JSON.stringify({ id: 'id' in frame ? frame.id : null, outcome: errorOutcome('internal') })
    }
    ws.send(text)
  }

  const onMessage = (ws: WebSocket, data: RawData, isBinary: boolean) => {
    if (isBinary) return send(ws, { id: null, outcome: errorOutcome('invalid_input', 'Binary frames are not accepted.') })
    const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8')
    const parsed = parseCallFrame(text)
    if (!parsed.ok) return send(ws, { id: parsed.id, outcome: errorOutcome('invalid_input', parsed.reason) })
    const { id, method, args } = parsed.frame
    opts
      .dispatch(method, args)
      .catch((err: unknown) => {
        log(`web shell: dispatch threw: ${String(err)}`)
        return errorOutcome('internal')
      })
      .then((outcome) => send(ws, { id, outcome }))
  }

  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const path = (req.url ?? '').split('?')[0]
    if (path !== BRIDGE_PATH) return refuseUpgrade(socket, 404, 'Not found')
    if (!isLoopbackHost(req.headers.host, port)) return refuseUpgrade(socket, 403, 'Host is not this loopback shell')
    if (!isOwnOrigin(req.headers.origin, port)) return refuseUpgrade(socket, 403, 'Origin is not this shell')
    if (!tokenMatches(offeredToken(req.headers['sec-websocket-protocol']), token)) {
      return refuseUpgrade(socket, 401, 'A valid token is required')
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary))
      ws.on('close', () => clients.delete(ws))
      ws.on('error', () => ws.terminate())
    })
  }

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host
    if (!isLoopbackHost(host, port)) return plain(res, 403, 'Host is not this loopback shell')
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed')
    const url = req.url ?? ''
    if (!url.startsWith('/')) return plain(res, 400, 'Bad request')
    const pathname = url.split(/[?#]/)[0] ?? '/'
    const asset = await readAsset(opts.rendererDir, pathname)
    res.writeHead(asset.status, {
      ...securityHeaders(contentSecurityPolicy({ connectSrc: [`ws://${host}`] })),
      'Content-Type': asset.contentType,
      'Content-Length': asset.body.length,
      'Cache-Control': 'no-store',
    })
    res.end(req.method === 'HEAD' ? undefined : asset.body)
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log(`web shell: request failed: ${String(err)}`)
      if (!res.headersSent) plain(res, 500, 'Internal error')
      else res.destroy()
    })
  })
  server.on('upgrade', onUpgrade)
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const origin = `http://${HOST}:${port}`

  return {
    port,
    origin,
    token,
    url: `${origin}/#token=${token}`,
    emit: (event, payload) => {
      for (const ws of clients) send(ws, { event, payload })
    },
    connectionCount: () => clients.size,
    close: async () => {
      for (const ws of clients) ws.close(1001, 'The web shell is stopping')
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      for (const ws of clients) ws.terminate()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
  res.end(`${message}\n`)
}
