// Property: whoever decides whatever, the decision controls hold. fast-check generates approvals
// (every kind, demo currencies and one without a rate, amounts from cents to absurd and negative,
// four-eyes, named approvers, expiries, requests raised by reviewers) and rounds of decisions on
// them by every demo role, delegates (in the tenant, on the holding, expired) and holding managers:
// approves, edits (rescaled, re-currencied, malformed), rejects and escalations. Each round goes
// through sync_push, one batch per reviewer, one decision per approval per round; before it, the
// console's pre-flight (the real preflight() over the same rows) gives its verdict. After every
// run: (a) no approved payload's base-currency amount exceeds the limit of anyone who released it;
// (b) every approved item has required_approvals distinct non-requester principals who approved
// its final payload hash; (c) actions.args is the approved payload and the outbox row carries its
// hash, every kind; (d) the pre-flight verdict equals the server's, code for code, for every
// attempted decision; (e) each tenant's audit chain verifies with one entry per applied decision.
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare, multiply, parseDecimal, type Decimal } from '../../src/shared/decimal'
import { payloadMoney, payloadSchema, type DecisionKind, type MoneySpec } from '../../src/shared/decision-rules'
import type { ReviewerContext } from '../../src/core/queries/standing'
import { loadPreflightSubject, preflight } from '../../src/core/queries/standing'
import { admin } from '../support/db'
import { addMember, createAgent, createMember, createTenant, createTool, type Role } from '../support/fixtures'
import { reviewerContext, serverAsReplica } from '../support/preflight'
import { mutation, push } from '../push/support'

const RUNS = 14
const APPROVALS_PER_RUN = 36
const ROUNDS = 9
const PICKS_PER_ROUND = 40
const MIN_DECISIONS = 2000

const STRIPE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['charge', 'amount', 'currency'],
  properties: {
    charge: { type: 'string', minLength: 1 },
    amount: { type: 'integer', minimum: 0 },
    currency: { type: 'string', pattern: '^[a-z]{3}$' },
    note: { type: 'string', maxLength: 200 },
  },
  'x-money': { amount: '/amount', currency: '/currency', unit: 'minor' },
}
const POST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'text'],
  properties: { channel: { type: 'string', pattern: '^#[a-z]+$' }, text: { type: 'string', minLength: 1 } },
}

interface TenantSetup {
  id: string
  base: string
  agent: string
  stripe: { app: string; key: string }
  post: { app: string; key: string }
}
interface Reviewer {
  id: string
  label: string
}

const tenants: TenantSetup[] = []
const reviewers: Reviewer[] = []
/** Delegators whose delegations the generator may name as on_behalf_of, and some strangers. */
const principals: string[] = []
/** Per tenant: who may plausibly decide there (its members, holding managers, delegates). */
const deciders: Reviewer[][] = [[], [], []]
/** Per tenant: the people whose delegations reach it (and one without any). */
const principalsOf: string[][] = [[], [], []]
let attempted = 0
const disagreements: unknown[] = []
/** How the server answered, by code ('applied' for accepted decisions): the run's coverage. */
const outcomes = new Map<string, number>()

