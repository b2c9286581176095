// The Electron session's download guard, driven through a fake Session: the console's own CSV
// exports (a blob: URL made by our page) go through the save dialog with a CSV filter; a download
// from anywhere else is cancelled.
import { describe, expect, it } from 'vitest'
import type { Session } from 'electron'
import { createUrlPolicy, guardDownloads, isOwnBlobUrl } from '../../src/main/security'

const policy = createUrlPolicy({ externalHosts: ['github.com'] })
const devPolicy = createUrlPolicy({ devServerOrigin: 'http://localhost:5173' })

type Listener = (event: { preventDefault(): void }, item: unknown) => void

function fakeSession() {
  let listener: Listener | undefined
  const session = {
    on(event: string, l: Listener) {
      if (event === 'will-download') listener = l
      return session
    },
  }
  const download = (url: string, filename: string) => {
    let cancelled = false
    let dialog: unknown = null
    listener?.(
      { preventDefault: () => (cancelled = true) },
      { getURL: () => url, getFilename: () => filename, setSaveDialogOptions: (o: unknown) => (dialog = o) },
    )
    return { cancelled, dialog }
  }
  return { session: session as unknown as Session, download }
}

describe('downloads', () => {
  it.each([
    ['our page', 'blob:app://console/3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b', policy, true],
    ['the dev server in development', 'blob:http://localhost:5173/3f2b8c1e', devPolicy, true],
    ['the dev server origin in a packaged app', 'blob:http://localhost:5173/3f2b8c1e', policy, false],
    ['another origin', 'blob:https://evil.example/3f2b8c1e', policy, false],
    ['a look-alike host', 'blob:app://console.evil/3f2b8c1e', policy, false],
    ['credentials in the inner URL', 'blob:app://console@evil/3f2b8c1e', policy, false],
    ['a plain https file', 'https://github.com/x.csv', policy, false],
    ['a data: URL', 'data:text/csv,a,b', policy, false],
  ])('a blob from %s is ours: %s', (_why, url, p, ours) => {
    expect(isOwnBlobUrl(url, p)).toBe(ours)
  })

  it('lets the console save its own CSV through the save dialog, filtered to CSV', () => {
    const { session, download } = fakeSession()
    guardDownloads(session, policy)
    const saved = download('blob:app://console/3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b', 'my-decisions-2026-11-21.csv')
    expect(saved.cancelled).toBe(false)
    expect(saved.dialog).toMatchObject({ filters: [{ extensions: ['csv'] }] })
  })

  it('cancels any other download', () => {
    const { session, download } = fakeSession()
    guardDownloads(session, policy)
    expect(download('https://github.com/release.zip', 'release.zip').cancelled).toBe(true)
    expect(download('blob:https://evil.example/1', 'x.csv').cancelled).toBe(true)
  })
})
