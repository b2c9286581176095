// Payout requests: a merchant settlement or vendor payment, with the Stripe payout and balance
// transactions a reviewer checks it against.
import type { BuildEnv, Draft, Outcome } from './draft'
import { DAY, HOUR, cents, formatMoney, fromCents, isoDate, shortDate } from './model'
import { drawCurrency, payoutRecords, stripeId } from './records'
import { MERCHANTS, VENDORS } from './vocab'
import type { Row } from './writer'

export function payoutDraft(env: BuildEnv): Draft {
  const { rng, tenant } = env
  const currency = drawCurrency(env)
  const isPayments = tenant.slug === 'northwind-payments'
  const counterparty = isPayments ? rng.pick(MERCHANTS) : rng.pick(VENDORS)
  const round = rng.chance(0.04)
  let amount = env.want?.amount ?? rng.logNormal(7500, 1.1, 150, 420000)
  if (round && env.want?.amount === undefined) amount = Math.max(1000, Math.round(amount / 1000) * 1000)
  const flags: Draft['flags'] = []
  if (!env.knownCounterparties.has(counterparty)) flags.push('new_counterparty')
  env.knownCounterparties.add(counterparty)
  if (round) flags.push('round_amount')
  if (rng.chance(0.08)) flags.push('cross_border')
  if (rng.chance(0.02)) flags.push('duplicate_suspected')
  if (rng.chance(0.01)) flags.push('velocity_limit')
  const instant = rng.chance(amount < 5000 ? 0.25 : 0.06)
  const destination = stripeId(rng, isPayments ? 'acct' : 'ba')
  return {
    kind: 'payout',
    tool: 'stripe_payout',
    amount,
    currency,
    counterparty,
    flags,
    riskBase: 3,
    bands: [1000, 10000, 50000, 150000],
    taskTitle: isPayments ? `Settle ${counterparty}'s balance` : `Pay ${counterparty}`,
    finish(o: Outcome) {
      const arrival = (o.decidedAt ?? env.createdAt) + (instant ? HOUR : 2 * DAY)
      const rec = payoutRecords(env, currency, cents(amount), arrival)
      if (o.executed) rec.payout.status = (o.decidedAt ?? 0) > env.now - 2 * DAY ? 'in_transit' : 'paid'
      else if (o.failed) rec.payout.status = 'failed'
      else if (o.status !== 'pending' && o.status !== 'escalated') rec.payout.status = 'cancelled'
      const descriptor = counterparty
        .replace(/[^A-Za-z0-9 ]/g, '')
        .toUpperCase()
        .slice(0, 22)
      const args = {
        amount: rec.netCents,
        currency: currency.toLowerCase(),
        destination,
        method: instant ? 'instant' : 'standard',
        description: `${isPayments ? 'Settlement' : 'Vendor payment'} ${rec.payoutId}`,
        statement_descriptor: descriptor,
        metadata: { payout_ref: rec.payoutId, beneficiary: counterparty },
      }
      const finalArgs = o.edited ? { ...args, method: 'standard' } : args
      const fmt = formatMoney(amount, currency)
      return {
        title: `Payout ${fmt} to ${counterparty}`,
        summary:
          `**${instant ? 'Instant' : 'Standard'} payout of ${fmt}** to ${counterparty} (\`${destination}\`).\n\n` +
          `- Gross ${formatMoney(fromCents(rec.grossCents), currency)} − fees ${formatMoney(fromCents(rec.feeCents), currency)} = net ${fmt}\n` +
          `- ${rec.lines.length} balance transactions · payout \`${rec.payoutId}\`\n` +
          `- Expected arrival ${shortDate(arrival)}`,
        args,
        finalArgs,
        finalAmount: amount,
        editReason: o.edited
          ? 'Switched to a standard payout; instant fees are not justified here.'
          : undefined,
        evidence: [
          { table: 'payouts', id: rec.payout.id as string },
          ...rec.lines.map((l) => ({ table: 'payout_lines', id: l.id as string })),
        ],
        rows: [['payouts', rec.payout], ...rec.lines.map((l): [string, Row] => ['payout_lines', l])],
        actionResult: o.executed
          ? {
              id: rec.payoutId,
              object: 'payout',
              status: rec.payout.status,
              amount: rec.netCents,
              arrival_date: isoDate(arrival),
            }
          : o.failed
            ? {
                error: {
                  type: 'invalid_request_error',
                  code: 'account_closed',
                  message: 'The bank account has been closed.',
                },
              }
            : null,
        taskDescription: `${counterparty}: ${rec.lines.length} transactions ready to pay out (${fmt}).`,
      }
    },
  }
}