beforeAll(async () => {
  const holding = await createTenant({ kind: 'holding', baseCurrency: 'USD' })
  const specs = [
    await createTenant({ parentId: holding.id, baseCurrency: 'EUR' }),
    await createTenant({ parentId: holding.id, baseCurrency: 'USD' }),
    await createTenant({ baseCurrency: 'GBP' }),
  ]
  for (const t of specs) {
    const stripe = await createTool(t.id, { app: 'stripe', key: 'refund', jsonSchema: STRIPE_SCHEMA })
    const post = await createTool(t.id, { app: 'slack', key: 'post', jsonSchema: POST_SCHEMA })
    const base = (await admin().query('select base_currency::text as b from public.tenants where id = $1', [t.id])).rows[0].b
    tenants.push({
      id: t.id,
      base,
      agent: (await createAgent(t.id)).id,
      stripe: { app: stripe.app, key: stripe.tool_key },
      post: { app: post.app, key: post.tool_key },
    })
  }
  const roles: [Role, number | null, number][] = [
    ['admin', null, 5],
    ['finance', 25_000, 5],
    ['ops', 1_000, 3],
    ['manager', 100_000, 5],
    ['operator', 500, 2],
    ['viewer', null, 5],
  ]
  for (const t of tenants) {
    for (const [role, limit, maxRisk] of roles) {
      reviewers.push({ id: (await createMember(t.id, role, { approvalLimit: limit, maxRisk, label: role })).id, label: `${role}@${t.base}` })
    }
  }
  // Holding managers reach both subsidiaries; a holding viewer only reads.
  const groupManager = await createMember(holding.id, 'manager', { approvalLimit: 50_000, maxRisk: 5 })
  const groupViewer = await createMember(holding.id, 'viewer')
  reviewers.push({ id: groupManager.id, label: 'holding manager' }, { id: groupViewer.id, label: 'holding viewer' })
  // Delegates: inside a subsidiary (low risks only), on the holding, and one whose window closed.
  const [s1, s2, standalone] = tenants as [TenantSetup, TenantSetup, TenantSetup]
  const deputy = await createMember(s1.id, 'finance', { approvalLimit: 80_000, maxRisk: 5, label: 'deputy' })
  const groupDeputy = await createMember(s2.id, 'ops', { approvalLimit: 5_000, maxRisk: 4, label: 'group-deputy' })
  await addMember(holding.id, groupDeputy.id, 'viewer')
  const lapsed = await createMember(standalone.id, 'ops', { approvalLimit: 2_000, maxRisk: 3, label: 'lapsed' })
  const memberOf = (tenant: TenantSetup, role: string) => reviewers[tenants.indexOf(tenant) * roles.length + roles.findIndex((r) => r[0] === role)]!.id
  await admin().query(
    `insert into public.approval_delegations (tenant_id, delegator_id, delegate_id, risk_levels, starts_at, ends_at) values
       ($1, $2, $3, '{0,1,2,3}', now() - interval '1 hour', now() + interval '1 day'),
       ($4, $5, $6, '{0,1,2,3,4,5}', now() - interval '1 hour', now() + interval '1 day'),
       ($7, $8, $9, '{0,1,2,3,4,5}', now() - interval '2 days', now() - interval '1 day')`,
    [s1.id, memberOf(s1, 'ops'), deputy.id, holding.id, groupManager.id, groupDeputy.id, standalone.id, memberOf(standalone, 'manager'), lapsed.id],
  )
  reviewers.push({ id: deputy.id, label: 'deputy' }, { id: groupDeputy.id, label: 'group deputy' }, { id: lapsed.id, label: 'lapsed deputy' })
  principals.push(memberOf(s1, 'ops'), groupManager.id, memberOf(standalone, 'manager'), memberOf(s2, 'finance'))
  const byId = (id: string) => reviewers.find((r) => r.id === id)!
  tenants.forEach((t, i) => deciders[i]!.push(...reviewers.slice(i * roles.length, (i + 1) * roles.length)))
  deciders[0]!.push(byId(groupManager.id), byId(deputy.id))
  deciders[1]!.push(byId(groupManager.id), byId(groupDeputy.id))
  deciders[2]!.push(byId(lapsed.id))
  principalsOf[0]!.push(memberOf(s1, 'ops'))
  principalsOf[1]!.push(groupManager.id, memberOf(s2, 'finance'))
  principalsOf[2]!.push(memberOf(standalone, 'manager'))
}, 120_000)

// ───────────────────────── generators ─────────────────────────

const KINDS = ['tool_call_money', 'tool_call_plain', 'refund', 'refund_tool', 'payout', 'spend', 'journal_posting', 'changeset'] as const
type KindCase = (typeof KINDS)[number]

