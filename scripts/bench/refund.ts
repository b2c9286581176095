// The request the agents' bench parts file: a refund of the demo tenant's Stripe account, under
// the tool's default policy one person's decision (most requests wait for a person).
import { randomUUID } from 'node:crypto'
import type { ApprovalRequest } from '../../src/agent-sdk/index'

export function benchRefund(cents: number): ApprovalRequest {
  return {
    tool: 'stripe.refund',
    kind: 'refund',
    title: `Bench refund ${(cents / 100).toFixed(2)} USD`,
    idempotencyKey: `bench-${randomUUID()}`,
    args: { charge: `ch_${randomUUID().replaceAll('-', '').slice(0, 20)}`, amount: cents, currency: 'usd', reason: 'duplicate' },
  }
}
