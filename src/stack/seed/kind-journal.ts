// Journal posting requests: settlements, accruals, revenue recognition, payroll, intercompany and
// FX entries with balanced lines, last period's posted entry as evidence, and the posted lines once
// the entry ran (NetSuite reports one signed row per line).
import type { BuildEnv, Draft, EvidenceRef, Outcome } from './draft'
import { DAY, cents, formatMoney, fromCents, isoDate, money, postingPeriod, type Currency } from './model'
import type { Rng } from './prng'
import { payoutRecords, sourced } from './records'
import { VENDORS } from './vocab'
import type { Row } from './writer'

interface Line {
  account: string
  account_name: string
  debit?: number
  credit?: number
  department?: string
  memo?: string
}

const ACCOUNTS: Record<string, string> = {
  '1000': 'Operating cash',
  '1090': 'Stripe clearing',
  '1200': 'Accounts receivable',
  '1300': 'Intercompany receivable',
  '2100': 'Accrued liabilities',
  '2200': 'Accrued payroll',
  '2400': 'Deferred revenue',
  '2300': 'Intercompany payable',
  '4000': 'Product revenue',
  '4010': 'Subscription revenue',
  '4900': 'Management fee income',
  '6000': 'Salaries and wages',
  '6010': 'Payroll taxes',
  '6020': 'Employee benefits',
  '6120': 'Freight-in',
  '6150': 'Payment processing fees',
  '6200': 'Software subscriptions',
  '6300': 'Professional fees',
  '7900': 'FX gains and losses',
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
    ? rng.weighted([
        ['intercompany', 6],
        ['payroll', 2],
        ['fx', 2],
      ])
    : rng.weighted([
        ['settlement', 4],
        ['accrual', 4],
        ['revenue', 2],
        ['payroll', 1],
        ['fx', 1],
      ])
  const medians: Record<JournalTemplate, number> = {
    settlement: 14000,
    accrual: 16000,
    revenue: 42000,
    payroll: 160000,
    intercompany: 65000,
    fx: 2500,
  }
  let amount = env.want?.amount ?? rng.logNormal(medians[template], 0.8, 120, 1_800_000)
  if (env.want?.amount === undefined && rng.chance(0.03))
    amount = Math.max(1000, Math.round(amount / 1000) * 1000)
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
    settlement: 'Stripe',
    accrual: vendor,
    revenue: 'Revenue recognition',
    payroll: `Payroll ${period}`,
    intercompany: rng.pick(['Northwind Retail', 'Northwind Payments']),
    fx: 'FX revaluation',
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
    taskTitle:
      template === 'settlement'
        ? 'Book yesterday’s Stripe settlement'
        : `Month-end close: ${memo[template].split(' (')[0]}`,
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
        evidence.push(
          { table: 'payouts', id: rec.payout.id as string },
          ...rec.lines.map((l) => ({ table: 'payout_lines', id: l.id as string })),
        )
        memoText = `Stripe payout settlement ${rec.payoutId}`
        lines = [
          acct('1000', 'debit', total - fee),
          acct('6150', 'debit', fee),
          acct('1090', 'credit', total),
        ]
      } else if (template === 'accrual') {
        const parts = split(rng, total, rng.int(1, 3))
        const expense = rng.pick(['6120', '6200', '6300'])
        lines = [
          ...parts.map((p, i) =>
            acct(expense, 'debit', p, { department: DEPARTMENTS[i % DEPARTMENTS.length] }),
          ),
          acct('2100', 'credit', total, { memo: vendor }),
        ]
      } else if (template === 'revenue') {
        const [a, b] = split(rng, total, 2)
        lines = [acct('2400', 'debit', total), acct('4000', 'credit', a!), acct('4010', 'credit', b!)]
      } else if (template === 'payroll') {
        const [w, t, b] = split(rng, total, 3)
        lines = [
          acct('6000', 'debit', w!),
          acct('6010', 'debit', t!),
          acct('6020', 'debit', b!),
          acct('2200', 'credit', total),
        ]
      } else if (template === 'intercompany') {
        lines = [
          acct('1300', 'debit', total, { memo: counterparty.intercompany }),
          acct('4900', 'credit', total),
        ]
      } else {
        const loss = rng.chance(0.5)
        lines = loss
          ? [acct('7900', 'debit', total), acct('1200', 'credit', total)]
          : [acct('1200', 'debit', total), acct('7900', 'credit', total)]
      }
      if (template !== 'settlement' && rng.chance(0.35)) {
        // Last period's entry of the same kind, posted: the reviewer compares against it.
        const prior = postedLines(
          env,
          lines,
          'JE',
          env.createdAt - 30 * DAY,
          currency,
          `${memoText.split(' (')[0]} (prior period)`,
          0.85 + rng.next() * 0.3,
        )
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
        const posted = postedLines(
          env,
          lines,
          'JE',
          o.decidedAt ?? env.createdAt,
          currency,
          finalArgs.memo as string,
          1,
        )
        rows.push(...posted.map((r): [string, Row] => ['journal_postings', r]))
        evidence.push(...posted.map((r) => ({ table: 'journal_postings', id: r.id as string })))
        actionResult = { internal_id: posted[0]!.internal_id, tran_id: posted[0]!.tran_id, status: 'posted' }
      } else if (o.failed) {
        actionResult = {
          error: { code: 'INVALID_ACCOUNTING_PERIOD', message: 'The accounting period is locked for AP/AR.' },
        }
      }
      const fmt = formatMoney(amount, currency)
      const table = lines
        .map(
          (l) =>
            `| ${l.account} ${l.account_name} | ${l.debit !== undefined ? formatMoney(l.debit, currency) : ''} | ${l.credit !== undefined ? formatMoney(l.credit, currency) : ''} |`,
        )
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
function postedLines(
  env: BuildEnv,
  lines: Line[],
  prefix: string,
  at: number,
  currency: Currency,
  memo: string,
  scale: number,
): Row[] {
  const { rng } = env
  const internalId = String(env.nextNumber('ns-internal-id'))
  const tranId = `${prefix}-${new Date(at).getUTCFullYear()}-${String(env.nextNumber('je')).padStart(6, '0')}`
  // Scaling can break the balance by a cent; the last line absorbs it.
  const signed = lines.map((l) =>
    Math.round((l.debit !== undefined ? cents(l.debit) : -cents(l.credit ?? 0)) * scale),
  )
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
