// The local stack's Realtime: `/realtime/v1/websocket` as supabase-js (realtime-js) speaks it —
// heartbeats on `phoenix`, private channel joins authorised by RLS on realtime.messages (see
// authorize.ts), access-token refresh on a joined channel, and delivery of the broadcasts the
// database sends with realtime.send(). Not a general Realtime: no presence, no Postgres Changes, no
// client-sent broadcasts, private channels only (the console and agents use nothing else).
//
// Delivery is LISTEN/NOTIFY: the shim's realtime.send() notifies the message id, which PostgreSQL
// delivers at commit, in commit order, and never for a rolled-back transaction — what hosted
// Realtime gets from logical replication of realtime.messages, with no polling load on the
// database and no poll delay. If the listening connection drops, every socket is closed: clients
// reconnect and pull to catch up, so nothing sent meanwhile is missed.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import pg from 'pg'
import { WebSocketServer, type WebSocket } from 'ws'
import { verifyJwt } from '../jwt'
import { isDatabaseError } from '../postgrest-errors'
import { mayRead } from './authorize'
import { decode, encode, reply, TOPIC_PREFIX, type PhxMessage, type Vsn } from './protocol'

export interface RealtimeOptions {
  /** A privileged connection string: the join check inserts a probe message before taking the user's role. */
  adminUrl: string
  jwtSecret: string
  /** The anon and service_role keys: the `apikey` a socket must present. */
  validKeys: Set<string>
  log?: (line: string) => void
}

export interface RealtimeServer {
  /** For the gateway's `upgrade` event; answers only `/realtime/v1/websocket`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  close(): Promise<void>
}

const PATH = '/realtime/v1/websocket'
const CHANNEL = 'realtime_broadcast'
const API_ROLES = new Set(['anon', 'authenticated', 'service_role'])
/** Phoenix drops a socket that has sent nothing (not even a heartbeat) for this long. */
const SOCKET_TIMEOUT_MS = 60_000
/** Broadcasts are delivered at commit; past this they only fill the table. */
const KEEP_MESSAGES = '10 minutes'
const CLOCK_SKEW_SECONDS = 30

interface Channel {
  conn: Connection
  wireTopic: string
  topic: string
  joinRef: string | null
  expiry: NodeJS.Timeout | null
}

interface Connection {
  ws: WebSocket
  vsn: Vsn
  apiKey: string
  headers: Record<string, unknown>
  channels: Map<string, Channel>
  lastSeen: number
}

export async function startRealtime(o: RealtimeOptions): Promise<RealtimeServer> {
  const adminPool = new pg.Pool({ connectionString: o.adminUrl, max: 8, idleTimeoutMillis: 30_000 })
  adminPool.on('error', (err) => o.log?.(`realtime pool: ${err.message}`))
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  const connections = new Set<Connection>()
  /** Joined channels by topic (without the wire prefix). */
  const byTopic = new Map<string, Set<Channel>>()
  let listener: pg.Client | null = null
  let closing = false
  let reconnect: NodeJS.Timeout | null = null
  let deliveries: Promise<void> = Promise.resolve()

  function send(conn: Connection, m: PhxMessage): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(encode(conn.vsn, m))
  }

  function leave(ch: Channel): void {
    if (ch.expiry) clearTimeout(ch.expiry)
    ch.conn.channels.delete(ch.wireTopic)
    const set = byTopic.get(ch.topic)
    set?.delete(ch)
    if (set?.size === 0) byTopic.delete(ch.topic)
  }

  /** Ends a joined channel from the server side, saying why (Supabase's `system` error, then phx_close). */
  function shutChannel(ch: Channel, message: string): void {
    leave(ch)
    send(ch.conn, {
      joinRef: ch.joinRef,
      ref: null,
      topic: ch.wireTopic,
      event: 'system',
      payload: { status: 'error', extension: 'system', message, channel: ch.topic },
    })
    send(ch.conn, { joinRef: ch.joinRef, ref: null, topic: ch.wireTopic, event: 'phx_close', payload: {} })
  }

  type Checked = { ok: true; role: string; claims: Record<string, unknown>; exp: number | null } | { ok: false; reason: string }

  async function checkToken(token: string): Promise<Checked> {
    const verified = await verifyJwt(o.jwtSecret, token)
    if (!verified.ok) {
      if (verified.reason === 'expired') return { ok: false, reason: 'InvalidJWTToken: Token has expired' }
      return { ok: false, reason: `InvalidJWTToken: ${verified.message}` }
    }
    const role = verified.claims.role
    if (typeof role !== 'string' || !API_ROLES.has(role)) {
      return { ok: false, reason: 'InvalidJWTToken: Fields `role` and `exp` are required in JWT' }
    }
    return { ok: true, role, claims: verified.claims, exp: typeof verified.claims.exp === 'number' ? verified.claims.exp : null }
  }

