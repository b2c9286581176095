// The rule set is stated once: the server's table (public.decision_rules) and its order of checks in
// push_approval_decide are the TypeScript table's, and the money helpers the pre-flight uses read
// payloads exactly as the server's do.
import { describe, expect, it } from 'vitest'
import { parseDecimal } from '../../src/shared/decimal'
import {
  DECISION_RULES,
  MINOR_UNIT_DIGITS,
  MONEY_KIND_SCHEMAS,
  payloadMoney,
  RELEASE,
  STOP,
  type MoneySpec,
} from '../../src/shared/decision-rules'
import { ERROR_MESSAGES } from '../../src/shared/errors'
import { schemaErrors } from '../../src/shared/json-schema'
import { admin } from '../support/db'

describe('the decision rule table', () => {
  it('is the server’s table, row for row', async () => {
    const { rows } = await admin().query('select ord, rule, code, binds from public.decision_rules() order by ord')
    expect(rows).toEqual(DECISION_RULES.map((r) => ({ ord: r.ord, rule: r.rule, code: r.code, binds: [...r.binds] })))
  })

  it('is checked by push_approval_decide in the table’s order, each refusal with the rule’s code', async () => {
    const { rows } = await admin().query(`select prosrc from pg_proc where proname = 'push_approval_decide'`)
    const source = rows[0].prosrc as string
    // Every check opens with push_rule_binds('<rule>', …); the refusal it guards follows.
    const checks = [...source.matchAll(/push_rule_binds\('(\w+)'[\s\S]*?push_refuse\('(\w+)'/g)].map((m) => [m[1], m[2]])
    const distinctInOrder = checks.filter((c, i) => i === 0 || checks[i - 1]![0] !== c[0])
    expect(distinctInOrder).toEqual(DECISION_RULES.filter((r) => r.rule !== 'may_read').map((r) => [r.rule, r.code]))
  })

  it('names only codes the console can explain', () => {
    for (const r of DECISION_RULES) expect(Object.hasOwn(ERROR_MESSAGES, r.code)).toBe(true)
  })

  it('lets a stop be judged from an approve’s first refusal: every rule binding a stop precedes every release-only rule', () => {
    const lastStop = Math.max(...DECISION_RULES.filter((r) => r.binds.some((b) => STOP.includes(b as never))).map((r) => r.ord))
    const releaseOnly = DECISION_RULES.filter((r) => r.binds.every((b) => !STOP.includes(b as never)) && r.binds.some((b) => RELEASE.includes(b as never)))
    for (const r of releaseOnly) expect(r.ord).toBeGreaterThan(lastStop)
    // The one exception, reason_required, binds reject alone and depends on the reason typed, not on the item.
    expect(DECISION_RULES.filter((r) => r.ord < lastStop && !r.binds.includes('approve')).map((r) => r.rule)).toEqual([
      'may_read',
      'reason_for_high_risk',
    ])
  })
})

describe('money read from a payload', () => {
  it('uses the server’s built-in schemas and minor-unit digits', async () => {
    for (const kind of ['refund', 'payout', 'spend', 'journal_posting', 'tool_call', 'changeset']) {
      const { rows } = await admin().query('select public.money_kind_schema($1) as s', [kind])
      expect({ kind, schema: rows[0].s }).toEqual({ kind, schema: MONEY_KIND_SCHEMAS[kind] ?? null })
    }
    const codes = ['USD', 'EUR', 'JPY', 'KWD', 'BHD', 'CLP', 'GBP', ...Object.keys(MINOR_UNIT_DIGITS)]
    const { rows } = await admin().query('select c, public.currency_minor_digits(c) as d from unnest($1::text[]) c', [codes])
    for (const r of rows) expect({ c: r.c, d: r.d }).toEqual({ c: r.c, d: MINOR_UNIT_DIGITS[r.c] ?? 2 })
  })

  const minor: MoneySpec = { amount: '/amount', currency: '/currency', unit: 'minor' }
  const lines: MoneySpec = { amount: '/lines/*/debit', currency: '/currency', unit: 'major' }
  const base: MoneySpec = { amount: '/properties/amount', unit: 'major' }
  const cases: [MoneySpec, unknown][] = [
    [minor, { amount: 50000, currency: 'eur' }],
    [minor, { amount: 99999999999, currency: 'gbp' }],
    [minor, { amount: 999, currency: 'KWD' }],
    [minor, { amount: 1000, currency: 'jpy' }],
    [minor, { amount: -5, currency: 'usd' }],
    [minor, { amount: '12', currency: 'usd' }],
    [minor, { amount: 1e14, currency: 'usd' }],
    [minor, { amount: 1e20, currency: 'usd' }],
    [minor, { amount: 10, currency: 'usdx' }],
    [minor, { amount: 10, currency: 42 }],
    [minor, { amount: 10 }],
    [minor, 'a bare string'],
    [minor, [1, 2]],
    [minor, { amount: { nested: 1 }, currency: 'usd' }],
    [lines, { currency: 'EUR', lines: [{ debit: 100.25 }, { credit: 100.25 }, { debit: 0.75 }] }],
    [lines, { currency: 'EUR', lines: [{ debit: 100 }, { debit: -1 }] }],
    [lines, { currency: 'EUR', lines: 'none' }],
    [lines, { currency: 'EUR', lines: [1, { debit: null }, { debit: 3 }] }],
    [base, { properties: { amount: '1234.50' } }],
    [base, { properties: { amount: '12e3' } }],
    [base, { properties: {} }],
  ]
  it.each(cases)('%j reads %j as the server does', async (spec, payload) => {
    const { rows } = await admin().query(
      'select o_amount::text as amount, o_currency as currency, o_problem as problem from public.payload_money($1, $2, $3)',
      [JSON.stringify(spec), JSON.stringify(payload), 'EUR'],
    )
    const server = rows[0] as { amount: string | null; currency: string | null; problem: string | null }
    const mine = payloadMoney(spec, payload, 'EUR')
    if ('problem' in mine) {
      expect(server.problem).toBe(mine.problem)
    } else {
      expect(server.problem).toBeNull()
      expect(server.currency).toBe(mine.currency)
      expect(parseDecimal(server.amount ?? '')).not.toBeNull()
      const [a, b] = [parseDecimal(server.amount!)!, mine.amount]
      const scale = Math.max(a.scale, b.scale)
      expect(a.units * 10n ** BigInt(scale - a.scale)).toBe(b.units * 10n ** BigInt(scale - b.scale))
    }
  })
})

describe('the console’s schema check of an edit', () => {
  const stripe = {
    type: 'object',
    additionalProperties: false,
    required: ['amount', 'currency'],
    properties: { amount: { type: 'integer', minimum: 1 }, currency: { type: 'string', enum: ['usd', 'eur'] } },
    'x-money': { amount: '/amount', currency: '/currency', unit: 'minor' },
  }
  const cases: [unknown, unknown][] = [
    [stripe, { amount: 100, currency: 'eur' }],
    [stripe, { amount: 100.5, currency: 'eur' }],
    [stripe, { amount: 100, currency: 'gbp' }],
    [stripe, { amount: 100, currency: 'eur', extra: 1 }],
    [stripe, 'a bare string'],
    [stripe, { amount: 0, currency: 'usd' }],
    [{ type: 'integer' }, 1e21],
    [{ multipleOf: 0.01 }, 12.34],
    [{ multipleOf: 0.01 }, 12.345],
    [{ minimum: 0.1 }, 0.1],
    [{ exclusiveMaximum: 0.3 }, 0.30000000000000004],
    [{ maxLength: 3 }, 'äöü'],
    [{ maxLength: 3 }, '😀😀😀'],
    [{ pattern: '^[A-Z]{3}$' }, 'EUR'],
    [{ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, '2026-12-03'],
    [{ uniqueItems: true }, [{ a: 1, b: 2 }, { b: 2, a: 1 }]],
    [{ enum: [{ a: [1, 2] }] }, { a: [1, 2] }],
    [{ const: 1 }, 1.0],
    [{ anyOf: [{ type: 'string' }] }, 'x'],
    [{ title: 'T', 'x-money': { amount: '/a', unit: 'major' } }, { a: 1 }],
    [{ minProperties: 2 }, { a: 1 }],
    [{ allOf: [{ type: 'number' }, { maximum: 5 }] }, 6],
  ]
  it.each(cases)('%j refuses %j exactly when the server does', async (schema, value) => {
    const { rows } = await admin().query('select public.json_schema_errors($1::jsonb, $2::jsonb) as e', [
      JSON.stringify(schema),
      JSON.stringify(value),
    ])
    expect(schemaErrors(schema, value).length > 0).toBe((rows[0].e as string[]).length > 0)
  })
})
