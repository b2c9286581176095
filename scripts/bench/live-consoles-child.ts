// A process of light consoles for server_load (server-load-live.ts): each is one Realtime websocket
// joined to its tenant's private topic as its signed-in user, pulling sync_pull once on join (the
// catch-up) and on every poke, at most one pull in flight and pokes during a pull coalesced into one
// more. No replica and no fallback poll: what the server sees of a live console. Reads its plan as
// one JSON line on stdin; writes `{"ready":…}` on stdout once every console has joined (or was
// refused); measures from the parent's `go` line on stdin, so consoles still arriving are warm-up,
// not idle pulls; then writes its figures as one JSON line.
import { createInterface } from 'node:readline'
import WebSocket from 'ws'

export interface ChildConsole {
  tenantId: string
  token: string
  /** Where its replica stands: caught up when the run starts, as a console that reconnects. */
  cursors: Cursors
  /** Its tenant gets decisions; pulls of the others are idle pulls. */
  busy: boolean
}

export interface ChildPlan {
  apiUrl: string
  anonKey: string
  consoles: ChildConsole[]
  /** Milliseconds from `go` until measuring begins (the decisions get going), and how long it lasts. */
  leadMs: number
  measureMs: number
}

export interface ChildReady {
  ready: true
  joined: number
  refused: number
}

export interface ChildFigures {
  latencies: number[]
  pulls: number
  idlePulls: number
  pokes: number
  /** Pokes that reached consoles of tenants without decisions: none if pokes are targeted. */
  idlePokes: number
  /** Catch-up pulls (after a join) among the measured ones. */
  catchUps: number
  errors: number
  errorSamples: string[]
  connected: number
  joined: number
}

export type Cursors = Record<string, Record<string, unknown>>

/** Connections a console tries before its join counts as failed. */
const CONNECT_ATTEMPTS = 5

async function main(): Promise<void> {
  const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  const plan = JSON.parse((await input.next()).value as string) as ChildPlan
  /** Set when `go` arrives: the measured window is [go + lead, go + lead + measure). */
  let go: number | undefined = undefined
  const measuring = () => {
    if (go === undefined) return false
    const t = performance.now() - go
    return t >= plan.leadMs && t < plan.leadMs + plan.measureMs
  }
  let refused = 0
  let readyAnnounced = false
  const announceWhenAllJoined = () => {
    if (readyAnnounced || figures.joined + refused < plan.consoles.length) return
    readyAnnounced = true
    const ready: ChildReady = { ready: true, joined: figures.joined, refused }
    process.stdout.write(`${JSON.stringify(ready)}\n`)
  }
  const figures: ChildFigures = { latencies: [], pulls: 0, idlePulls: 0, pokes: 0, idlePokes: 0, catchUps: 0, errors: 0, errorSamples: [], connected: 0, joined: 0 }
  const fail = (what: string) => {
    figures.errors += 1
    if (figures.errorSamples.length < 5) figures.errorSamples.push(what.slice(0, 120))
  }
  const sockets: WebSocket[] = []

  const run = (c: ChildConsole) => {
    const cursors: Cursors = structuredClone(c.cursors)
    let pulling = false
    let again = false
    const pull = async (): Promise<void> => {
      if (pulling) {
        again = true
        return
      }
      pulling = true
      do {
        again = false
        const t0 = performance.now()
        const counted = measuring()
        try {
          const res = await fetch(`${plan.apiUrl}/rest/v1/rpc/sync_pull`, {
            method: 'POST',
            headers: { apikey: plan.anonKey, authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ p_cursors: cursors, p_limit: 1000 }),
          })
          const body = (await res.json()) as { cursors?: Cursors; has_more?: boolean }
          if (!res.ok || !body.cursors) throw new Error(`pull HTTP ${res.status}`)
          for (const [scope, streams] of Object.entries(body.cursors)) cursors[scope] = { ...(cursors[scope] ?? {}), ...streams }
          if (body.has_more) again = true
          if (counted) {
            figures.latencies.push(performance.now() - t0)
            figures.pulls += 1
            if (!c.busy) figures.idlePulls += 1
          }
        } catch (err) {
          if (counted) fail((err as Error).message)
        }
      } while (again)
      pulling = false
    }

    const url = `${plan.apiUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${plan.anonKey}&vsn=2.0.0`
    const topic = `realtime:tenant:${c.tenantId}`
    const connect = (attempt: number) => {
      const ws = new WebSocket(url)
      sockets.push(ws)
      let ref = 0
      /** The join was answered, or the socket was lost before it was. */
      let settled = false
      let opened = false
      ws.on('open', () => {
        opened = true
        figures.connected += 1
        ws.send(JSON.stringify(['1', String(++ref), topic, 'phx_join', { config: { private: true }, access_token: c.token }]))
        const beat = setInterval(() => ws.send(JSON.stringify([null, String(++ref), 'phoenix', 'heartbeat', {}])), 25_000)
        ws.on('close', () => clearInterval(beat))
      })
      ws.on('message', (data) => {
        const [, , msgTopic, event, payload] = JSON.parse(data.toString()) as [unknown, unknown, string, string, { status?: string }]
        if (event === 'phx_reply' && msgTopic === topic) {
          if (settled) return
          settled = true
          if (payload.status === 'ok') {
            figures.joined += 1
            if (measuring()) figures.catchUps += 1
            void pull()
          } else {
            refused += 1
            fail(`join refused: ${JSON.stringify(payload)}`)
          }
          announceWhenAllJoined()
        } else if (event === 'broadcast' && msgTopic === topic) {
          if (measuring()) {
            figures.pokes += 1
            if (!c.busy) figures.idlePokes += 1
          }
          void pull()
        }
      })
      // A socket lost before its join was answered (reset while a thousand arrive at once) connects
      // again after a moment, as realtime-js does; one that never gets through is an error, and the
      // process is ready without it.
      const lostBeforeJoin = (why: string) => {
        if (settled) return
        settled = true
        // connected counts consoles with an open socket: this one is not (any more).
        if (opened) figures.connected -= 1
        if (attempt < CONNECT_ATTEMPTS) {
          setTimeout(() => connect(attempt + 1), 500 * attempt)
          return
        }
        fail(why)
        refused += 1
        announceWhenAllJoined()
      }
      ws.on('error', (err) => {
        if (settled) fail(`socket: ${err.message}`)
        lostBeforeJoin(`socket: ${err.message}`)
      })
      ws.on('unexpected-response', (_req, res) => lostBeforeJoin(`upgrade refused: HTTP ${res.statusCode}`))
      ws.on('close', () => {
        if (settled && measuring()) fail('socket closed')
        lostBeforeJoin('socket closed before its join was answered')
      })
    }
    connect(1)
  }

  // Arrive over the first seconds rather than all in one instant.
  for (const [i, c] of plan.consoles.entries()) {
    run(c)
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 50))
  }
  // The parent says go once every process is ready (or it stopped waiting for one).
  if ((await input.next()).value !== 'go') throw new Error('bench consoles: expected go')
  go = performance.now()
  await new Promise((r) => setTimeout(r, plan.leadMs + plan.measureMs))
  for (const ws of sockets) ws.terminate()
  process.stdout.write(`${JSON.stringify(figures)}\n`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  process.exit(1)
})
