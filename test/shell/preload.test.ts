// The preload's window.api over a faithful fake IPC: exactly `call` and `on`, listeners get the
// payload and never the IpcRendererEvent, unsubscribing works, and a shell request (navigate,
// command) sent before the page subscribed is handed to its first listener instead of being lost.
import { describe, expect, it } from 'vitest'
import { createEventForwarder } from '../../src/main/ipc'
import { createPreloadApi } from '../../src/preload/bridge'
import { FakeIpc } from './support/fake-ipc'

function setup() {
  const ipc = new FakeIpc()
  const api = createPreloadApi(ipc.renderer())
  const emit = createEventForwarder(() => ipc.webContents)
  const flush = () => new Promise((r) => setTimeout(r, 0))
  return { api, emit, flush }
}

const ID = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b'

describe('preload window.api', () => {
  it('exposes exactly call and on', () => {
    expect(Object.keys(setup().api).sort()).toEqual(['call', 'on'])
  })

  it('hands listeners the payload alone, and stops after unsubscribe', () => {
    const { api, emit } = setup()
    const heard: unknown[][] = []
    const stop = api.on('data.changed', (...args: unknown[]) => heard.push(args))
    emit('data.changed', { tables: ['approvals'] })
    stop()
    emit('data.changed', { tables: ['audit_log'] })
    expect(heard).toEqual([[{ tables: ['approvals'] }]])
  })

  it('keeps a navigate sent before anyone listened for the first listener only', async () => {
    const { api, emit, flush } = setup()
    emit('navigate', { view: 'inbox', approvalId: ID })
    emit('data.changed', { tables: ['approvals'] })
    const first: unknown[] = []
    const second: unknown[] = []
    const changes: unknown[] = []
    api.on('navigate', (p) => first.push(p))
    api.on('data.changed', (p) => changes.push(p))
    await flush()
    api.on('navigate', (p) => second.push(p))
    await flush()
    expect(first).toEqual([{ view: 'inbox', approvalId: ID }])
    expect(second).toEqual([])
    // Ordinary events are not held: a view that subscribes later reads fresh state anyway.
    expect(changes).toEqual([])
  })
})
