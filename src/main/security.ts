// Window and session hardening: which URLs the console may show, which it may hand to the OS
// browser, and the Electron handlers that refuse everything else. Every URL is parsed with `URL`
// and compared by exact scheme and host — `startsWith` / `includes` are what `https://good@evil`
// and `https://good.evil` fool. Only type imports from electron, so tests run in plain Node.
import type { Session, WebContents } from 'electron'

/** The renderer's own origin: a privileged custom scheme, so the page never gets file:// powers. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'console'
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/`

/** Hosts the console may open in the reviewer's browser: product docs and support only. */
export const DEFAULT_EXTERNAL_HOSTS: readonly string[] = ['supabase.com', 'github.com', 'docs.github.com']

const MAX_URL_LENGTH = 2048

export interface UrlPolicy {
  /** The renderer's own pages: app://console/…, and in dev only the Vite dev server's origin. */
  isAllowedNavigation(url: string): boolean
  /** https on an exact allow-listed host, no credentials, default port. */
  isAllowedExternal(url: string): boolean
  /** The normalised URL to hand to the OS when allowed, else null. */
  externalUrl(url: string): string | null
}

export interface UrlPolicyOptions {
  /** Set only in development: the dev server's `http://localhost:5173` style origin. */
  devServerOrigin?: string | null
  externalHosts?: readonly string[]
}

function parse(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

function hasCredentials(u: URL): boolean {
  return u.username !== '' || u.password !== ''
}

/** True for the renderer's own pages: `app://console/…` exactly (custom schemes have an opaque `origin`). */
export function isAppUrl(url: unknown): boolean {
  const u = parse(url)
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !hasCredentials(u)
}

function sameOrigin(u: URL, origin: string | null | undefined): boolean {
  if (!origin) return false
  const o = parse(origin)
  return o !== null && (o.protocol === 'http:' || o.protocol === 'https:') && u.origin === o.origin && !hasCredentials(u)
}

export function createUrlPolicy(opts: UrlPolicyOptions = {}): UrlPolicy {
  // Normalise the allow-list the same way URL normalises hosts (lowercase, punycode).
  const hosts = new Set((opts.externalHosts ?? DEFAULT_EXTERNAL_HOSTS).map((h) => new URL(`https://${h}`).hostname))
  const externalUrl = (url: string): string | null => {
    const u = parse(url)
    if (!u || u.protocol !== 'https:' || hasCredentials(u) || u.port !== '') return null
    return hosts.has(u.hostname) ? u.href : null
  }
  return {
    isAllowedNavigation: (url) => {
      if (isAppUrl(url)) return true
      const u = parse(url)
      return u !== null && sameOrigin(u, opts.devServerOrigin)
    },
    isAllowedExternal: (url) => externalUrl(url) !== null,
    externalUrl,
  }
}

/** The sender frame of an IPC message, as far as the guard needs it (WebFrameMain in Electron). */
export interface SenderFrame {
  readonly url: string
  readonly parent: unknown
  readonly processId: number
  readonly routingId: number
}

/**
 * Accepts an IPC message only from the main window's top frame showing our own page: an iframe,
 * another window, or a page that navigated away gets `forbidden_sender`.
 */
export function createSenderGuard(getMainFrame: () => SenderFrame | null | undefined, policy: UrlPolicy) {
  return (frame: SenderFrame | null | undefined): boolean => {
    if (!frame) return false
    const main = getMainFrame()
    const isMainFrame = !!main && frame.processId === main.processId && frame.routingId === main.routingId
    return isMainFrame && frame.parent === null && policy.isAllowedNavigation(frame.url)
  }
}

/**
 * Locks down one WebContents: no navigation off our pages, no new windows (allow-listed https links
 * go to the OS browser instead), no <webview>.
 */
export function hardenContents(contents: WebContents, policy: UrlPolicy, openExternal: (url: string) => void): void {
  const refuseUnlessOurs = (event: { preventDefault(): void }, url: string) => {
    if (!policy.isAllowedNavigation(url)) event.preventDefault()
  }
  contents.on('will-navigate', (event, url) => {
    refuseUnlessOurs(event, url)
    // A plain link to allow-listed documentation opens in the browser rather than doing nothing.
    const external = policy.isAllowedNavigation(url) ? null : policy.externalUrl(url)
    if (external) openExternal(external)
  })
  contents.on('will-frame-navigate', (event) => refuseUnlessOurs(event, event.url))
  contents.on('will-redirect', refuseUnlessOurs)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const external = policy.externalUrl(url)
    if (external) openExternal(external)
    return { action: 'deny' }
  })
}

/** A `blob:` URL made by our own page (`blob:app://console/<uuid>`): the files the console saves itself. */
export function isOwnBlobUrl(url: unknown, policy: UrlPolicy): boolean {
  const u = parse(url)
  // A blob URL's path is the URL of the page that made it.
  return u !== null && u.protocol === 'blob:' && policy.isAllowedNavigation(u.pathname)
}

/**
 * Downloads: only what the console itself saves (its CSV exports, from a blob: URL of our page),
 * each through the save dialog so the reviewer picks where it goes; a download from anywhere else
 * (a link a compromised page or a redirect starts) is cancelled.
 */
export function guardDownloads(session: Session, policy: UrlPolicy): void {
  session.on('will-download', (event, item) => {
    if (!isOwnBlobUrl(item.getURL(), policy)) {
      event.preventDefault()
      return
    }
    // No save path set: Electron asks where to save, starting from the file name the page gave.
    if (item.getFilename().toLowerCase().endsWith('.csv')) {
      item.setSaveDialogOptions({ title: 'Save export', filters: [{ name: 'CSV (comma-separated values)', extensions: ['csv'] }] })
    }
  })
}

/** The console needs no camera, microphone, notifications-from-page, geolocation or anything else. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}
