// Answers one app://console/ request from the renderer folder: GET/HEAD only, our host only, the
// CSP and the other security headers on every response. No electron import, so it is tested in Node.
import { contentSecurityPolicy, readAsset, securityHeaders } from '../shell-common/renderer-assets'
import { APP_HOST } from './security'

export function createAppRequestHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const headers = securityHeaders(contentSecurityPolicy())
  return async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404, headers })
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers })
    const asset = await readAsset(rendererDir, url.pathname)
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(asset.body), {
      status: asset.status,
      headers: { ...headers, 'Content-Type': asset.contentType },
    })
  }
}
