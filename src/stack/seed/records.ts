// The finance records behind requests, as seed 001's canonical tables hold them (source, source_id,
// dedupe_key, …): paid orders with their card charges, and payouts whose lines add up to the net.
import type { BuildEnv } from './draft'
import { DAY, HOUR, cents, fromCents, iso, isoDate, money, type Currency } from './model'
import { customer } from './people'
import type { Rng } from './prng'
import { PRODUCTS } from './vocab'
import type { Row } from './writer'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const stripeId = (rng: Rng, prefix: string) => `${prefix}_${rng.token(24, ALNUM)}`

/** seed 001's shared columns of a canonical finance record. */
export function sourced(
  env: BuildEnv,
  source: string,
  object: string,
  sourceId: string,
  sourceCreated: number,
): Row {
  const synced = Math.min(env.now, sourceCreated + env.rng.int(1, 30) * 60_000)
  return {
    id: env.rng.uuid(),
    tenant_id: env.tenant.id,
    source,
    source_id: sourceId,
    dedupe_key: `${env.tenant.id}:${source}:${object}:${sourceId}`,
    source_created: iso(sourceCreated),
    synced_at: iso(synced),
    created_at: iso(synced),
    updated_at: iso(synced),
  }
}

export function drawCurrency(env: BuildEnv): Currency {
  if (env.want?.currency) return env.want.currency
  const base = env.tenant.base
  const others = (['USD', 'EUR', 'GBP'] as const).filter((c) => c !== base)
  return env.rng.weighted([
    [base, 84],
    [others[0]!, 10],
    [others[1]!, 6],
  ])
}

const TAX: Record<Currency, number> = { USD: 0.0825, EUR: 0.19, GBP: 0.2 }
const METHODS = [
  'card_visa',
  'card_visa',
  'card_mastercard',
  'card_amex',
  'apple_pay',
  'paypal',
  'sepa_debit',
] as const

interface OrderRecords {
  order: Row
  payment: Row
  customerName: string
  number: string
  totalCents: number
  items: { name: string; qty: number; cents: number }[]
  chargeId: string
  paidAt: number
}

/** A paid order and its card charge, placed some days before the request. */
export function paidOrder(
  env: BuildEnv,
  currency: Currency,
  targetTotal: number,
  status = 'fulfilled',
): OrderRecords {
  const { rng, tenant } = env
  const person = customer(rng)
  const placedAt = env.createdAt - rng.int(1, 40) * DAY - rng.int(0, 23) * HOUR
  const taxRate = TAX[currency]
  const itemCount = rng.weighted([
    [1, 6],
    [2, 3],
    [3, 1],
  ])
  const subtotalCents = Math.max(500, cents(targetTotal / (1 + taxRate)))
  const items: OrderRecords['items'] = []
  let left = subtotalCents
  for (let i = 0; i < itemCount; i++) {
    const share = i === itemCount - 1 ? left : Math.max(100, Math.round(left * rng.next() * 0.7))
    left -= share
    items.push({ name: rng.pick(PRODUCTS), qty: 1, cents: share })
  }
  const discountCents = rng.chance(0.2) ? Math.round(subtotalCents * rng.pick([0.1, 0.15, 0.2])) : 0
  const taxCents = Math.round((subtotalCents - discountCents) * taxRate)
  const totalCents = subtotalCents - discountCents + taxCents
  const isStripe = tenant.slug === 'northwind-payments'
  const sourceId = isStripe
    ? stripeId(rng, 'cs')
    : String(5_000_000_000_000 + env.nextNumber('shopify-order-id'))
  const number = isStripe
    ? `NP-${env.nextNumber('order')}`
    : `#${tenant.slug === 'acme-logistics' ? 'AL' : 'NR'}-${env.nextNumber('order')}`
  const order: Row = {
    ...sourced(env, isStripe ? 'stripe' : 'shopify', 'order', sourceId, placedAt),
    order_number: number,
    status,
    currency,
    total_amount: money(fromCents(totalCents)),
    subtotal: money(fromCents(subtotalCents)),
    tax_amount: money(fromCents(taxCents)),
    discount_amount: money(fromCents(discountCents)),
    customer_email: person.email,
  }
  const chargeId = stripeId(rng, 'ch')
  const paidAt = placedAt + rng.int(5, 120) * 1000
  const payment: Row = {
    ...sourced(env, 'stripe', 'charge', chargeId, paidAt),
    payment_id: chargeId,
    order_id: order.id,
    amount: money(fromCents(totalCents)),
    currency,
    status: 'succeeded',
    payment_method: rng.pick(METHODS),
  }
  return { order, payment, customerName: person.name, number, totalCents, items, chargeId, paidAt }
}

/** A settled or pending payout with lines (charges, refunds, fees) that sum to its net amount. */
export function payoutRecords(env: BuildEnv, currency: Currency, netCents: number, arrival: number) {
  const { rng } = env
  const feeCents = Math.max(25, Math.round(netCents * rng.pick([0.012, 0.014, 0.019, 0.025])))
  const refundCents = rng.chance(0.3) ? Math.round(netCents * rng.next() * 0.06) : 0
  const grossCents = netCents + feeCents
  const payoutId = stripeId(rng, 'po')
  const createdAt = env.createdAt - rng.int(1, 6) * HOUR
  const payout: Row = {
    ...sourced(env, 'stripe', 'payout', payoutId, createdAt),
    payout_id: payoutId,
    status: 'pending',
    currency,
    gross_amount: money(fromCents(grossCents)),
    fee_amount: money(fromCents(feeCents)),
    net_amount: money(fromCents(netCents)),
    arrival_date: isoDate(arrival),
    transaction_count: 0,
  }
  const lines: Row[] = []
  const line = (feeType: string, amountCents: number, description: string) =>
    lines.push({
      ...sourced(
        env,
        'stripe',
        'balance_transaction',
        stripeId(rng, 'txn'),
        createdAt - rng.int(1, 72) * HOUR,
      ),
      payout_id: payout.id,
      fee_type: feeType,
      amount: money(fromCents(amountCents)),
      currency,
      description,
    })
  const charges = rng.int(1, 3)
  let left = grossCents + refundCents
  for (let i = 0; i < charges; i++) {
    const part = i === charges - 1 ? left : Math.round((left / (charges - i)) * (0.5 + rng.next()))
    left -= part
    line('charge', part, `Charge ${stripeId(rng, 'ch')}`)
  }
  if (refundCents > 0) line('refund', -refundCents, `Refund ${stripeId(rng, 're')}`)
  line('stripe_fee', -feeCents, 'Stripe processing fees')
  payout.transaction_count = charges + (refundCents > 0 ? 1 : 0)
  return { payout, lines, payoutId, grossCents, feeCents, netCents }
}
