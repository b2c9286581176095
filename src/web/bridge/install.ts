// Installs `window.api` in a plain browser tab served by the web shell (`npm run dev:web`): the
// same BridgeApi the Electron preload exposes, over a WebSocket guarded by the shell's token. In
// Electron the preload has already set `window.api`, and this does nothing.
import type { BridgeApi } from '../../shared/contract'
import { createSocketBridge, type SocketFactory } from './client'
import { BRIDGE_PATH, BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from './wire'

declare global {
  interface Window {
    api: BridgeApi
  }
}

const TOKEN_KEY = 'operator-console.web-shell-token'

/** Takes the token from `#token=…` once, keeps it for this tab's reloads, and clears the address bar. */
function takeToken(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token')
  if (fromHash) {
    window.sessionStorage.setItem(TOKEN_KEY, fromHash)
    window.history.replaceState(null, '', window.location.pathname + window.location.search)
    return fromHash
  }
  return window.sessionStorage.getItem(TOKEN_KEY)
}

const browserSocket: SocketFactory = (url, protocols, handlers) => {
  const ws = new WebSocket(url, protocols)
  ws.onopen = () => handlers.open()
  ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === 'string') handlers.message(e.data)
  }
  ws.onclose = (e: CloseEvent) => handlers.close(e.code)
  return { send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) }
}

const NO_TOKEN = 'Open the address printed by `npm run dev:web`: it carries the access token.'

/** Without a token the shell would refuse the socket; say so at once instead of retrying forever. */
const tokenlessApi: BridgeApi = {
  call: async () => ({ ok: false, error: { code: 'backend_unreachable', message: NO_TOKEN } }),
  on: () => () => {},
}

export function installWebBridge(): void {
  if ('api' in window && window.api) return
  const token = takeToken()
  let api: BridgeApi = tokenlessApi
  if (token) {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
    const bridge = createSocketBridge({
      url: `${scheme}//${window.location.host}${BRIDGE_PATH}`,
      protocols: [BRIDGE_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`],
      openSocket: browserSocket,
    })
    api = { call: bridge.call, on: bridge.on }
  } else {
    console.warn(`Operator Console web shell: ${NO_TOKEN}`)
  }
  Object.defineProperty(window, 'api', { value: Object.freeze(api), writable: false, configurable: false, enumerable: true })
}
