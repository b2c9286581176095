// Refunds, payouts and journal postings: each request comes with the finance records behind it
// (order and charge, payout and its lines, ledger lines) so the evidence a reviewer opens exists
// and adds up — a payout's lines sum to its net amount, a journal's debits equal its credits.
import type { BuildEnv, Draft, EvidenceRef, Outcome } from './draft'
import { DAY, HOUR, cents, formatMoney, fromCents, iso, isoDate, money, postingPeriod, shortDate, type Currency } from './model'
import { customer } from './people'
import type { Rng } from './prng'
import { DISPUTE_REASONS, MERCHANTS, PRODUCTS, REFUND_REASONS, VENDORS } from './vocab'
import type { Row } from './writer'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const stripeId = (rng: Rng, prefix: string) => `${prefix}_${rng.token(24, ALNUM)}`

/** seed 001's shared columns of a canonical finance record. */
export function sourced(env: BuildEnv, source: string, object: string, sourceId: string, sourceCreated: number): Row {
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
  return env.rng.weighted([[base, 84], [others[0]!, 10], [others[1]!, 6]])
}

const TAX: Record<Currency, number> = { USD: 0.0825, EUR: 0.19, GBP: 0.2 }
const METHODS = ['card_visa', 'card_visa', 'card_mastercard', 'card_amex', 'apple_pay', 'paypal', 'sepa_debit'] as const

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
export function paidOrder(env: BuildEnv, currency: Currency, targetTotal: number, status = 'fulfilled'): OrderRecords {
  const { rng, tenant } = env
  const person = customer(rng)
  const placedAt = env.createdAt - rng.int(1, 40) * DAY - rng.int(0, 23) * HOUR
  const taxRate = TAX[currency]
  const itemCount = rng.weighted([[1, 6], [2, 3], [3, 1]])
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
  const sourceId = isStripe ? stripeId(rng, 'cs') : String(5_000_000_000_000 + env.nextNumber('shopify-order-id'))
  const number = isStripe ? `NP-${env.nextNumber('order')}` : `#${tenant.slug === 'acme-logistics' ? 'AL' : 'NR'}-${env.nextNumber('order')}`
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

// ───────────── refund ─────────────

export function refundDraft(env: BuildEnv): Draft {
  const { rng } = env
  const currency = drawCurrency(env)
  const target = env.want?.amount ?? rng.logNormal(110, 0.95, 9, 7500)
  const rec = paidOrder(env, currency, target)
  const partial = env.want?.amount === undefined && rng.chance(0.35) && rec.items.length > 1
  const refundCents = env.want?.amount !== undefined ? cents(env.want.amount) : partial ? rec.items[0]!.cents : rec.totalCents
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
      const rows: [string, Row][] = [['orders', rec.order], ['payments', rec.payment]]
      const evidence: EvidenceRef[] = [{ table: 'orders', id: rec.order.id as string }, { table: 'payments', id: rec.payment.id as string }]
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
          ...sourced(env, 'stripe', 'refund', refundId, (o.decidedAt ?? env.createdAt) + rng.int(2, 90) * 1000),
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
          ? { error: { type: 'card_error', code: 'charge_expired_for_refund', message: 'The charge is too old to be refunded.' } }
          : { id: refundId, object: 'refund', status: 'succeeded', amount: finalCents, currency: currency.toLowerCase() }
        if (!o.failed) {
          const full = finalCents >= rec.totalCents
          rec.order.status = full ? 'refunded' : 'partially_refunded'
          rec.payment.status = full ? 'refunded' : 'partially_refunded'
        }
      }
      const fmt = formatMoney(amount, currency)
      const items = rec.items.map((i) => `${i.name} (${formatMoney(fromCents(i.cents), currency)})`).join(', ')
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

// ───────────── payout ─────────────

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
      ...sourced(env, 'stripe', 'balance_transaction', stripeId(rng, 'txn'), createdAt - rng.int(1, 72) * HOUR),
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
      const descriptor = counterparty.replace(/[^A-Za-z0-9 ]/g, '').toUpperCase().slice(0, 22)
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
        editReason: o.edited ? 'Switched to a standard payout; instant fees are not justified here.' : undefined,
        evidence: [{ table: 'payouts', id: rec.payout.id as string }, ...rec.lines.map((l) => ({ table: 'payout_lines', id: l.id as string }))],
        rows: [['payouts', rec.payout], ...rec.lines.map((l): [string, Row] => ['payout_lines', l])],
        actionResult: o.executed
          ? { id: rec.payoutId, object: 'payout', status: rec.payout.status, amount: rec.netCents, arrival_date: isoDate(arrival) }
          : o.failed
            ? { error: { type: 'invalid_request_error', code: 'account_closed', message: 'The bank account has been closed.' } }
            : null,
        taskDescription: `${counterparty}: ${rec.lines.length} transactions ready to pay out (${fmt}).`,
      }
    },
  }
}

// ───────────── journal posting ─────────────

interface Line {
  account: string
  account_name: string
  debit?: number
  credit?: number
  department?: string
  memo?: string
}