  /** The token's and RLS's verdict on reading `topic`: null when allowed, else the refusal's reason. */
  async function refusal(conn: Connection, topic: string, token: Checked): Promise<string | null> {
    if (!token.ok) return token.reason
    try {
      const allowed = await mayRead(adminPool, topic, { role: token.role, claims: token.claims, headers: conn.headers })
      return allowed ? null : `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`
    } catch (err) {
      if (isDatabaseError(err)) return `RlsPolicyError: ${err.message}`
      return `UnableToSetPolicies: ${(err as Error).message}`
    }
  }

  /** The channel closes when its token expires unless a fresher one arrives first. */
  function watchExpiry(ch: Channel, exp: number | null): void {
    if (ch.expiry) clearTimeout(ch.expiry)
    ch.expiry = null
    if (exp === null) return
    const ms = (exp + CLOCK_SKEW_SECONDS) * 1000 - Date.now()
    ch.expiry = setTimeout(() => shutChannel(ch, 'Token has expired'), Math.max(0, ms))
    ch.expiry.unref()
  }

  async function onJoin(conn: Connection, m: PhxMessage): Promise<void> {
    const payload = (m.payload ?? {}) as { config?: { private?: unknown; postgres_changes?: unknown }; access_token?: unknown }
    const topic = m.topic.slice(TOPIC_PREFIX.length)
    if (payload.config?.private !== true) {
      return send(conn, reply(m, 'error', { reason: 'PrivateOnly: This project only allows private channels' }))
    }
    if (Array.isArray(payload.config.postgres_changes) && payload.config.postgres_changes.length > 0) {
      return send(conn, reply(m, 'error', { reason: 'Postgres Changes are not served by the local stack; use Broadcast' }))
    }
    const token = typeof payload.access_token === 'string' ? payload.access_token : conn.apiKey
    const checked = await checkToken(token)
    const refused = await refusal(conn, topic, checked)
    if (refused !== null || !checked.ok) {
      return send(conn, reply(m, 'error', { reason: refused ?? 'Unauthorized' }))
    }
    const old = conn.channels.get(m.topic)
    if (old) leave(old)
    const ch: Channel = { conn, wireTopic: m.topic, topic, joinRef: m.joinRef, expiry: null }
    conn.channels.set(m.topic, ch)
    let set = byTopic.get(topic)
    if (!set) byTopic.set(topic, (set = new Set()))
    set.add(ch)
    watchExpiry(ch, checked.exp)
    send(conn, reply(m, 'ok', { postgres_changes: [] }))
  }

  /** A refreshed token must still be valid and still pass the topic's policy (membership may have ended). */
  async function onAccessToken(ch: Channel, m: PhxMessage): Promise<void> {
    const token = (m.payload as { access_token?: unknown } | null)?.access_token
    if (typeof token !== 'string') return
    const checked = await checkToken(token)
    const refused = await refusal(ch.conn, ch.topic, checked)
    if (ch.conn.channels.get(ch.wireTopic) !== ch) return // left meanwhile
    if (refused !== null || !checked.ok) return shutChannel(ch, refused ?? 'Unauthorized')
    watchExpiry(ch, checked.exp)
  }

  async function onMessage(conn: Connection, m: PhxMessage): Promise<void> {
    if (m.topic === 'phoenix') {
      if (m.event === 'heartbeat') send(conn, reply(m, 'ok', {}))
      return
    }
    if (m.event === 'phx_join') {
      if (!m.topic.startsWith(TOPIC_PREFIX)) return send(conn, reply(m, 'error', { reason: 'unmatched topic' }))
      return onJoin(conn, m)
    }
    const ch = conn.channels.get(m.topic)
    if (!ch) return send(conn, reply(m, 'error', { reason: 'unmatched topic' }))
    if (m.event === 'phx_leave') {
      leave(ch)
      send(conn, reply(m, 'ok', {}))
      send(conn, { joinRef: ch.joinRef, ref: null, topic: m.topic, event: 'phx_close', payload: {} })
      return
    }
    if (m.event === 'access_token') return onAccessToken(ch, m)
    send(conn, reply(m, 'error', { reason: `${m.event} is not served by the local stack` }))
  }

  function accept(req: IncomingMessage, ws: WebSocket, vsn: Vsn, apiKey: string): void {
    const conn: Connection = { ws, vsn, apiKey, headers: { ...req.headers }, channels: new Map(), lastSeen: Date.now() }
    connections.add(conn)
    // A socket's messages are handled in order: a join and the token refresh behind it never race.
    let queue: Promise<void> = Promise.resolve()
    ws.on('message', (data, isBinary) => {
      conn.lastSeen = Date.now()
      if (isBinary) return
      const m = decode(vsn, data.toString())
      if (!m) return
      queue = queue
        .then(() => onMessage(conn, m))
        .catch((err: unknown) => o.log?.(`realtime: ${m.event} on ${m.topic}: ${(err as Error).message}`))
    })
    ws.on('close', () => {
      connections.delete(conn)
      for (const ch of [...conn.channels.values()]) leave(ch)
    })
    ws.on('error', () => ws.terminate())
  }