/** A value once in `n` draws, else null. */
function rarely<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: n - 1 }, { arbitrary: arb, weight: 1 })
}

const approvalArb = fc.record({
  tenant: fc.nat({ max: 2 }),
  kind: fc.constantFrom(...KINDS),
  currency: fc.constantFrom('USD', 'EUR', 'GBP', 'EUR', 'USD', 'KWD'),
  amount: fc.oneof(
    fc.integer({ min: 1, max: 2_000 }),
    fc.integer({ min: 1, max: 150_000 }),
    fc.constantFrom(999, 1_000, 1_001, 25_000, 100_000, 99_999_999, -5_000_000),
  ),
  declaredOff: fc.boolean(), // the request declares a different amount than its payload moves
  risk: fc.integer({ min: 0, max: 5 }),
  fourEyes: fc.boolean(),
  named: fc.constantFrom('none', 'none', 'principal', 'principal', 'decider'),
  namedIndex: fc.nat({ max: 100 }),
  expired: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  byReviewer: rarely(fc.nat({ max: 100 }), 12),
})
type ApprovalCase = typeof approvalArb extends fc.Arbitrary<infer T> ? T : never

const editArb = fc.record({
  how: fc.constantFrom('scale', 'scale', 'currency', 'same', 'string', 'drop', 'negative'),
  factor: fc.constantFrom(0.5, 0.1, 2, 10, 1000, 1e6),
  currency: fc.constantFrom('USD', 'EUR', 'GBP', 'KWD'),
})
type EditCase = typeof editArb extends fc.Arbitrary<infer T> ? T : never

const pickArb = fc.record({
  approval: fc.nat({ max: APPROVALS_PER_RUN - 1 }),
  reviewer: fc.nat({ max: 100 }),
  /** Mostly someone of the approval's tenant; now and then anyone at all (outsiders, other tenants). */
  anyone: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  decision: fc.constantFrom<DecisionKind>('approve', 'approve', 'approve', 'approve_with_edits', 'approve_with_edits', 'reject', 'escalate'),
  reason: fc.boolean(),
  onBehalf: rarely(fc.nat({ max: 100 }), 10),
  edit: editArb,
})

const runArb = fc.record({
  approvals: fc.array(approvalArb, { minLength: APPROVALS_PER_RUN, maxLength: APPROVALS_PER_RUN }),
  rounds: fc.array(fc.array(pickArb, { minLength: PICKS_PER_ROUND, maxLength: PICKS_PER_ROUND }), {
    minLength: ROUNDS,
    maxLength: ROUNDS,
  }),
})

// ───────────────────────── building approvals and edits ─────────────────────────

function payloadFor(kind: KindCase, amount: number, currency: string): Record<string, unknown> {
  switch (kind) {
    case 'tool_call_money':
    case 'refund_tool':
      return { charge: `ch_${randomUUID().slice(0, 8)}`, amount: Math.round(amount * 100), currency: currency.toLowerCase() }
    case 'tool_call_plain':
      return { channel: '#finance', text: `Paid ${amount} ${currency}` }
    case 'journal_posting':
      return { currency, memo: 'accrual', lines: [{ debit: amount / 2 }, { debit: amount / 2 }, { credit: amount }] }
    case 'changeset':
      return { changeset_id: randomUUID() }
    default:
      return { amount, currency, reference: `r_${randomUUID().slice(0, 8)}` }
  }
}

/** The tenant index of each approval the run created. */
const tenantOf = new Map<string, number>()

