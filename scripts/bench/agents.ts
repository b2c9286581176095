// The agents' side of the loop, measured against the bench's running console (issue 12):
// - agent.request_to_inbox_p95_ms: an agent proposes → the approval is in the console's replica
//   (what its inbox reads), with the console's own polling and nothing to nudge it;
// - agent.decision_to_agent_p95_ms: the reviewer's decision is queued with no hold (it leaves at
//   once; the push is inside the figure) → the agent's decision() resolves, with the SDK's
//   defaults: woken by its tenant's Realtime poke (the clock starts once its topic is joined; the
//   fallback poll is 30 s);
// - agent_polling.decision_to_agent_p95_ms: the same with Realtime off, polling every 500 ms (for
//   comparison, as server_load_polling is for the consoles);
// (agent.intake_per_s, the intake's throughput, is measured in intake.ts.)
import { AgentClient, type ApprovalHandle } from '../../src/agent-sdk/index'
import { createAgentCredentials } from '../../src/agent-sdk/provision'
import { supabaseClient } from '../../src/stack/fixtures'
import { apiKeys } from '../../src/stack/keys'
import type { Backend, BenchCore } from './consoles'
import type { Results } from './report'
import { benchRefund } from './refund'
import { median, p95, waitUntil } from './stats'

/** The demo tenant the bench's reviewer (the holding manager) sees. */
export const TENANT = 'northwind-retail'

async function signedInAgent(backend: Backend, name: string, opts: { realtime?: boolean } = {}): Promise<AgentClient> {
  const { serviceRoleKey } = await apiKeys()
  const service = supabaseClient(backend, serviceRoleKey)
  const creds = await createAgentCredentials(service, { tenant: TENANT, agent: name, autonomy: 'A3', riskTier: 5 })
  return AgentClient.signIn({ url: backend.apiUrl, anonKey: backend.anonKey, email: creds.email, password: creds.password, ...opts })
}

export async function measureAgents(
  bench: BenchCore,
  backend: Backend,
  opts: { samples: number },
): Promise<Results> {
  // In the replica = the console's detail finds it (read through the contract, as the window reads it).
  const inReplica = async (approvalId: string) => {
    const out = await bench.host.dispatch('approvals.detail', { id: approvalId })
    if (!out.ok && out.error.code !== 'not_found') throw new Error(`approvals.detail: ${out.error.code} ${out.error.message}`)
    return out.ok
  }
  const agent = await signedInAgent(backend, 'Bench agent')
  // The same agent in a second process with Realtime off: it resumes half the requests.
  const poller = await signedInAgent(backend, 'Bench agent', { realtime: false })
  const handles: ApprovalHandle[] = []
  const toInbox: number[] = []
  const toAgent: number[] = []
  const toPollingAgent: number[] = []
  try {
    // Request → inbox. Proposals spread over the console's polling interval, as for propagation.
    for (let i = 0; i < opts.samples * 2; i++) {
      await new Promise((r) => setTimeout(r, Math.random() * 1000))
      const t0 = performance.now()
      // 100 USD: needs one person under the tool's default and the demo refund policy alike.
      const h = await agent.requestApproval(benchRefund(10_000 + i))
      await waitUntil(
        () => inReplica(h.approvalId),
        30_000, 'an agent request reaching the inbox', 5)
      toInbox.push(performance.now() - t0)
      handles.push(i % 2 === 0 ? h : await poller.resume(h.actionId))
    }

    // Decision → agent: the console decides with no hold.
    await bench.call('settings.update', { holdSeconds: 0 })
    for (const [i, h] of handles.entries()) {
      const live = i % 2 === 0
      const d = await bench.call('approvals.detail', { id: h.approvalId })
      const waiting = h.decision({ timeoutMs: 60_000 })
      // Measured once joined: the first wait joins the topic (a catch-up poll covers the join).
      if (live) await waitUntil(() => agent.isLive, 30_000, 'the agent joining its Realtime topic', 5)
      // The clock starts as the decision is queued with no hold, so it includes the push: with
      // Realtime the agent often has its answer before the console has recorded the push's own,
      // and a clock started at the empty queue read 0 ms.
      const t0 = performance.now()
      await bench.call('intents.create', {
        kind: 'approval.decide',
        args: { approval_id: h.approvalId, decision: 'approve', version_seen: d.version, payload_hash_seen: d.payloadHash },
      })
      const outcome = await waiting
      if (outcome.outcome !== 'approved') throw new Error(`bench: the agent saw ${outcome.outcome}, not approved`)
      ;(live ? toAgent : toPollingAgent).push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, Math.random() * 500))
    }
    await bench.call('settings.update', { holdSeconds: 5 })
  } finally {
    await Promise.all([agent.close(), poller.close()])
  }

  return {
    'agent.request_to_inbox_p95_ms': Math.round(p95(toInbox)),
    'agent.request_to_inbox_p50_ms': Math.round(median(toInbox)),
    'agent.decision_to_agent_p95_ms': Math.round(p95(toAgent)),
    'agent.decision_to_agent_p50_ms': Math.round(median(toAgent)),
    'agent_polling.decision_to_agent_p95_ms': Math.round(p95(toPollingAgent)),
    'agent_polling.decision_to_agent_p50_ms': Math.round(median(toPollingAgent)),
    'agent.samples': toInbox.length,
  }
}
