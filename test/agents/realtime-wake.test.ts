// The agent wakes on Realtime (issue 12 item 4, issue 14 item 3): it joins its tenant's private
// poke topic and polls its open requests at once on a poke, so a decision reaches decision()
// without waiting for the poll; a socket cut while waiting catches up on reconnect. The poll
// interval here is far beyond every wait, so only a poke (or a rejoin's catch-up) can bring the
// decision in time. An agent joins only its own tenant's topic.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '../../src/agent-sdk/index'
import { admin } from '../support/db'
import { decide } from '../push/support'
import { agentWorld, newAgent, refund, stack, type AgentWorld, type TestAgent } from './support'

/** ws, remembering its open sockets so a test can cut them as a dropped network would. */
class CuttableSocket extends WebSocket {
  static readonly open = new Set<CuttableSocket>()
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    CuttableSocket.open.add(this)
    this.on('close', () => CuttableSocket.open.delete(this))
  }
  static cutAll(): number {
    const n = CuttableSocket.open.size
    for (const s of CuttableSocket.open) s.terminate()
    return n
  }
}

/** Far beyond every wait below. */
const NEVER_POLL_MS = 600_000

let world: AgentWorld
const closing: AgentClient[] = []

beforeAll(async () => {
  world = await agentWorld()
})
afterAll(async () => {
  await Promise.all(closing.map((c) => c.close().catch(() => {})))
})

/** A live agent of the world's tenant that polls (almost) never: it hears of decisions by Realtime only. */
async function liveAgent(): Promise<AgentClient> {
  const creds = await newAgent(world.tenantId)
  await creds.client.close()
  const s = stack()
  const client = await AgentClient.signIn({
    url: s.apiUrl, anonKey: s.anonKey, email: creds.email, password: creds.password,
    pollIntervalMs: NEVER_POLL_MS, livePollIntervalMs: NEVER_POLL_MS,
    webSocket: CuttableSocket as unknown as typeof WebSocket,
  })
  closing.push(client)
  return client
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('decision() wakes on Realtime', () => {
  it('a reviewer’s decision reaches the waiting agent by its poke, not by the poll', async () => {
    const agent = await liveAgent()
    const req = refund(2500)
    const h = await agent.requestApproval(req)
    const waiting = h.decision({ timeoutMs: 20_000 })
    await until(() => agent.isLive, 'the agent joining its tenant topic')

    const edited = { ...req.args, amount: 2000 }
    await decide(world.reviewer.id, h.approvalId, 'approve_with_edits', { edited_payload: edited, reason: 'less' })
    expect(await waiting).toMatchObject({ outcome: 'approved', args: edited, edited: true })
  })

  it('a decision made while the socket is down arrives with the catch-up poll after the rejoin', async () => {
    const agent = await liveAgent()
    const h = await agent.requestApproval(refund(3100))
    const waiting = h.decision({ timeoutMs: 30_000 })
    await until(() => agent.isLive, 'the agent joining its tenant topic')

    expect(CuttableSocket.cutAll()).toBeGreaterThan(0)
    await until(() => !agent.isLive, 'the agent noticing the cut')
    // Decided while the agent has no socket: its poke cannot reach it.
    await decide(world.reviewer.id, h.approvalId, 'reject', { reason: 'not while offline' })
    expect(await waiting).toEqual({
      outcome: 'rejected', reason: 'not while offline', reasonCode: 'reviewer_rejected', rule: 'default' })
    await until(() => agent.isLive, 'the agent live again')
  })

  it('with Realtime off the agent still gets its decision by polling', async () => {
    const creds = await newAgent(world.tenantId)
    await creds.client.close()
    const s = stack()
    const agent = await AgentClient.signIn({
      url: s.apiUrl, anonKey: s.anonKey, email: creds.email, password: creds.password, pollIntervalMs: 100, realtime: false })
    closing.push(agent)
    const h = await agent.requestApproval(refund(4100))
    const waiting = h.decision({ timeoutMs: 20_000 })
    await decide(world.reviewer.id, h.approvalId, 'approve')
    expect(await waiting).toMatchObject({ outcome: 'approved' })
    expect(agent.isLive).toBe(false)
  })
})

type JoinOutcome = { joined: true } | { joined: false; reason: string }

const channels: [SupabaseClient, RealtimeChannel][] = []
afterAll(async () => {
  await Promise.all(channels.map(([c, ch]) => c.removeChannel(ch)))
})

/** Tries to join `topic` privately as the agent's session. */
async function join(agent: TestAgent, topic: string): Promise<JoinOutcome> {
  const client = agent.client.supabase
  await client.realtime.setAuth()
  const channel = client.channel(topic, { config: { private: true } })
  channels.push([client, channel])
  return new Promise((resolve) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve({ joined: true })
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
        void client.removeChannel(channel)
        resolve({ joined: false, reason: err?.message ?? status })
      }
    })
  })
}

describe('which topics an agent may join', () => {
  it('its own tenant’s; never another tenant’s, and none once its credential is revoked', async () => {
    const other = await agentWorld()
    const mine = await newAgent(world.tenantId)
    const theirs = await newAgent(other.tenantId)
    closing.push(mine.client, theirs.client)

    expect(await join(mine, `tenant:${world.tenantId}`)).toEqual({ joined: true })
    expect(await join(theirs, `tenant:${world.tenantId}`)).toEqual({
      joined: false,
      reason: `Unauthorized: You do not have permissions to read from this Channel topic: tenant:${world.tenantId}`,
    })
    // The agent's own tenant stays its only one: nor its tenant's members' user topics.
    expect((await join(theirs, `user:${world.reviewer.id}`)).joined).toBe(false)

    await admin().query('update public.agent_identities set revoked_at = now() where user_id = $1', [theirs.userId])
    expect((await join(theirs, `tenant:${other.tenantId}`)).joined).toBe(false)
  })
})
