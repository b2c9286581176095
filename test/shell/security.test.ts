// The URL guards that keep the window on our pages and hand only allow-listed https links to the
// OS browser, checked with URLs built to fool `startsWith` / `includes` checks; and the Electron
// handlers wired with them, driven through fake WebContents / Session objects.
import { describe, expect, it } from 'vitest'
import type { Session, WebContents } from 'electron'
import { createSenderGuard, createUrlPolicy, denyAllPermissions, hardenContents, isAppUrl, type SenderFrame } from '../../src/main/security'

const policy = createUrlPolicy({ externalHosts: ['github.com', 'supabase.com'] })
const devPolicy = createUrlPolicy({ devServerOrigin: 'http://localhost:5173', externalHosts: ['github.com'] })

describe('external links: https on an exact allow-listed host only', () => {
  it.each([
    'https://github.com/',
    'https://github.com/operator-console/issues?q=1#top',
    'https://supabase.com/docs',
    // URL normalises scheme and host case; this really is github.com.
    'HTTPS://GitHub.COM/x',
  ])('opens %s', (url) => {
    expect(policy.isAllowedExternal(url)).toBe(true)
  })

  it.each([
    ['userinfo: the host is evil.com', 'https://github.com@evil.com/'],
    ['userinfo with a port-looking part', 'https://github.com:443@evil.com/'],
    ['encoded slash in userinfo', 'https://github.com%2f@evil.com/'],
    ['credentials on the good host', 'https://user:pass@github.com/'],
    ['suffix domain', 'https://github.com.evil.com/'],
    ['prefix domain', 'https://evilgithub.com/'],
    ['subdomain not on the list', 'https://gist.github.com/'],
    ['good host in the path', 'https://evil.com/github.com'],
    ['good host in the query', 'https://evil.com/?https://github.com'],
    ['good host in the fragment', 'https://evil.com/#github.com'],
    ['backslash turns into a path separator', 'https://evil.com\\@github.com/'],
    ['trailing dot host', 'https://github.com./'],
    ['mixed case suffix domain', 'https://GitHub.com.Evil.com/'],
    ['IDN lookalike (Cyrillic і)', 'https://gіthub.com/'],
    ['IDN lookalike (fullwidth letters normalise elsewhere)', 'https://ｇｉｔｈｕｂ.ｃｏｍ.evil.com/'],
    ['plain http', 'http://github.com/'],
    ['explicit non-default port', 'https://github.com:8443/'],
    ['javascript:', 'javascript:alert(document.domain)//https://github.com'],
    ['javascript: with case and whitespace', ' JaVaScRiPt:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['protocol-relative', '//github.com/'],
    ['our own scheme', 'app://console/index.html'],
    ['not a URL', 'github.com'],
    ['empty', ''],
    ['absurdly long', `https://github.com/${'a'.repeat(5000)}`],
  ])('refuses %s', (_why, url) => {
    expect(policy.isAllowedExternal(url)).toBe(false)
    expect(policy.externalUrl(url)).toBeNull()
  })

  it('hands the OS the normalised URL, not the raw string', () => {
    expect(policy.externalUrl('  https://GitHub.com/a b')).toBe('https://github.com/a%20b')
  })

  it('an IDN allow-list entry matches its punycode form only', () => {
    const idn = createUrlPolicy({ externalHosts: ['bücher.example'] })
    expect(idn.isAllowedExternal('https://xn--bcher-kva.example/')).toBe(true)
    expect(idn.isAllowedExternal('https://bucher.example/')).toBe(false)
  })
})

describe('navigation: only our own pages', () => {
  it.each(['app://console/', 'app://console/index.html', 'app://console/index.html#/queue', 'APP://console/index.html'])(
    'allows %s',
    (url) => {
      expect(policy.isAllowedNavigation(url)).toBe(true)
    },
  )

  it.each([
    'app://console@evil/',
    // Chromium lowercases a standard scheme's host before Electron reports it; a host that is
    // not canonical did not come from Chromium and is refused rather than guessed at.
    'app://CONSOLE/index.html',
    'app://evil/',
    'app://console.evil/',
    'app://evil/app://console/',
    'https://github.com/',
    'http://localhost:5173/',
    'file:///work/main/out/renderer/index.html',
    'javascript:alert(1)',
    'about:blank',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
  ])('refuses %s', (url) => {
    expect(policy.isAllowedNavigation(url)).toBe(false)
  })

  it('allows the dev server origin only when configured, and only exactly', () => {
    expect(devPolicy.isAllowedNavigation('http://localhost:5173/src/main.tsx')).toBe(true)
    expect(devPolicy.isAllowedNavigation('http://localhost:5174/')).toBe(false)
    expect(devPolicy.isAllowedNavigation('http://localhost:5173@evil.com/')).toBe(false)
    expect(devPolicy.isAllowedNavigation('http://localhost.evil.com:5173/')).toBe(false)
    expect(devPolicy.isAllowedNavigation('https://localhost:5173/')).toBe(false)
  })

  it('isAppUrl refuses credentials and other hosts', () => {
    expect(isAppUrl('app://console/x')).toBe(true)
    expect(isAppUrl('app://user@console/x')).toBe(false)
    expect(isAppUrl(42)).toBe(false)
  })
})

describe('IPC sender guard', () => {
  const top: SenderFrame = { url: 'app://console/index.html', parent: null, processId: 4, routingId: 1 }
  const guard = createSenderGuard(() => top, policy)

  it('accepts the main window top frame on our origin', () => {
    expect(guard(top)).toBe(true)
    // A fresh wrapper object for the same frame is the same sender.
    expect(guard({ ...top })).toBe(true)
  })

  it.each([
    ['no frame (destroyed or navigated)', null],
    ['an iframe inside the window', { url: 'app://console/index.html', parent: top, processId: 4, routingId: 7 }],
    ['another window', { url: 'app://console/index.html', parent: null, processId: 9, routingId: 1 }],
    ['the main frame after navigating away', { ...top, url: 'https://evil.com/' }],
    ['a look-alike origin', { ...top, url: 'app://console@evil/' }],
  ])('refuses %s', (_why, frame) => {
    expect(guard(frame as SenderFrame | null)).toBe(false)
  })

  it('refuses everything while there is no main window', () => {
    expect(createSenderGuard(() => null, policy)(top)).toBe(false)
  })
})

type Handler = (...args: unknown[]) => unknown

function fakeContents() {
  const handlers = new Map<string, Handler>()
  let openHandler: Handler | undefined
  const contents = {
    on(event: string, handler: Handler) {
      handlers.set(event, handler)
      return contents
    },
    setWindowOpenHandler(handler: Handler) {
      openHandler = handler
    },
  }
  const fire = (event: string, ...args: unknown[]) => {
    let prevented = false
    const e = { preventDefault: () => (prevented = true), url: args[0] }
    handlers.get(event)?.(e, ...args)
    return prevented
  }
  return { contents: contents as unknown as WebContents, fire, open: (url: string) => openHandler?.({ url }) }
}

describe('hardened WebContents', () => {
  it('blocks navigation, redirects and frame navigation off our pages', () => {
    const { contents, fire } = fakeContents()
    hardenContents(contents, policy, () => {})
    expect(fire('will-navigate', 'https://github.com@evil.com/')).toBe(true)
    expect(fire('will-redirect', 'https://evil.com/')).toBe(true)
    expect(fire('will-frame-navigate', 'file:///etc/passwd')).toBe(true)
    expect(fire('will-navigate', 'app://console/index.html')).toBe(false)
  })

  it('a plain link to an allow-listed https page opens in the browser; anything else goes nowhere', () => {
    const { contents, fire } = fakeContents()
    const opened: string[] = []
    hardenContents(contents, policy, (url) => opened.push(url))
    for (const url of ['https://github.com/docs', 'https://github.com@evil.com/', 'http://github.com/', 'file:///etc/passwd']) {
      expect(fire('will-navigate', url)).toBe(true)
    }
    expect(opened).toEqual(['https://github.com/docs'])
  })

  it('never attaches a webview', () => {
    const { contents, fire } = fakeContents()
    hardenContents(contents, policy, () => {})
    expect(fire('will-attach-webview')).toBe(true)
  })

  it('denies every new window; allow-listed https links go to the OS browser instead', () => {
    const { contents, open } = fakeContents()
    const opened: string[] = []
    hardenContents(contents, policy, (url) => opened.push(url))
    for (const url of ['https://github.com/x', 'https://github.com.evil.com/', 'javascript:alert(1)', 'app://console/']) {
      expect(open(url)).toEqual({ action: 'deny' })
    }
    expect(opened).toEqual(['https://github.com/x'])
  })

  it('denies every permission request and check', () => {
    let request: Handler | undefined
    let check: Handler | undefined
    let device: Handler | undefined
    const session = {
      setPermissionRequestHandler: (h: Handler) => (request = h),
      setPermissionCheckHandler: (h: Handler) => (check = h),
      setDevicePermissionHandler: (h: Handler) => (device = h),
    } as unknown as Session
    denyAllPermissions(session)
    const answers: boolean[] = []
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      request?.(null, permission, (granted: boolean) => answers.push(granted))
    }
    expect(answers).toEqual([false, false, false, false, false])
    expect(check?.(null, 'media')).toBe(false)
    expect(device?.({ deviceType: 'usb' })).toBe(false)
  })
})