async function createCase(c: ApprovalCase): Promise<string> {
  const t = tenants[c.tenant]!
  const local = deciders[c.tenant]!
  const kind = c.kind === 'tool_call_money' || c.kind === 'tool_call_plain' ? 'tool_call' : c.kind === 'refund_tool' ? 'refund' : c.kind
  const payload = payloadFor(c.kind, c.amount, c.currency)
  const tool = c.kind === 'tool_call_plain' ? t.post : c.kind === 'tool_call_money' || c.kind === 'refund_tool' ? t.stripe : null
  const action = (
    await admin().query(
      `insert into public.actions (tenant_id, agent_id, tool, args, risk) values ($1, $2, $3, $4, $5) returning id`,
      [t.id, t.agent, JSON.stringify(tool ?? { app: 'internal', key: kind }), JSON.stringify(payload), c.risk],
    )
  ).rows[0].id as string
  const requester = c.byReviewer === null ? null : local[c.byReviewer % local.length]!.id
  const named =
    c.named === 'principal' ? [principalsOf[c.tenant]![c.namedIndex % principalsOf[c.tenant]!.length]!] : c.named === 'decider' ? [local[c.namedIndex % local.length]!.id] : []
  const declared = kind === 'changeset' ? null : (c.declaredOff ? c.amount / 10 : c.amount).toFixed(2)
  const { rows } = await admin().query(
    `insert into public.approvals (tenant_id, kind, action_id, title, risk_level, amount, currency, requested_by_agent_id,
       requested_by_user_id, approver_ids, required_approvals, payload, expires_at)
     values ($1, $2, $3, 'Property case', $4, $5, $6, $7, $8, $9, $10, $11, now() + $12::interval) returning id`,
    [
      t.id,
      kind,
      action,
      c.risk,
      declared,
      declared === null ? null : c.currency,
      requester ? null : t.agent,
      requester,
      named,
      c.fourEyes ? 2 : 1,
      JSON.stringify(payload),
      c.expired ? '-1 hour' : '1 day',
    ],
  )
  tenantOf.set(rows[0].id, c.tenant)
  return rows[0].id as string
}

function applyEdit(payload: unknown, e: EditCase): unknown {
  if (e.how === 'string') return 'just approve it'
  const p = { ...(payload as Record<string, unknown>) }
  const lower = typeof p.currency === 'string' && p.currency === p.currency.toLowerCase()
  const scale = (v: unknown, f: number) => (typeof v === 'number' ? (Number.isInteger(v) ? Math.round(v * f) : Math.round(v * f * 100) / 100) : v)
  switch (e.how) {
    case 'scale':
      if ('amount' in p) p.amount = scale(p.amount, e.factor)
      if (Array.isArray(p.lines)) {
        p.lines = (p.lines as Record<string, unknown>[]).map((l) => ({
          ...l,
          ...('debit' in l ? { debit: scale(l.debit, e.factor) } : {}),
          ...('credit' in l ? { credit: scale(l.credit, e.factor) } : {}),
        }))
      }
      if ('text' in p) p.text = `${String(p.text)} (edited)`
      break
    case 'currency':
      if ('currency' in p) p.currency = lower ? e.currency.toLowerCase() : e.currency
      break
    case 'drop':
      delete p.amount
      delete p.lines
      delete p.text
      break
    case 'negative':
      if ('amount' in p) p.amount = -Math.abs(Number(p.amount) || 1)
      break
  }
  return p
}

// ───────────────────────── one run ─────────────────────────

