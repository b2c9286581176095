// The MCP approval gateway end to end, driven by the official MCP client: reads pass straight
// through, a write waits for a reviewer, approve-with-edits reaches the upstream with the edited
// arguments, a rejection comes back with the reviewer's reason, and tools the tenant's catalog does
// not know are refused. Real intake (agent_propose), real decisions (sync_push), real upstream.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { startDemoUpstream, type DemoUpstream } from '../../src/demo-upstream/serve'
import { APPROVAL_META } from '../../src/mcp-gateway/gateway'
import { startGateway, type RunningGateway } from '../../src/mcp-gateway/start'
import { TOOLS } from '../../src/stack/seed/tools'
import { newAgent, type TestAgent } from '../agents/support'
import { admin } from '../support/db'
import { createMember, createTenant, type UserRef } from '../support/fixtures'
import { decide } from '../push/support'

let tenantId: string
let reviewer: UserRef
let agent: TestAgent
let demo: DemoUpstream
let gateway: RunningGateway
let client: Client

beforeAll(async () => {
  tenantId = (await createTenant()).id
  reviewer = await createMember(tenantId, 'finance', { label: 'mcp-reviewer' })
  // The catalog: Stripe refunds (write) and charge lookups (read). The upstream also offers
  // Zendesk, HubSpot and Slack tools this tenant never described.
  await admin().query(
    `insert into public.tools (tenant_id, app, tool_key, category, json_schema, risk_default, approval_default, write_allowed)
     values ($1, 'stripe', 'refund', 'payments', $2, 2, 'required', true),
            ($1, 'stripe', 'get_charge', 'payments', null, 0, 'never', false)`,
    [tenantId, JSON.stringify(TOOLS.stripe_refund.json_schema)],
  )
  agent = await newAgent(tenantId, { name: 'MCP support agent' })
  demo = await startDemoUpstream()
  const stack = inject('stack')
  gateway = await startGateway({
    upstream: { url: demo.mcpUrl },
    backend: { url: stack.apiUrl, anonKey: stack.anonKey, email: agent.email, password: agent.password },
    transport: { kind: 'http', token: 'gateway-test-token' },
  })
  client = new Client({ name: 'gateway-test', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(gateway.url!), { requestInit: { headers: { authorization: 'Bearer gateway-test-token' } } }),
  )
}, 60_000)

afterAll(async () => {
  await client?.close()
  await gateway?.close()
  await demo?.close()
  await agent?.client.close()
  await admin().end()
})

const charge = (n: number) => `ch_${String(n).padStart(16, '0')}`
const refundCall = (n: number, amount = 2500) => ({
  name: 'stripe_refund',
  arguments: { charge: charge(n), amount, currency: 'usd', reason: 'requested_by_customer' },
})

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')

/** The approval the gateway filed for this call, once it is waiting for a reviewer. */
async function pendingApproval(chargeId: string): Promise<{ id: string; action_id: string }> {
  return vi.waitFor(
    async () => {
      const { rows } = await admin().query(
        `select ap.id, ap.action_id from public.approvals ap
         where ap.requested_by_agent_id = $1 and ap.status = 'pending' and ap.payload ->> 'charge' = $2`,
        [agent.agentId, chargeId],
      )
      if (!rows[0]) throw new Error('no pending approval yet')
      return rows[0] as { id: string; action_id: string }
    },
    { timeout: 20_000, interval: 50 },
  )
}

describe('tools', () => {
  it('lists the upstream tools the catalog knows, and only those', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['stripe_get_charge', 'stripe_refund'])
    expect(tools.find((t) => t.name === 'stripe_refund')?.description).toMatch(/Needs a reviewer’s approval/)
    expect(tools.find((t) => t.name === 'stripe_get_charge')?.annotations?.readOnlyHint).toBe(true)
  })

  it('passes a read-only tool straight through, filing no approval', async () => {
    const result = (await client.callTool({ name: 'stripe_get_charge', arguments: { charge: charge(1) } })) as CallToolResult
    expect(result.isError).toBeFalsy()
    expect(result.structuredContent).toMatchObject({ id: charge(1), object: 'charge' })
    const { rows } = await admin().query(`select count(*)::int as n from public.approvals where requested_by_agent_id = $1`, [agent.agentId])
    expect(rows[0].n).toBe(0)
    expect(demo.ledger.calls.filter((c) => c.tool === 'stripe_get_charge')).toHaveLength(1)
  })

  it('refuses tools the catalog does not know, without calling the upstream', async () => {
    const before = demo.ledger.calls.length
    for (const name of ['zendesk_get_ticket', 'slack_post', 'no_such_tool']) {
      const result = (await client.callTool({ name, arguments: {} })) as CallToolResult
      expect(result.isError).toBe(true)
      expect(text(result)).toContain('not in this tenant')
    }
    expect(demo.ledger.calls.length).toBe(before)
  })
})

