// The one way the renderer re-reads on replica changes: re-readers keyed by the tables they read.
// A change to other tables leaves a re-reader alone; a burst (a first sync's pages) becomes one
// re-read handed every table that changed; a change after a re-read started is read again (a list
// never stays behind the replica); a restarted core re-reads everything; a re-reader that left
// (its view closed) never runs again. The registry runs against a scripted `window.api`, in Node.
import { beforeEach, describe, expect, it, vi } from 'vitest'

type Listener = (payload: unknown) => void
const listeners = new Set<Listener>()
const emit = (tables: string[]) => listeners.forEach((l) => l({ tables }))

async function registry() {
  vi.resetModules()
  listeners.clear()
  ;(globalThis as Record<string, unknown>).window = {
    api: {
      call: async () => ({ ok: false, error: { code: 'not_found', message: 'not scripted' } }),
      on: (event: string, listener: Listener) => {
        if (event !== 'data.changed') return () => {}
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    },
  }
  return import('../../src/renderer/src/state/replica-changes')
}

/** A re-reader that records the tables it was handed on each run. */
function recorder() {
  const runs: string[][] = []
  return { runs, reread: (changed: ReadonlySet<string>) => runs.push([...changed].sort()) }
}

let r: Awaited<ReturnType<typeof registry>>
beforeEach(async () => {
  r = await registry()
})

describe('re-reading on replica changes', () => {
  it('re-reads only on changes to the tables read, once for a burst, with every table that changed', async () => {
    const audit = recorder()
    const anything = recorder()
    r.onReplicaChange(new Set(['audit_log', 'profiles']), audit.reread, 0)
    r.onReplicaChange('any', anything.reread, 0)
    emit(['approvals'])
    emit(['audit_log'])
    emit(['pending_mutations', 'profiles'])
    await vi.waitFor(() => expect(audit.runs).toEqual([['audit_log', 'profiles']]))
    await vi.waitFor(() => expect(anything.runs).toEqual([['approvals', 'audit_log', 'pending_mutations', 'profiles']]))

    emit(['approvals'])
    await vi.waitFor(() => expect(anything.runs).toHaveLength(2))
    expect(anything.runs[1]).toEqual(['approvals'])
    expect(audit.runs).toHaveLength(1)
  })

  it('reads again after a change that came while the window was still open', async () => {
    const list = recorder()
    r.onReplicaChange(new Set(['approvals']), list.reread, 50)
    emit(['approvals'])
    await vi.waitFor(() => expect(list.runs).toHaveLength(1))
    // Pages keep landing: each is read, at the latest once the window has passed.
    emit(['approvals'])
    emit(['approvals'])
    await vi.waitFor(() => expect(list.runs).toHaveLength(2))
  })

  it('waits the window in force when a change comes (a window can follow state: longer during a first sync)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    try {
      const counts = recorder()
      let windowMs = 1000
      r.onReplicaChange('any', counts.reread, () => windowMs)
      emit(['approvals'])
      await vi.advanceTimersByTimeAsync(0)
      expect(counts.runs).toHaveLength(1)
      emit(['approvals'])
      await vi.advanceTimersByTimeAsync(999)
      expect(counts.runs).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(counts.runs).toHaveLength(2)
      // The first sync is over: the shorter window from the next change on.
      windowMs = 100
      emit(['approvals'])
      await vi.advanceTimersByTimeAsync(100)
      expect(counts.runs).toHaveLength(3)
    } finally {
      vi.useRealTimers()
    }
  })

  it('re-reads everything, keyed or not, when the core says a change may have had no event', async () => {
    const audit = recorder()
    const anything = recorder()
    r.onReplicaChange(new Set(['audit_log']), audit.reread, 0)
    r.onReplicaChange('any', anything.reread, 0)
    r.rereadEverything()
    await vi.waitFor(() => expect(audit.runs).toEqual([[r.EVERY_TABLE]]))
    await vi.waitFor(() => expect(anything.runs).toEqual([[r.EVERY_TABLE]]))
  })

  it('never runs a re-reader that left, and stops listening once none is left', async () => {
    const gone = recorder()
    const stays = recorder()
    const leave = r.onReplicaChange('any', gone.reread, 0)
    const leaveToo = r.onReplicaChange('any', stays.reread, 0)
    expect(listeners.size).toBe(1)
    emit(['approvals'])
    leave()
    await vi.waitFor(() => expect(stays.runs).toHaveLength(1))
    expect(gone.runs).toEqual([])
    leaveToo()
    expect(listeners.size).toBe(0)
  })
})