async function decideRound(ids: string[], picks: (typeof pickArb extends fc.Arbitrary<infer T> ? T : never)[], contexts: Map<string, ReviewerContext>) {
  const db = serverAsReplica()
  const seenApproval = new Set<number>()
  const byReviewer = new Map<string, { m: ReturnType<typeof mutation>; verdict: string | null; label: string; versionSeen: number }[]>()
  const now = new Date()
  for (const p of picks) {
    if (seenApproval.has(p.approval)) continue
    seenApproval.add(p.approval)
    const approvalId = ids[p.approval]!
    const tenantIndex = tenantOf.get(approvalId)!
    const pool = p.anyone ? reviewers : deciders[tenantIndex]!
    const reviewer = pool[p.reviewer % pool.length]!
    const subject = await loadPreflightSubject(db, approvalId)
    if (!subject) throw new Error('approval vanished')
    const args: Record<string, unknown> = {
      approval_id: approvalId,
      decision: p.decision,
      version_seen: subject.version,
      payload_hash_seen: subject.payloadHash,
    }
    if (p.reason) args.reason = 'Checked against the evidence'
    if (p.decision === 'approve_with_edits') args.edited_payload = applyEdit(subject.payload, p.edit)
    if (p.onBehalf !== null) {
      const from = p.anyone ? principals : principalsOf[tenantIndex]!
      args.on_behalf_of = from[p.onBehalf % from.length]
    }
    let ctx = contexts.get(reviewer.id)
    if (!ctx) {
      ctx = await reviewerContext(reviewer.id, now)
      contexts.set(reviewer.id, ctx)
    }
    const verdict = preflight({ ...ctx, now }, subject, p.decision, {
      versionSeen: subject.version,
      payloadHashSeen: subject.payloadHash,
      reason: (args.reason as string | undefined) ?? null,
      editedPayload: args.edited_payload,
      onBehalfOf: (args.on_behalf_of as string | undefined) ?? null,
    })
    const list = byReviewer.get(reviewer.id) ?? []
    list.push({ m: mutation('approval.decide', JSON.parse(JSON.stringify(args))), verdict: verdict?.code ?? null, label: reviewer.label, versionSeen: subject.version })
    byReviewer.set(reviewer.id, list)
  }
  let writes = 0
  for (const [userId, list] of byReviewer) {
    const results = await push(userId, list.map((x) => x.m))
    results.forEach((r, i) => {
      const x = list[i]!
      attempted += 1
      const server = r.status === 'applied' ? null : r.code
      outcomes.set(server ?? `applied ${x.m.args.decision as string}`, (outcomes.get(server ?? `applied ${x.m.args.decision as string}`) ?? 0) + 1)
      if (server !== x.verdict) disagreements.push({ who: x.label, args: x.m.args, console: x.verdict, server, message: r.message })
      const row = r.row as { version?: number } | null
      if (r.status === 'applied' && row?.version === x.versionSeen + 1) writes += 1
    })
  }
  return writes
}

