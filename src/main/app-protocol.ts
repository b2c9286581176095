// The renderer's origin, `app://console/`: a privileged standard scheme served from out/renderer,
// so the page runs without file:// privileges, every response carries the console's CSP, and a
// path that tries to leave the renderer folder is refused.
import { protocol, type Protocol } from 'electron'
import { contentSecurityPolicy, readAsset, securityHeaders } from './renderer-assets'
import { APP_HOST, APP_SCHEME } from './security'

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

export function serveRenderer(target: Protocol, rendererDir: string): void {
  const csp = contentSecurityPolicy()
  target.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const headers = securityHeaders(csp)
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404, headers })
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers })
    const asset = await readAsset(rendererDir, url.pathname)
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(asset.body), {
      status: asset.status,
      headers: { ...headers, 'Content-Type': asset.contentType },
    })
  })
}