const ACCOUNTS: Record<string, string> = {
  '1000': 'Operating cash', '1090': 'Stripe clearing', '1200': 'Accounts receivable', '1300': 'Intercompany receivable',
  '2100': 'Accrued liabilities', '2200': 'Accrued payroll', '2400': 'Deferred revenue', '2300': 'Intercompany payable',
  '4000': 'Product revenue', '4010': 'Subscription revenue', '4900': 'Management fee income', '6000': 'Salaries and wages',
  '6010': 'Payroll taxes', '6020': 'Employee benefits', '6120': 'Freight-in', '6150': 'Payment processing fees',
  '6200': 'Software subscriptions', '6300': 'Professional fees', '7900': 'FX gains and losses',
}
const acct = (account: string, side: 'debit' | 'credit', c: number, extra: Partial<Line> = {}): Line => ({
  account,
  account_name: ACCOUNTS[account] ?? account,
  [side]: fromCents(c),
  ...extra,
})

/** Splits an amount in cents into `n` positive parts that add up exactly. */
function split(rng: Rng, total: number, n: number): number[] {
  const weights = Array.from({ length: n }, () => 0.4 + rng.next())
  const sum = weights.reduce((a, b) => a + b, 0)
  const parts = weights.map((w) => Math.floor((total * w) / sum))
  parts[0]! += total - parts.reduce((a, b) => a + b, 0)
  return parts
}

const DEPARTMENTS = ['Operations', 'Sales', 'Marketing', 'Technology', 'G&A'] as const

type JournalTemplate = 'settlement' | 'accrual' | 'revenue' | 'payroll' | 'intercompany' | 'fx'

