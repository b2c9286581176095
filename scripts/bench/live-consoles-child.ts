// A process of light consoles for server_load (server-load-live.ts): each is one Realtime websocket
// joined to its tenant's private topic as its signed-in user, pulling sync_pull once on join (the
// catch-up) and on every poke, at most one pull in flight and pokes during a pull coalesced into one
// more. No replica and no fallback poll: what the server sees of a live console. Reads its plan as
// one JSON line on stdin, writes its figures as one JSON line on stdout.
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
  /** performance.timeOrigin-free: milliseconds from the child's start until measuring begins, and ends. */
  measureFromMs: number
  measureUntilMs: number
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

async function main(): Promise<void> {
  const line = await new Promise<string>((resolve) => createInterface({ input: process.stdin }).once('line', resolve))
  const plan = JSON.parse(line) as ChildPlan
  const start = performance.now()
  const measuring = () => {
    const t = performance.now() - start
    return t >= plan.measureFromMs && t < plan.measureUntilMs
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
    const ws = new WebSocket(url)
    sockets.push(ws)
    const topic = `realtime:tenant:${c.tenantId}`
    let ref = 0
    ws.on('open', () => {
      figures.connected += 1
      ws.send(JSON.stringify(['1', String(++ref), topic, 'phx_join', { config: { private: true }, access_token: c.token }]))
      const beat = setInterval(() => ws.send(JSON.stringify([null, String(++ref), 'phoenix', 'heartbeat', {}])), 25_000)
      ws.on('close', () => clearInterval(beat))
    })
    ws.on('message', (data) => {
      const [, , msgTopic, event, payload] = JSON.parse(data.toString()) as [unknown, unknown, string, string, { status?: string }]
      if (event === 'phx_reply' && msgTopic === topic) {
        if (payload.status === 'ok') {
          figures.joined += 1
          if (measuring()) figures.catchUps += 1
          void pull()
        } else fail(`join refused: ${JSON.stringify(payload)}`)
      } else if (event === 'broadcast' && msgTopic === topic) {
        if (measuring()) {
          figures.pokes += 1
          if (!c.busy) figures.idlePokes += 1
        }
        void pull()
      }
    })
    ws.on('error', (err) => fail(`socket: ${err.message}`))
    ws.on('unexpected-response', (_req, res) => fail(`upgrade refused: HTTP ${res.statusCode}`))
    ws.on('close', () => {
      if (measuring()) fail('socket closed')
    })
  }

  // Arrive over the first seconds rather than all in one instant.
  for (const [i, c] of plan.consoles.entries()) {
    run(c)
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 50))
  }
  await new Promise((r) => setTimeout(r, Math.max(0, plan.measureUntilMs - (performance.now() - start))))
  for (const ws of sockets) ws.terminate()
  process.stdout.write(`${JSON.stringify(figures)}\n`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  process.exit(1)
})
