// The inbox list loads the rows around what is on screen page by page, while a first sync keeps
// adding requests that sort among them. A page read after the list changed in the replica must never
// be stitched onto rows read before it: the same request would then sit at two places in the list
// (and, keyed by id, leave rows on screen that React no longer updates: the "stale inbox" of
// inbox-scale, whose first row kept an old total while the store had 99,980), and others would
// never be shown. The real store runs against a scripted `window.api`, in Node.
import { describe, expect, it, vi } from 'vitest'

interface FakeReplica {
  /** The inbox's order as the replica holds it now. */
  ids: string[]
  /** Pages asked for, as offsets. */
  asked: number[]
}

function installFakeCore(): FakeReplica {
  const replica: FakeReplica = { ids: [], asked: [] }
  ;(globalThis as Record<string, unknown>).window = {
    addEventListener: () => {},
    api: {
      call: async (method: string, args: { limit: number; offset: number }) => {
        await new Promise((r) => setTimeout(r, 1))
        if (method !== 'inbox.list') return { ok: false, error: { code: 'not_found', message: 'not scripted' } }
        replica.asked.push(args.offset)
        const items = replica.ids.slice(args.offset, args.offset + args.limit).map((id) => ({ id }))
        return { ok: true, value: { items, total: replica.ids.length } }
      },
      on: () => () => {},
    },
  }
  return replica
}

const named = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`)

async function inboxOver(ids: string[]) {
  vi.resetModules()
  const replica = installFakeCore()
  replica.ids = ids
  const inbox = await import('../../src/renderer/src/inbox/inbox-store')
  inbox.refreshInbox()
  await vi.waitFor(() => expect(inbox.useInbox.getState().rows.length).toBe(ids.length))
  const loaded = () => inbox.useInbox.getState().rows.map((r, i) => [i, r?.id] as const).filter(([, id]) => id !== undefined)
  // Every state the list passes through, not just the last: a row on screen twice for one render is enough.
  const twiceEver = new Set<string>()
  inbox.useInbox.subscribe((s) => {
    for (const id of duplicates(s.rows.map((r, i) => [i, r?.id] as const).filter(([, id]) => id !== undefined))) twiceEver.add(id)
  })
  const idle = () => {
    const d = inbox.inboxDiagnostics()
    return !d.refreshRunning && !d.refreshWanted && d.pagesLoading.length === 0
  }
  return { replica, inbox, loaded, idle, twiceEver }
}

function duplicates(loaded: (readonly [number, string | undefined])[]): string[] {
  const seen = new Set<string>()
  const twice: string[] = []
  for (const [, id] of loaded) {
    if (seen.has(id!)) twice.push(id!)
    seen.add(id!)
  }
  return twice
}

describe('inbox pages read while the replica changes', () => {
  it('never holds a request twice when requests were added before the page the list scrolls to', async () => {
    const { replica, inbox, loaded, idle, twiceEver } = await inboxOver(named('old', 1000))
    // The sync brings 50 requests that sort first; its data.changed has not reached the list yet
    // when the reviewer scrolls to rows the list has not loaded.
    replica.ids = [...named('new', 50), ...replica.ids]
    inbox.ensureRange(150, 180)
    await vi.waitFor(() => expect(replica.asked).toContain(100))
    await vi.waitFor(() => expect(idle()).toBe(true))
    expect([...twiceEver]).toEqual([])
    // Whatever is loaded is where the replica has it now.
    for (const [i, id] of loaded()) expect(id).toBe(replica.ids[i])
  })

  it('never holds a request twice when as many were added before the page as left after it', async () => {
    const { replica, inbox, loaded, idle, twiceEver } = await inboxOver(named('old', 1000))
    // Same total, shifted rows: one request sorts first now, the last one left (decided elsewhere).
    replica.ids = ['new-00000', ...replica.ids.slice(0, -1)]
    inbox.ensureRange(150, 180)
    await vi.waitFor(() => expect(replica.asked).toContain(100))
    await vi.waitFor(() => expect(idle()).toBe(true))
    expect([...twiceEver]).toEqual([])
    for (const [i, id] of loaded()) expect(id).toBe(replica.ids[i])
  })
})