async function checkInvariants(ids: string[], writes: number) {
  // (a) no released payload exceeds the limit of anyone who released it, in base currency.
  const approved = await admin().query(
    `select a.id, a.tenant_id, a.kind, a.payload, a.payload_hash, a.amount::text as amount, a.currency::text as currency,
            a.required_approvals, a.requested_by_user_id, t.base_currency::text as base, tool.json_schema as tool_schema,
            ac.args, o.payload_hash as outbox_hash
       from public.approvals a join public.tenants t on t.id = a.tenant_id
       left join public.actions ac on ac.id = a.action_id
       left join public.tools tool on tool.tenant_id = a.tenant_id and tool.app = ac.tool ->> 'app' and tool.tool_key = ac.tool ->> 'key'
       left join public.outbox o on o.action_id = a.action_id
      where a.id = any ($1::uuid[]) and a.status = 'approved'`,
    [ids],
  )
  for (const a of approved.rows) {
    const schema = payloadSchema({ kind: a.kind, toolSchema: a.tool_schema })
    const spec = (schema as { 'x-money'?: MoneySpec } | null)?.['x-money']
    let amount: Decimal | null = null
    let currency: string | null = null
    if (spec) {
      const m = payloadMoney(spec, a.payload, a.base)
      expect(m, `approved ${a.id} moves an untrustworthy amount`).not.toHaveProperty('problem')
      if (!('problem' in m)) [amount, currency] = [m.amount, m.currency]
    } else if (a.amount !== null) {
      ;[amount, currency] = [parseDecimal(a.amount), a.currency]
    }
    const releasers = await admin().query(
      `select d.actor_id, d.on_behalf_of,
              (select approval_limit::text from public.effective_membership(a.tenant_id, d.actor_id)) as actor_limit,
              (select approval_limit::text from public.effective_membership(a.tenant_id, d.on_behalf_of)) as principal_limit,
              public.fx_rate_on($3, t.base_currency, current_date)::text as rate
         from public.approval_decisions d join public.approvals a on a.id = d.approval_id join public.tenants t on t.id = a.tenant_id
        where d.approval_id = $1 and d.payload_hash_approved = $2`,
      [a.id, a.payload_hash, currency ?? 'USD'],
    )
    if (amount !== null) {
      for (const r of releasers.rows) {
        expect(r.rate, `approved ${a.id} in ${currency} without a rate`).not.toBeNull()
        const base = multiply(amount, parseDecimal(r.rate)!)
        for (const limit of [r.actor_limit, r.on_behalf_of ? r.principal_limit : null]) {
          if (limit !== null) expect(compare(base, parseDecimal(limit)!), `approved ${a.id} above a releaser's limit`).toBeLessThanOrEqual(0)
        }
      }
    }
    // (b) enough distinct principals, none the requester, approved exactly the final payload.
    const principalsOfFinal = new Set(releasers.rows.map((r) => (r.on_behalf_of ?? r.actor_id) as string))
    expect(principalsOfFinal.size, `approved ${a.id} without enough approvers of its final payload`).toBeGreaterThanOrEqual(a.required_approvals)
    expect(principalsOfFinal.has(a.requested_by_user_id)).toBe(false)
    // (c) the action runs the approved payload; the outbox names its hash.
    expect(a.args, `actions.args of ${a.id}`).toEqual(a.payload)
    expect(a.outbox_hash).toBe(a.payload_hash)
  }
  // (e) one audit entry per applied decision, and every chain verifies.
  const { rows: counts } = await admin().query(
    `select (select count(*)::int from public.approval_decisions where approval_id = any ($1::uuid[])) as decisions,
            (select count(*)::int from public.audit_log where entity_id = any ($1::uuid[]::text[]) and action like 'approval.%'
               and action <> 'approval.expired') as entries`,
    [ids],
  )
  expect(counts[0]).toEqual({ decisions: writes, entries: writes })
  for (const t of tenants) {
    expect((await admin().query('select public.verify_audit_chain($1) as b', [t.id])).rows[0].b).toBeNull()
  }
}

describe('decisions by anyone on anything', () => {
  afterAll(() => {
    // Reported here so a run that fails early still says how far it got.
    console.log(`decision property: ${attempted} decisions attempted, ${disagreements.length} pre-flight disagreements`)
    console.log(`server answers: ${JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])))}`)
  })

  it(
    `keep every control, and the pre-flight agrees with the server on every one (≥ ${MIN_DECISIONS} decisions)`,
    async () => {
      const contexts = new Map<string, ReviewerContext>()
      await fc.assert(
        fc.asyncProperty(runArb, async (run) => {
          const ids: string[] = []
          for (const c of run.approvals) ids.push(await createCase(c))
          let writes = 0
          for (const round of run.rounds) writes += await decideRound(ids, round, contexts)
          // (d) every attempted decision: the console's verdict is the server's.
          expect(disagreements.slice(0, 5)).toEqual([])
          await checkInvariants(ids, writes)
        }),
        { numRuns: RUNS, endOnFailure: true },
      )
      expect(attempted).toBeGreaterThanOrEqual(MIN_DECISIONS)
      // The generator reached every rule that money, edits, delegation and four-eyes can break.
      for (const code of ['applied approve', 'applied approve_with_edits', 'applied reject', 'applied escalate', 'over_limit',
        'fx_rate_missing', 'invalid_amount', 'invalid_payload', 'duplicate_approver', 'risk_above_max', 'not_an_approver',
        'self_approval', 'forbidden', 'not_found', 'approval_expired', 'already_decided', 'reason_required']) {
        expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0)
      }
    },
    600_000,
  )
})