export function journalDraft(env: BuildEnv): Draft {
  const { rng, tenant } = env
  const currency = env.want?.currency ?? tenant.base
  const template: JournalTemplate = tenant.isHolding
    ? rng.weighted([['intercompany', 6], ['payroll', 2], ['fx', 2]])
    : rng.weighted([['settlement', 4], ['accrual', 4], ['revenue', 2], ['payroll', 1], ['fx', 1]])
  const medians: Record<JournalTemplate, number> = { settlement: 14000, accrual: 16000, revenue: 42000, payroll: 160000, intercompany: 65000, fx: 2500 }
  let amount = env.want?.amount ?? rng.logNormal(medians[template], 0.8, 120, 1_800_000)
  if (env.want?.amount === undefined && rng.chance(0.03)) amount = Math.max(1000, Math.round(amount / 1000) * 1000)
  const total = cents(amount)
  const vendor = rng.pick(VENDORS)
  const day = new Date(env.createdAt).getUTCDate()
  const backdated = day <= 3 && rng.chance(0.4)
  const tranDate = backdated ? env.createdAt - day * DAY : env.createdAt
  const period = postingPeriod(tranDate)
  const flags: Draft['flags'] = []
  if (backdated) flags.push('period_closed')
  if (total % 100000 === 0) flags.push('round_amount')
  const subsidiaryName = tenant.name
  const counterparty: Record<JournalTemplate, string> = {
    settlement: 'Stripe', accrual: vendor, revenue: 'Revenue recognition', payroll: `Payroll ${period}`,
    intercompany: rng.pick(['Northwind Retail', 'Northwind Payments']), fx: 'FX revaluation',
  }
  const memo: Record<JournalTemplate, string> = {
    settlement: 'Stripe payout settlement',
    accrual: `Accrue ${vendor} invoice not yet received (${period})`,
    revenue: `Recognise deferred revenue for ${period}`,
    payroll: `Accrue payroll for ${period}`,
    intercompany: `Management fee recharge to ${counterparty.intercompany} (${period})`,
    fx: `Month-end FX revaluation of open receivables (${period})`,
  }
  return {
    kind: 'journal_posting',
    tool: 'netsuite_journal_post',
    amount,
    currency,
    counterparty: counterparty[template],
    flags,
    riskBase: 3,
    bands: [5000, 50000, 250000, 1_000_000],
    taskTitle: template === 'settlement' ? 'Book yesterday’s Stripe settlement' : `Month-end close: ${memo[template].split(' (')[0]}`,
    finish(o: Outcome) {
      const rows: [string, Row][] = []
      const evidence: EvidenceRef[] = []
      let lines: Line[]
      let memoText = memo[template]
      if (template === 'settlement') {
        const fee = Math.max(25, Math.round(total * 0.016))
        const rec = payoutRecords(env, currency, total - fee, env.createdAt - DAY)
        rec.payout.status = 'paid'
        rows.push(['payouts', rec.payout], ...rec.lines.map((l): [string, Row] => ['payout_lines', l]))
        evidence.push({ table: 'payouts', id: rec.payout.id as string }, ...rec.lines.map((l) => ({ table: 'payout_lines', id: l.id as string })))
        memoText = `Stripe payout settlement ${rec.payoutId}`
        lines = [acct('1000', 'debit', total - fee), acct('6150', 'debit', fee), acct('1090', 'credit', total)]
      } else if (template === 'accrual') {
        const parts = split(rng, total, rng.int(1, 3))
        const expense = rng.pick(['6120', '6200', '6300'])
        lines = [...parts.map((p, i) => acct(expense, 'debit', p, { department: DEPARTMENTS[i % DEPARTMENTS.length] })), acct('2100', 'credit', total, { memo: vendor })]
      } else if (template === 'revenue') {
        const [a, b] = split(rng, total, 2)
        lines = [acct('2400', 'debit', total), acct('4000', 'credit', a!), acct('4010', 'credit', b!)]
      } else if (template === 'payroll') {
        const [w, t, b] = split(rng, total, 3)
        lines = [acct('6000', 'debit', w!), acct('6010', 'debit', t!), acct('6020', 'debit', b!), acct('2200', 'credit', total)]
      } else if (template === 'intercompany') {
        lines = [acct('1300', 'debit', total, { memo: counterparty.intercompany }), acct('4900', 'credit', total)]
      } else {
        const loss = rng.chance(0.5)
        lines = loss ? [acct('7900', 'debit', total), acct('1200', 'credit', total)] : [acct('1200', 'debit', total), acct('7900', 'credit', total)]
      }
      if (template !== 'settlement' && rng.chance(0.35)) {
        // Last period's entry of the same kind, posted: the reviewer compares against it.
        const prior = postedLines(env, lines, 'JE', env.createdAt - 30 * DAY, currency, `${memoText.split(' (')[0]} (prior period)`, 0.85 + rng.next() * 0.3)
        rows.push(...prior.map((r): [string, Row] => ['journal_postings', r]))
        evidence.push(...prior.map((r) => ({ table: 'journal_postings', id: r.id as string })))
      }
      const args: Record<string, unknown> = {
        subsidiary_id: tenant.subsidiaryId,
        tran_date: isoDate(tranDate),
        posting_period: period,
        currency,
        memo: memoText,
        lines,
      }
      if (template === 'accrual' || template === 'payroll') {
        const next = new Date(tranDate)
        args.reversal_date = isoDate(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1))
      }
      const finalArgs = o.edited ? { ...args, memo: `${memoText} — ref PO-${env.nextNumber('po')}` } : args
      let actionResult: Record<string, unknown> | null = null
      if (o.executed) {
        const posted = postedLines(env, lines, 'JE', o.decidedAt ?? env.createdAt, currency, finalArgs.memo as string, 1)
        rows.push(...posted.map((r): [string, Row] => ['journal_postings', r]))
        evidence.push(...posted.map((r) => ({ table: 'journal_postings', id: r.id as string })))
        actionResult = { internal_id: posted[0]!.internal_id, tran_id: posted[0]!.tran_id, status: 'posted' }
      } else if (o.failed) {
        actionResult = { error: { code: 'INVALID_ACCOUNTING_PERIOD', message: 'The accounting period is locked for AP/AR.' } }
      }
      const fmt = formatMoney(amount, currency)
      const table = lines
        .map((l) => `| ${l.account} ${l.account_name} | ${l.debit !== undefined ? formatMoney(l.debit, currency) : ''} | ${l.credit !== undefined ? formatMoney(l.credit, currency) : ''} |`)
        .join('\n')
      return {
        title: `Journal entry: ${memoText} (${fmt})`,
        summary: `**${memoText}** — ${subsidiaryName}, period ${period}, dated ${isoDate(tranDate)}.\n\n| account | debit | credit |\n|---|---:|---:|\n${table}`,
        args,
        finalArgs,
        finalAmount: amount,
        editReason: o.edited ? 'Fixed the memo to reference the PO number.' : undefined,
        evidence,
        rows,
        actionResult,
        taskDescription: `${memoText}. Lines prepared from the ${template === 'settlement' ? 'Stripe payout report' : 'close checklist'}.`,
      }
    },
  }
}

/** Ledger lines as NetSuite reports them: one row per line, signed (debit positive). */
function postedLines(env: BuildEnv, lines: Line[], prefix: string, at: number, currency: Currency, memo: string, scale: number): Row[] {
  const { rng } = env
  const internalId = String(env.nextNumber('ns-internal-id'))
  const tranId = `${prefix}-${new Date(at).getUTCFullYear()}-${String(env.nextNumber('je')).padStart(6, '0')}`
  // Scaling can break the balance by a cent; the last line absorbs it.
  const signed = lines.map((l) => Math.round((l.debit !== undefined ? cents(l.debit) : -cents(l.credit ?? 0)) * scale))
  signed[signed.length - 1]! -= signed.reduce((a, b) => a + b, 0)
  return lines.map((l, i) => ({
    ...sourced(env, 'netsuite', 'journal_line', `${internalId}:${i + 1}`, at + rng.int(1, 60) * 1000),
    transaction_type: 'journalentry',
    internal_id: internalId,
    tran_id: tranId,
    line_no: i + 1,
    tran_date: isoDate(at),
    posting_period: postingPeriod(at),
    account_id: l.account,
    amount: money(fromCents(signed[i]!)),
    currency,
    subsidiary_id: env.tenant.subsidiaryId,
    memo: l.memo ?? memo,
  }))
}
