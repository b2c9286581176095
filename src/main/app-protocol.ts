// The renderer's origin, `app://console/`: a privileged standard scheme served from out/renderer,
// so the page runs without file:// privileges, every response carries the console's CSP, and a
// path that tries to leave the renderer folder is refused.
import { protocol, type Protocol } from 'electron'
import { createAppRequestHandler } from './app-request'
import { APP_SCHEME } from './security'

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

export function serveRenderer(target: Protocol, rendererDir: string): void {
  target.handle(APP_SCHEME, createAppRequestHandler(rendererDir))
}
