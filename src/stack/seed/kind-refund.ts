// Refund requests: a customer's paid order and charge (sometimes disputed), the refund Stripe
// would make, and what the order and charge look like once it ran.
import type { BuildEnv, Draft, EvidenceRef, Outcome } from './draft'
import { DAY, cents, formatMoney, fromCents, money, shortDate } from './model'
import { drawCurrency, paidOrder, sourced, stripeId } from './records'
import { DISPUTE_REASONS, REFUND_REASONS } from './vocab'
import type { Row } from './writer'

export function refundDraft(env: BuildEnv): Draft {
  const { rng } = env
  const currency = drawCurrency(env)
  const target = env.want?.amount ?? rng.logNormal(110, 0.95, 9, 7500)
  const rec = paidOrder(env, currency, target)
  const partial = env.want?.amount === undefined && rng.chance(0.35) && rec.items.length > 1
  const refundCents =
    env.want?.amount !== undefined ? cents(env.want.amount) : partial ? rec.items[0]!.cents : rec.totalCents
  const [reasonCode, reasonText] = rng.pick(REFUND_REASONS)
  const dispute = reasonCode === 'fraudulent' || rng.chance(0.08)
  const ticket = `ZD-${40000 + env.nextNumber('ticket')}`
  const amount = fromCents(Math.min(refundCents, rec.totalCents))
  const flags: Draft['flags'] = []
  if (rng.chance(0.03)) flags.push('duplicate_suspected')
  if (rng.chance(0.01)) flags.push('manual_override')
  return {
    kind: 'refund',
    tool: 'stripe_refund',
    amount,
    currency,
    counterparty: rec.customerName,
    flags,
    riskBase: 2,
    bands: [60, 500, 2000, 10000],
    taskTitle: `Handle refund request ${ticket} for order ${rec.number}`,
    finish(o: Outcome) {
      const rows: [string, Row][] = [
        ['orders', rec.order],
        ['payments', rec.payment],
      ]
      const evidence: EvidenceRef[] = [
        { table: 'orders', id: rec.order.id as string },
        { table: 'payments', id: rec.payment.id as string },
      ]
      if (dispute) {
        const disputeRow: Row = {
          ...sourced(env, 'stripe', 'dispute', stripeId(rng, 'dp'), rec.paidAt + rng.int(2, 20) * DAY),
          charge_id: rec.chargeId,
          payment_id: rec.payment.id,
          reason: reasonCode === 'fraudulent' ? 'fraudulent' : rng.pick(DISPUTE_REASONS),
          amount: money(fromCents(rec.totalCents)),
          currency,
          status: o.executed ? 'closed' : o.status === 'pending' ? 'needs_response' : 'under_review',
        }
        rows.push(['disputes', disputeRow])
        evidence.push({ table: 'disputes', id: disputeRow.id as string })
      }
      const args = {
        charge: rec.chargeId,
        amount: cents(amount),
        currency: currency.toLowerCase(),
        reason: reasonCode,
        metadata: { order_number: rec.number, ticket },
      }
      const finalCents = o.edited ? Math.max(100, Math.round(cents(amount) * 0.8)) : cents(amount)
      const finalArgs = o.edited ? { ...args, amount: finalCents } : args
      let actionResult: Record<string, unknown> | null = null
      if (o.executed || o.failed) {
        const refundId = stripeId(rng, 're')
        const refundRow: Row = {
          ...sourced(
            env,
            'stripe',
            'refund',
            refundId,
            (o.decidedAt ?? env.createdAt) + rng.int(2, 90) * 1000,
          ),
          order_id: rec.order.id,
          payment_id: rec.payment.id,
          reason: reasonCode,
          amount: money(fromCents(finalCents)),
          currency,
          status: o.failed ? 'failed' : 'succeeded',
        }
        rows.push(['refunds', refundRow])
        evidence.push({ table: 'refunds', id: refundRow.id as string })
        actionResult = o.failed
          ? {
              error: {
                type: 'card_error',
                code: 'charge_expired_for_refund',
                message: 'The charge is too old to be refunded.',
              },
            }
          : {
              id: refundId,
              object: 'refund',
              status: 'succeeded',
              amount: finalCents,
              currency: currency.toLowerCase(),
            }
        if (!o.failed) {
          const full = finalCents >= rec.totalCents
          rec.order.status = full ? 'refunded' : 'partially_refunded'
          rec.payment.status = full ? 'refunded' : 'partially_refunded'
        }
      }
      const fmt = formatMoney(amount, currency)
      const items = rec.items
        .map((i) => `${i.name} (${formatMoney(fromCents(i.cents), currency)})`)
        .join(', ')
      return {
        title: `Refund ${fmt} to ${rec.customerName} · order ${rec.number}`,
        summary:
          `**${partial ? 'Partial refund' : 'Refund'} of ${fmt}** to ${rec.customerName} for order ${rec.number}.\n\n` +
          `- Reason: ${reasonText}\n- Items: ${items}\n` +
          `- Paid ${shortDate(rec.paidAt)} · charge \`${rec.chargeId}\` · order total ${formatMoney(fromCents(rec.totalCents), currency)}\n` +
          `- Ticket: ${ticket}${dispute ? '\n- A dispute is open on this charge' : ''}`,
        args,
        finalArgs,
        finalAmount: fromCents(finalCents),
        editReason: o.edited ? 'Reduced to the amount actually paid for the affected item.' : undefined,
        evidence,
        rows,
        actionResult,
        taskDescription: `Customer ${rec.customerName} asked for a refund on ${ticket}: ${reasonText.toLowerCase()}.`,
      }
    },
  }
}
