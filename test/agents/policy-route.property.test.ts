// The policy router, property by property against the real function (agent_policy_route), for any
// valid policy and any request: the first rule whose conditions all hold decides, else the
// default; and an unknown amount or trust never leads to an auto-approval that a rule passed over
// for it might have prevented — with an unknown value, `auto` only ever comes from the policy
// when no rule looked at that value.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { admin } from '../support/db'

type Route = 'auto' | 'required' | 'four_eyes' | 'deny'
interface When { amount_above?: number; amount_at_most?: number; risk_above?: number; risk_at_most?: number; trust_below?: number; trust_at_least?: number; from_hour?: number; until_hour?: number }
interface Rule { name: string; route: Route; when: When }
interface Policy { approval: Route; rules: Rule[] }
interface Req { amount: number | null; risk: number; trust: number | null; hour: number }

const route = fc.constantFrom<Route>('auto', 'required', 'four_eyes', 'deny')
const when = fc.record<When>({
  amount_above: fc.integer({ min: 0, max: 2000 }),
  amount_at_most: fc.integer({ min: 0, max: 2000 }),
  risk_above: fc.integer({ min: 0, max: 5 }),
  risk_at_most: fc.integer({ min: 0, max: 5 }),
  trust_below: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => Math.round(x * 100) / 100),
  trust_at_least: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => Math.round(x * 100) / 100),
  from_hour: fc.integer({ min: 0, max: 23 }),
  until_hour: fc.integer({ min: 1, max: 24 }),
}, { requiredKeys: [] })
const policy = fc.record<Policy>({
  approval: route,
  rules: fc.array(fc.record({ route, when }), { maxLength: 5 }).map((rs) => rs.map((r, i) => ({ name: `rule ${i + 1}`, ...r }))),
})
const req = fc.record<Req>({
  amount: fc.option(fc.integer({ min: 0, max: 2500 }), { nil: null }),
  risk: fc.integer({ min: 0, max: 5 }),
  trust: fc.option(fc.double({ min: 0, max: 1, noNaN: true }).map((x) => Math.round(x * 100) / 100), { nil: null }),
  hour: fc.integer({ min: 0, max: 23 }),
})

/** The documented semantics, written out plainly. */
function expected(p: Policy, r: Req): { route: Route; rule: string } {
  let unknown: string | null = null
  for (const rule of p.rules) {
    const w = rule.when
    const conds: (boolean | null)[] = []
    const cmp = (present: boolean, value: number | null, test: (v: number) => boolean) => {
      if (present) conds.push(value === null ? null : test(value))
    }
    cmp(w.amount_above !== undefined, r.amount, (v) => v > w.amount_above!)
    cmp(w.amount_at_most !== undefined, r.amount, (v) => v <= w.amount_at_most!)
    cmp(w.risk_above !== undefined, r.risk, (v) => v > w.risk_above!)
    cmp(w.risk_at_most !== undefined, r.risk, (v) => v <= w.risk_at_most!)
    cmp(w.trust_below !== undefined, r.trust, (v) => v < w.trust_below!)
    cmp(w.trust_at_least !== undefined, r.trust, (v) => v >= w.trust_at_least!)
    if (w.from_hour !== undefined || w.until_hour !== undefined) {
      const f = w.from_hour ?? 0
      const u = w.until_hour ?? 24
      conds.push(f <= u ? r.hour >= f && r.hour < u : r.hour >= f || r.hour < u)
    }
    if (conds.includes(false)) continue
    if (conds.includes(null)) {
      unknown ??= rule.name
      continue
    }
    if (rule.route === 'auto' && unknown !== null) return { route: 'required', rule: `unknown value for rule "${unknown}"` }
    return { route: rule.route, rule: rule.name }
  }
  if (unknown !== null && p.approval === 'auto') return { route: 'required', rule: `unknown value for rule "${unknown}"` }
  return { route: p.approval, rule: 'default' }
}

async function actual(p: Policy, r: Req): Promise<{ route: Route; rule: string }> {
  const { rows } = await admin().query('select public.agent_policy_route($1, $2, $3, $4, $5) as r', [p, r.amount, r.risk, r.trust, r.hour])
  return rows[0].r
}

describe('agent_policy_route', () => {
  it('every generated policy is valid for policy.set', async () => {
    await fc.assert(fc.asyncProperty(policy, async (p) => {
      const { rows } = await admin().query('select public.agent_policy_errors($1) as e', [p])
      expect(rows[0].e).toEqual([])
    }), { numRuns: 50 })
  })

  it('routes exactly as documented: first matching rule, else the default; unknown values never loosen', async () => {
    await fc.assert(fc.asyncProperty(policy, req, async (p, r) => {
      expect(await actual(p, r)).toEqual(expected(p, r))
    }), { numRuns: 300 })
  })

  it('an unknown amount is never auto-approved past an amount rule that could have applied', async () => {
    await fc.assert(fc.asyncProperty(policy, req, async (p, r) => {
      const unknownAmount = { ...r, amount: null }
      const got = await actual(p, unknownAmount)
      if (got.route !== 'auto') return
      // Rules that mention the amount and whose other conditions all hold: each might have said no.
      const couldApply = (rule: Rule) => {
        const others = expected({ approval: 'deny', rules: [{ ...rule, route: 'required',
          when: { ...rule.when, amount_above: undefined, amount_at_most: undefined } }] }, unknownAmount)
        return (rule.when.amount_above !== undefined || rule.when.amount_at_most !== undefined) && others.route === 'required'
      }
      const decidedAt = got.rule === 'default' ? p.rules.length : p.rules.findIndex((x) => x.name === got.rule)
      expect(decidedAt).toBeGreaterThanOrEqual(0)
      expect(p.rules.slice(0, decidedAt).some(couldApply)).toBe(false)
    }), { numRuns: 300 })
  })
})
