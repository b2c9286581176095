// The status bar says when the lists on screen are the last view saved at the previous run (a
// relaunch shows them while the replica opens), and stops saying it once every answer is live.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../src/shared/contract'
import { StatusBarView } from '../../src/renderer/src/statusbar/StatusBar'

const status = (replica: SyncStatus['replica']): SyncStatus => ({
  state: 'online',
  workOffline: false,
  lastPullAt: new Date().toISOString(),
  queueDepth: 2,
  oldestQueuedAt: null,
  initialSync: null,
  lastError: null,
  updates: 'live',
  replica,
})

describe('the status bar after a relaunch', () => {
  it('says the last view is shown while the replica opens, and nothing once it is open', () => {
    const opening = renderToStaticMarkup(createElement(StatusBarView, { status: status('opening'), now: Date.now() }))
    expect(opening).toContain('data-testid="replica-opening"')
    expect(opening).toContain('showing your last view')
    // What the saved status carries is shown meanwhile, not a blank bar.
    expect(opening).toContain('Queue 2')

    const open = renderToStaticMarkup(createElement(StatusBarView, { status: status('open'), now: Date.now() }))
    expect(open).not.toContain('replica-opening')
    expect(open).toContain('Queue 2')
  })
})
