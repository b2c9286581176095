// Reads `opsconsole://approval/<uuid>` links (from a browser, chat or e-mail) into the view to show.
// Anything else — another host, extra path segments, a non-uuid id, credentials — is ignored.
export const DEEP_LINK_SCHEME = 'opsconsole'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface DeepLinkTarget {
  view: 'inbox'
  approvalId: string
}

export function parseDeepLink(url: unknown): DeepLinkTarget | null {
  if (typeof url !== 'string' || url.length > 200) return null
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== `${DEEP_LINK_SCHEME}:` || u.host !== 'approval' || u.username || u.password || u.port) return null
  const segments = u.pathname.split('/').filter((s) => s !== '')
  const id = segments[0]
  if (segments.length !== 1 || !id || !UUID.test(id)) return null
  return { view: 'inbox', approvalId: id.toLowerCase() }
}

/** On Windows and Linux a link arrives as a command-line argument of a (second) instance. */
export function deepLinkFromArgv(argv: readonly string[]): DeepLinkTarget | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) continue
    const target = parseDeepLink(arg)
    if (target) return target
  }
  return null
}
