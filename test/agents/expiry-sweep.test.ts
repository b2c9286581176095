// Requests nobody decided in time are marked expired on the server by the periodic sweep the
// executor's process runs (expire_due_approvals, as the executor's database role): the approval and
// its action say so, the audit records it once however often the sweep runs, and the agent waiting
// on it hears `expired`. A request still within its deadline, or another tenant's when the sweep
// serves some tenants only, is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExpirySweep } from '../../src/executor/expiry-sweep'
import { EXECUTOR_ROLE } from '../../src/executor/worker'
import { admin } from '../support/db'
import { agentWorld, newAgent, refund, setPolicy, stack, type AgentWorld, type TestAgent } from './support'

let world: AgentWorld
let agent: TestAgent
let sweep: ExpirySweep

beforeAll(async () => {
  world = await agentWorld()
  agent = await newAgent(world.tenantId)
  await setPolicy(world, world.tools.refund, { approval: 'required', expires_in_seconds: 3600 })
  sweep = new ExpirySweep({ dbUrl: stack().dbUrl, role: EXECUTOR_ROLE, tenantIds: [world.tenantId] })
})

afterAll(async () => {
  await sweep?.stop()
  await agent?.client.close()
})

const overdue = (approvalId: string) =>
  admin().query(`update public.approvals set expires_at = now() - interval '1 second' where id = $1`, [approvalId])

async function stateOf(approvalId: string) {
  const { rows } = await admin().query(
    `select ap.status, ac.approval_state,
            (select count(*)::int from public.audit_log l where l.entity_id = ap.id::text and l.action = 'approval.expired') as audited
       from public.approvals ap join public.actions ac on ac.id = ap.action_id where ap.id = $1`,
    [approvalId],
  )
  return rows[0]
}

describe('the expiry sweep', () => {
  it('marks an overdue request expired once, audited, and the waiting agent hears expired', async () => {
    const late = await agent.client.requestApproval(refund(1100))
    const onTime = await agent.client.requestApproval(refund(1200))
    const waiting = late.decision({ timeoutMs: 20_000 })
    await overdue(late.approvalId)

    expect(await sweep.runOnce()).toBe(1)
    expect(await stateOf(late.approvalId)).toEqual({ status: 'expired', approval_state: 'expired', audited: 1 })
    expect(await stateOf(onTime.approvalId)).toEqual({ status: 'pending', approval_state: 'pending', audited: 0 })
    expect(await waiting).toMatchObject({ outcome: 'expired' })

    // Again: nothing more to mark, nothing audited twice.
    expect(await sweep.runOnce()).toBe(0)
    expect(await stateOf(late.approvalId)).toEqual({ status: 'expired', approval_state: 'expired', audited: 1 })
  })

  it('an executor serving some tenants leaves the others’ requests to theirs', async () => {
    const other = await agentWorld()
    const theirs = await newAgent(other.tenantId)
    try {
      const h = await theirs.client.requestApproval(refund(1300))
      await overdue(h.approvalId)
      expect(await sweep.runOnce()).toBe(0)
      expect(await stateOf(h.approvalId)).toMatchObject({ status: 'pending' })
    } finally {
      await theirs.client.close()
    }
  })

  it('is not for reviewers or agents to call', async () => {
    const { rows } = await admin().query<{ reviewer: boolean; executor: boolean }>(
      `select has_function_privilege('authenticated', 'public.expire_due_approvals(int, uuid[])', 'execute') as reviewer,
              has_function_privilege('outbox_executor', 'public.expire_due_approvals(int, uuid[])', 'execute') as executor`,
    )
    expect(rows[0]).toEqual({ reviewer: false, executor: true })
  })
})