  function refuseUpgrade(socket: Duplex, status: number, text: string, message: string): void {
    const body = JSON.stringify({ message })
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== PATH && url.pathname !== `${PATH}/`) {
      return refuseUpgrade(socket, 404, 'Not Found', 'no Route matched with those values')
    }
    const headerKey = req.headers.apikey
    const apiKey = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? url.searchParams.get('apikey')
    if (!apiKey) return refuseUpgrade(socket, 401, 'Unauthorized', 'No API key found in request')
    if (!o.validKeys.has(apiKey)) return refuseUpgrade(socket, 401, 'Unauthorized', 'Invalid API key')
    // Without the database's notifications nothing would be delivered: refuse rather than accept a deaf socket.
    if (!listener || closing) return refuseUpgrade(socket, 503, 'Service Unavailable', 'Realtime is reconnecting to the database')
    const vsn: Vsn = url.searchParams.get('vsn') === '1.0.0' ? '1.0.0' : '2.0.0'
    wss.handleUpgrade(req, socket, head, (ws) => accept(req, ws, vsn, apiKey))
  }

  interface Message {
    id: string
    topic: string
    event: string | null
    payload: unknown
    private: boolean | null
  }

  /** A notification carries the message itself (see realtime.send in the shim), or only its id. */
  async function deliver(notified: string): Promise<void> {
    if (notified.startsWith('{')) return fanOut(JSON.parse(notified) as Message)
    const { rows } = await adminPool.query<Message>(
      `select id, topic, event, payload, private from realtime.messages where id = $1 and extension = 'broadcast'`,
      [notified],
    )
    if (rows[0]) fanOut(rows[0])
  }

  function fanOut(msg: Message): void {
    const id = msg.id
    // Private channels receive private messages only (the only channels served here).
    if (!msg.private) return
    const channels = byTopic.get(msg.topic)
    if (!channels) return
    const wireTopic = TOPIC_PREFIX + msg.topic
    const payload = { type: 'broadcast', event: msg.event, payload: msg.payload, meta: { id } }
    const frames: Partial<Record<Vsn, string>> = {}
    for (const ch of channels) {
      const { ws, vsn } = ch.conn
      if (ws.readyState !== ws.OPEN) continue
      ws.send((frames[vsn] ??= encode(vsn, { joinRef: null, ref: null, topic: wireTopic, event: 'broadcast', payload })))
    }
  }

  function dropEveryone(): void {
    for (const conn of connections) conn.ws.terminate()
  }

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: o.adminUrl })
    const lost = (err?: Error) => {
      if (listener !== client) return
      listener = null
      client.end().catch(() => {})
      if (closing) return
      o.log?.(`realtime: lost the database's notifications (${err?.message ?? 'closed'}); reconnecting`)
      dropEveryone()
      relisten()
    }
    client.on('error', lost)
    client.on('end', () => lost())
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return
      const notified = n.payload
      deliveries = deliveries
        .then(() => deliver(notified))
        .catch((err: unknown) => o.log?.(`realtime: delivery of ${notified.slice(0, 80)}: ${(err as Error).message}`))
    })
    try {
      await client.connect()
      await client.query(`listen ${CHANNEL}`)
    } catch (err) {
      await client.end().catch(() => {})
      throw err
    }
    listener = client
  }

  function relisten(): void {
    reconnect = setTimeout(() => {
      listen().catch((err: Error) => {
        o.log?.(`realtime: cannot listen yet: ${err.message}`)
        if (!closing) relisten()
      })
    }, 1_000)
  }

  const sweep = setInterval(() => {
    const stale = Date.now() - SOCKET_TIMEOUT_MS
    for (const conn of connections) if (conn.lastSeen < stale) conn.ws.terminate()
    adminPool
      .query(`delete from realtime.messages where inserted_at < now() - interval '${KEEP_MESSAGES}'`)
      .catch((err: Error) => o.log?.(`realtime: pruning messages: ${err.message}`))
  }, 30_000)
  sweep.unref()

  await listen()

  async function close(): Promise<void> {
    closing = true
    clearInterval(sweep)
    if (reconnect) clearTimeout(reconnect)
    for (const conn of connections) {
      for (const ch of conn.channels.values()) if (ch.expiry) clearTimeout(ch.expiry)
      conn.ws.terminate()
    }
    const l = listener
    listener = null
    await l?.end().catch(() => {})
    await deliveries
    wss.close()
    await adminPool.end()
  }

  return { handleUpgrade, close }
}
