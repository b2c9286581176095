// A four-eyes request I approved leaves my inbox while it waits for a second approver, and comes
// back when its payload is edited (an edit restarts the count: my approval was of the old payload).
// The inbox reads this from the pending requests that need more than one approval
// (queries/hidden.ts), not from every decision I ever made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, DEMO } from '../support/db'
import { createMember, createTenant, createToolCallApproval, type TenantRef, type UserRef } from '../support/fixtures'
import { settled, startCore, waitFor, type TestCore } from './support/harness'

let tenant: TenantRef
let reviewer: UserRef
let t: TestCore

beforeAll(async () => {
  tenant = await createTenant({ name: 'Four eyes inbox' })
  reviewer = await createMember(tenant.id, 'finance', { label: 'four-eyes-inbox', approvalLimit: 100_000 })
  t = await startCore()
  await t.call('settings.update', { holdSeconds: 0 })
  await t.call('session.signIn', { email: reviewer.email, password: DEMO.password })
})

afterAll(async () => {
  await t?.close()
})

const inInbox = async (id: string) => (await t.call('inbox.list', { filter: {}, limit: 500, offset: 0 })).items.some((i) => i.id === id)

describe('the inbox and a four-eyes request', () => {
  it('leaves out what I approved as it stands, until an edit makes it a new payload', async () => {
    const { approval } = await createToolCallApproval(tenant.id, { requiredApprovals: 2, title: 'Pay Hooli', amount: '410.00', counterparty: 'Hooli' })
    const { approval: single } = await createToolCallApproval(tenant.id, { title: 'Pay Umbrella', amount: '90.00', counterparty: 'Umbrella' })
    await settled(t)
    expect(await inInbox(approval.id)).toBe(true)

    const { rows } = await admin().query<{ version: number; payload_hash: string }>('select version, payload_hash from public.approvals where id = $1', [approval.id])
    await t.call('intents.create', {
      kind: 'approval.decide',
      args: { approval_id: approval.id, decision: 'approve', version_seen: rows[0]!.version, payload_hash_seen: rows[0]!.payload_hash },
    })
    // Applied on the server, and pulled back: still pending there, 1 of 2.
    await waitFor(async () => (await t.call('sync.status', {})).queueDepth === 0, 30_000, 'the approval pushed')
    await settled(t)
    const server = await admin().query<{ status: string }>('select status from public.approvals where id = $1', [approval.id])
    expect(server.rows[0]!.status).toBe('pending')
    expect(await inInbox(approval.id)).toBe(false)
    expect(await inInbox(single.id)).toBe(true)

    // Edited on the server: a new payload, which my approval was not of.
    await admin().query(`update public.approvals set payload = payload || '{"note": "edited"}'::jsonb where id = $1`, [approval.id])
    await settled(t)
    expect(await inInbox(approval.id)).toBe(true)
  })
})