describe('write tools', () => {
  it('waits for the decision, then runs with the arguments the reviewer approved with edits', async () => {
    let settled = false
    const call = client.callTool(refundCall(2, 2500)).then((r) => {
      settled = true
      return r as CallToolResult
    })
    const approval = await pendingApproval(charge(2))
    // Waiting: nothing ran, the model has no answer yet.
    expect(settled).toBe(false)
    expect(demo.ledger.effects).toEqual([])

    const edited = { ...refundCall(2).arguments, amount: 1200 }
    expect(await decide(reviewer.id, approval.id, 'approve_with_edits', { edited_payload: edited })).toMatchObject({ status: 'applied' })
    const result = await call
    expect(result.isError).toBeFalsy()
    expect(result.structuredContent).toMatchObject({ object: 'refund', amount: 1200, charge: charge(2) })
    expect(text(result)).toMatch(/A reviewer edited the arguments/)
    expect(result._meta?.[APPROVAL_META]).toMatchObject({ action_id: approval.action_id, approval_id: approval.id, edited: true })
    // What really ran upstream: once, the edited arguments, under the action's idempotency key.
    expect(demo.ledger.effects.map((e) => [e.tool, e.args, e.idempotencyKey])).toEqual([['stripe_refund', edited, approval.action_id]])
  })

  it('returns a rejection as a tool error carrying the reviewer’s reason, and runs nothing', async () => {
    const call = client.callTool(refundCall(3)) as Promise<CallToolResult>
    const approval = await pendingApproval(charge(3))
    const before = demo.ledger.effects.length
    expect(await decide(reviewer.id, approval.id, 'reject', { reason: 'Already refunded in ticket 4411' })).toMatchObject({
      status: 'applied',
    })
    const result = await call
    expect(result.isError).toBe(true)
    expect(text(result)).toContain('Already refunded in ticket 4411')
    expect(demo.ledger.effects.length).toBe(before)
  })

  it('refuses arguments the tool’s schema rejects before any reviewer sees them', async () => {
    const result = (await client.callTool({ name: 'stripe_refund', arguments: { charge: 'not-a-charge', amount: -5 } })) as CallToolResult
    expect(result.isError).toBe(true)
    expect(text(result)).toMatch(/refused before review \(invalid_args\)/)
  })

  it('answers the same call again from the same request: approved once, applied once', async () => {
    const first = client.callTool(refundCall(4)) as Promise<CallToolResult>
    const approval = await pendingApproval(charge(4))
    await decide(reviewer.id, approval.id, 'approve')
    expect((await first).isError).toBeFalsy()
    // The model repeats the call (a retry after a lost answer): no new request, no second refund.
    const again = (await client.callTool(refundCall(4))) as CallToolResult
    expect(again.isError).toBeFalsy()
    expect(again._meta?.[APPROVAL_META]).toMatchObject({ action_id: approval.action_id })
    expect(demo.ledger.effectsFor(approval.action_id)).toHaveLength(1)
    const { rows } = await admin().query(`select count(*)::int as n from public.approvals where payload ->> 'charge' = $1`, [charge(4)])
    expect(rows[0].n).toBe(1)
  })

  it('refuses an HTTP client without the gateway token', async () => {
    const stranger = new Client({ name: 'stranger', version: '1.0.0' })
    await expect(stranger.connect(new StreamableHTTPClientTransport(new URL(gateway.url!)))).rejects.toThrow()
  })
})

describe('over stdio', () => {
  it('serves the same tools to a client that starts it', async () => {
    const stack = inject('stack')
    const stdio = new Client({ name: 'gateway-stdio-test', version: '1.0.0' })
    await stdio.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', new URL('../../scripts/mcp-gateway.ts', import.meta.url).pathname, '--stdio', '--upstream-url', demo.mcpUrl],
        env: {
          ...(process.env as Record<string, string>),
          SUPABASE_URL: stack.apiUrl,
          SUPABASE_ANON_KEY: stack.anonKey,
          AGENT_EMAIL: agent.email,
          AGENT_PASSWORD: agent.password,
        },
        stderr: 'ignore',
      }),
    )
    try {
      const { tools } = await stdio.listTools()
      expect(tools.map((t) => t.name).sort()).toEqual(['stripe_get_charge', 'stripe_refund'])
      const refused = (await stdio.callTool({ name: 'hubspot_update_deal', arguments: {} })) as CallToolResult
      expect(refused.isError).toBe(true)
    } finally {
      await stdio.close()
    }
  }, 60_000)
})
