// The renderer's refresh chain as a first sync drives it: every `data.changed` of the core leads to
// a re-read of the inbox, bursts are coalesced, and the list ends on what the replica holds after
// the last change — even when the read that followed that last change failed (the core restarted,
// the socket dropped): a list must never stay behind the replica while the status bar says online.
// The real stores and wiring run against a scripted `window.api`, in Node.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

type Listener = (payload: unknown) => void

interface FakeCore {
  /** Pending approvals the replica holds now. */
  count: number
  /** inbox.list calls left to fail, and with what. */
  failNext: { times: number; code: string }
  emit(event: string, payload: unknown): void
}

function installFakeCore(): FakeCore {
  const listeners = new Map<string, Set<Listener>>()
  const core: FakeCore = {
    count: 0,
    failNext: { times: 0, code: 'core_restarted' },
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
  }
  const g = globalThis as Record<string, unknown>
  g.window = {
    addEventListener: () => {},
    api: {
      call: async (method: string, args: { limit?: number; offset?: number }) => {
        // Answers come back later than asked, as they do from a busy core.
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20))
        if (method !== 'inbox.list') return { ok: false, error: { code: 'not_found', message: 'not scripted' } }
        if (core.failNext.times > 0) {
          core.failNext.times--
          return { ok: false, error: { code: core.failNext.code, message: 'scripted failure' } }
        }
        const total = core.count
        const items = []
        for (let i = args.offset ?? 0; i < Math.min(total, (args.offset ?? 0) + (args.limit ?? 0)); i++) items.push({ id: `a-${i}` })
        return { ok: true, value: { items, total } }
      },
      on: (event: string, listener: Listener) => {
        if (!listeners.has(event)) listeners.set(event, new Set())
        listeners.get(event)!.add(listener)
        return () => listeners.get(event)!.delete(listener)
      },
    },
  }
  g.document = { getElementById: () => null, activeElement: null }
  g.requestAnimationFrame = (fn: () => void) => setTimeout(fn, 0)
  return core
}

async function signedInConsole() {
  vi.resetModules()
  const core = installFakeCore()
  const wiring = await import('../../src/renderer/src/app/wiring')
  const inbox = await import('../../src/renderer/src/inbox/inbox-store')
  const stop = wiring.startSignedIn()
  return { core, shown: () => inbox.useInbox.getState().rows.length, stop }
}

/** A first sync: pages land one after another, each followed by data.changed. */
async function firstSync(core: FakeCore, pages: number, rowsPerPage: number) {
  for (let page = 0; page < pages; page++) {
    await new Promise((r) => setTimeout(r, Math.random() * 30))
    core.count += rowsPerPage
    core.emit('data.changed', { tables: ['approvals', 'agents'] })
  }
}

let stop: (() => void) | null = null
beforeEach(() => {
  stop = null
})
afterEach(() => stop?.())

describe('the inbox after a first sync', () => {
  it('shows every row the replica holds after the last change, however the re-reads interleave', async () => {
    const c = await signedInConsole()
    stop = c.stop
    await firstSync(c.core, 20, 5000)
    await vi.waitFor(() => expect(c.shown()).toBe(100_000), { timeout: 10_000 })
  })

  it('catches up when the read after the last change failed, with no further change to prompt it', async () => {
    const c = await signedInConsole()
    stop = c.stop
    await firstSync(c.core, 4, 5000)
    await vi.waitFor(() => expect(c.shown()).toBe(20_000), { timeout: 10_000 })
    // The last page lands and the read it prompts fails (the core was restarted meanwhile).
    c.core.failNext = { times: 1, code: 'core_restarted' }
    c.core.count = 100_000
    c.core.emit('data.changed', { tables: ['approvals'] })
    await vi.waitFor(() => expect(c.shown()).toBe(100_000), { timeout: 10_000 })
  })
})
