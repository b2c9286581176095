// A fetch that passes through to the test stack but can be told to break the next answers of one
// RPC (truncate them, replace them, rewrite them) or to act as if the network were gone.
export type Fault =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'truncate' }
  | { kind: 'rewrite'; rewrite: (body: Record<string, unknown>) => unknown }
  | { kind: 'network' }

export interface FaultyFetch {
  fetch: typeof fetch
  /**
   * Breaks the next `times` calls of `rpc` (or every call, with times = Infinity), after letting
   * `after` calls of it through first.
   */
  fail(rpc: string, fault: Fault, times?: number, after?: number): void
  /** No request reaches the server until `online(true)`. */
  online(on: boolean): void
  clear(): void
  /** Calls of each RPC that reached the server. */
  calls: Record<string, number>
  /** Faults injected so far. */
  injected: number
}

export function faultyFetch(): FaultyFetch {
  const faults: { rpc: string; fault: Fault; left: number; skip: number }[] = []
  let up = true
  const calls: Record<string, number> = {}
  const ff: FaultyFetch = {
    calls,
    injected: 0,
    fail(rpc, fault, times = 1, after = 0) {
      faults.push({ rpc, fault, left: times, skip: after })
    },
    online(on) {
      up = on
    },
    clear() {
      faults.length = 0
    },
    fetch: async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      if (!up) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED (simulated)') })
      const rpc = /\/rest\/v1\/rpc\/([a-z_]+)/.exec(url)?.[1]
      let entry = rpc ? faults.find((f) => f.rpc === rpc && f.left > 0) : undefined
      if (entry && entry.skip > 0) {
        entry.skip -= 1
        entry = undefined
      }
      if (!entry) {
        if (rpc) calls[rpc] = (calls[rpc] ?? 0) + 1
        return fetch(input, init)
      }
      entry.left -= 1
      ff.injected += 1
      const f = entry.fault
      if (f.kind === 'network') throw new TypeError('fetch failed', { cause: new Error('socket hang up (simulated)') })
      if (f.kind === 'status') {
        return new Response(JSON.stringify(f.body ?? { code: 'XX000', message: 'simulated failure', details: null, hint: null }), {
          status: f.status,
          headers: { 'content-type': 'application/json' },
        })
      }
      const real = await fetch(input, init)
      const text = await real.text()
      if (f.kind === 'truncate') {
        return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })
      }
      const body = JSON.parse(text) as Record<string, unknown>
      return new Response(JSON.stringify(f.rewrite(body)), { status: 200, headers: { 'content-type': 'application/json' } })
    },
  }
  return ff
}
