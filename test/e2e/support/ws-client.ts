// Node-side clients for the web shell: a raw WebSocket opener that reports the HTTP status of a
// refused upgrade, and the browser bridge (src/web/bridge/client.ts) driven by the `ws` package,
// so Node tests speak to the shell exactly as the page does.
import WebSocket from 'ws'
import { createSocketBridge, type SocketBridge, type SocketFactory } from '../../../src/web/bridge/client'
import { BRIDGE_PATH, BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../src/web/bridge/wire'

export interface ShellAddress {
  port: number
  token: string
}

export interface OpenOptions {
  /** undefined: the right token; null: no token offered. */
  token?: string | null
  /** undefined: the shell's own origin; null: no Origin header. */
  origin?: string | null
  host?: string
  path?: string
}

export type Opened = { ok: true; ws: WebSocket } | { ok: false; status: number }

export function openRaw(shell: ShellAddress, opts: OpenOptions = {}): Promise<Opened> {
  const token = opts.token === undefined ? shell.token : opts.token
  const protocols = [BRIDGE_PROTOCOL, ...(token === null ? [] : [`${TOKEN_PROTOCOL_PREFIX}${token}`])]
  const origin = opts.origin === undefined ? `http://127.0.0.1:${shell.port}` : opts.origin
  const ws = new WebSocket(`ws://127.0.0.1:${shell.port}${opts.path ?? BRIDGE_PATH}`, protocols, {
    ...(origin === null ? {} : { origin }),
    ...(opts.host ? { headers: { host: opts.host } } : {}),
  })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ok: true, ws }))
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ok: false, status: res.statusCode ?? 0 })
      res.resume()
      ws.terminate()
    })
    ws.once('error', (err) => reject(err))
  })
}

/**
 * Sends one raw text frame and waits for the answer to it or the close code. Events the core pushes
 * meanwhile (a sync status on a signed-in shell) are not answers and are passed over.
 */
export function exchange(ws: WebSocket, data: string | Buffer): Promise<{ frame?: unknown; closeCode?: number }> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const frame: unknown = JSON.parse(raw.toString())
      if (typeof frame === 'object' && frame !== null && 'event' in frame) return
      cleanup()
      resolve({ frame })
    }
    const onClose = (code: number) => {
      cleanup()
      resolve({ closeCode: code })
    }
    const cleanup = () => {
      ws.off('message', onMessage)
      ws.off('close', onClose)
    }
    ws.on('message', onMessage)
    ws.on('close', onClose)
    ws.send(data)
  })
}

const nodeSocket =
  (origin: string): SocketFactory =>
  (url, protocols, handlers) => {
    const ws = new WebSocket(url, protocols, { origin })
    ws.on('open', () => handlers.open())
    ws.on('message', (data, isBinary) => {
      if (!isBinary) handlers.message(data.toString())
    })
    ws.on('close', (code) => handlers.close(code))
    ws.on('error', () => {})
    return { send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) }
  }

/** The page's bridge, as the browser would build it for this shell. */
export function bridgeTo(shell: ShellAddress): SocketBridge {
  const origin = `http://127.0.0.1:${shell.port}`
  return createSocketBridge({
    url: `ws://127.0.0.1:${shell.port}${BRIDGE_PATH}`,
    protocols: [BRIDGE_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${shell.token}`],
    openSocket: nodeSocket(origin),
  })
}
