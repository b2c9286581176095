// Spend requests: software seats, cloud commitments and one-off purchases on a virtual card, with
// a budget code (or the missing_po flag).
import type { BuildEnv, Draft, Outcome } from './draft'
import { formatMoney } from './model'
import { drawCurrency } from './records'
import { SAAS_VENDORS } from './vocab'

const SPEND_OTHER = [
  ['hardware', 'Dell', 'laptops for new starters', 1400],
  ['travel', 'Lufthansa', 'flights for the quarterly offsite', 850],
  ['marketing', 'Meta Ads', 'a retargeting campaign', 4000],
  ['services', 'Gekko & Co Advisory', 'a transfer-pricing review', 12000],
  ['marketing', 'Google Ads', 'the holiday search campaign', 6000],
  ['services', 'Sterling Cooper Media', 'a product photo shoot', 3500],
] as const

export function spendDraft(env: BuildEnv): Draft {
  const { rng } = env
  const currency = drawCurrency(env)
  let vendor: string
  let what: string
  let category: string
  let unit: number
  let qty = 1
  let recurring: 'one_time' | 'monthly' | 'annual'
  if (rng.chance(0.6)) {
    const [v, item] = rng.pick(SAAS_VENDORS)
    vendor = v
    qty = item.includes('seats') || item.includes('licences') ? rng.int(3, 60) : 1
    what = qty > 1 ? `${qty} ${item}` : item
    category = v === 'AWS' || v === 'Google Cloud' || v === 'Snowflake' ? 'cloud' : 'software'
    recurring = rng.weighted([
      ['annual', 5],
      ['monthly', 3],
      ['one_time', 2],
    ])
    unit =
      qty > 1
        ? rng.pick([12, 15, 20, 25, 40, 60]) * (recurring === 'annual' ? 12 : 1)
        : rng.logNormal(4000, 1, 200, 80000)
  } else {
    const [c, v, item, median] = rng.pick(SPEND_OTHER)
    vendor = v
    category = c
    what = item
    recurring = 'one_time'
    unit = rng.logNormal(median, 0.7, 80, 90000)
  }
  const amount = env.want?.amount ?? Math.round(unit * qty * 100) / 100
  const budgetCode = rng.chance(0.82)
    ? `${rng.pick(['OPS', 'ENG', 'MKT', 'FIN', 'GA'])}-${rng.int(10, 480)}`
    : undefined
  const flags: Draft['flags'] = budgetCode ? [] : ['missing_po']
  if (!env.knownCounterparties.has(vendor)) flags.push('new_counterparty')
  env.knownCounterparties.add(vendor)
  if (amount >= 1000 && amount % 1000 === 0) flags.push('round_amount')
  const fmt = formatMoney(amount, currency)
  const cadence = recurring === 'one_time' ? '' : recurring === 'annual' ? ' (annual)' : ' (monthly)'
  return {
    kind: 'spend',
    tool: 'ramp_create_purchase',
    amount,
    currency,
    counterparty: vendor,
    flags,
    riskBase: 2,
    bands: [500, 5000, 25000, 75000],
    taskTitle: `Buy ${what} from ${vendor}`,
    finish(o: Outcome) {
      const justification = `${env.agent.role} needs ${what}${cadence}. ${rng.pick([
        'Current plan runs out at the end of the month.',
        'Replaces two overlapping tools we pay for today.',
        'Requested by the team lead in the weekly ops review.',
        'Usage grew 40% this quarter; we are over the included quota.',
        'Needed before the new hires start on Monday.',
      ])}`
      const args: Record<string, unknown> = { vendor, amount, currency, category, justification, recurring }
      if (budgetCode) args.budget_code = budgetCode
      const finalAmount = o.edited ? Math.round(amount * 0.75 * 100) / 100 : amount
      const finalArgs = o.edited ? { ...args, amount: finalAmount } : args
      return {
        title: `Buy ${what} from ${vendor}${cadence} · ${fmt}`,
        summary: `**${fmt}${cadence}** to ${vendor} for ${what}.\n\n- Category: ${category}\n- Budget: ${budgetCode ?? '_none referenced_'}\n- Why: ${justification}`,
        args,
        finalArgs,
        finalAmount,
        editReason: o.edited ? 'Cut the seat count to what the team actually uses.' : undefined,
        evidence: [],
        rows: [],
        actionResult: o.executed
          ? { card_id: `card_${rng.token(16)}`, status: 'approved', amount: finalAmount, currency }
          : o.failed
            ? {
                error: {
                  code: 'card_limit_exceeded',
                  message: 'The virtual card limit is below the amount.',
                },
              }
            : null,
        taskDescription: justification,
      }
    },
  }
}
