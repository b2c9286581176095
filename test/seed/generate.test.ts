// The demo data generator, run into a database of its own: what it writes must be complete (every
// kind, risk level, status), consistent (evidence exists, journals balance, payouts add up, tool
// arguments satisfy their schemas, audit chains verify) and useful (each demo reviewer has items
// the server lets them decide, and items it refuses, for the reasons the rules give).
import { randomUUID } from 'node:crypto'
import Ajv, { type ValidateFunction } from 'ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemoData, type SeedSummary } from '../../src/stack/seed/generate'
import { asReviewer, freshDatabase, type FreshDatabase } from './fresh-db'

const DEMO = {
  finance: '20000000-0000-4000-8000-000000000001',
  ops: '20000000-0000-4000-8000-000000000002',
  viewer: '20000000-0000-4000-8000-000000000003',
  manager: '20000000-0000-4000-8000-000000000004',
  outsider: '20000000-0000-4000-8000-000000000005',
}
const TENANTS = {
  group: '10000000-0000-4000-8000-000000000001',
  retail: '10000000-0000-4000-8000-000000000002',
  payments: '10000000-0000-4000-8000-000000000003',
  acme: '10000000-0000-4000-8000-000000000004',
}

let db: FreshDatabase
let summary: SeedSummary
const NOW = Date.now()
const APPROVALS = 400

beforeAll(async () => {
  db = await freshDatabase('seed_gen')
  summary = await generateDemoData(db.url, { approvals: APPROVALS, seed: 7, now: NOW })
}, 120_000)

afterAll(async () => {
  await db?.drop()
})

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[]
}

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const [row] = await rows<T>(sql, params)
  if (!row) throw new Error(`no row from: ${sql}`)
  return row
}

describe('generateDemoData', () => {
  it('reports what it wrote, and writes it', async () => {
    expect(summary.approvals).toBe(APPROVALS)
    for (const [table, n] of Object.entries(summary.tables)) {
      if (table === 'tools') continue // unique per tenant: counted as inserted
      const { count } = await one<{ count: string }>(`select count(*) from public."${table}"`)
      expect(Number(count), table).toBeGreaterThanOrEqual(n)
    }
    expect(summary.rows).toBeGreaterThan(summary.approvals * 8)
  })

  it('writes the same data for the same seed', async () => {
    const again = await freshDatabase('seed_again')
    try {
      const second = await generateDemoData(again.url, { approvals: APPROVALS, seed: 7, now: NOW })
      expect(second.tables).toEqual(summary.tables)
      const digest = `select md5(string_agg(concat_ws('|', id, title, amount, currency, risk_level, status, payload_hash,
                        requested_by_user_id, approver_ids, expires_at), ',' order by id)) as d from public.approvals`
      const first = await one<{ d: string }>(digest)
      const other = (await again.pool.query<{ d: string }>(digest)).rows[0]
      expect(other?.d).toBe(first.d)
    } finally {
      await again.drop()
    }
  }, 60_000)

  it('covers every approval kind, risk level 0–5, status and currency', async () => {
    const distinct = async (col: string) =>
      (await rows<{ v: string }>(`select distinct ${col}::text as v from public.approvals order by 1`)).map(
        (r) => r.v,
      )
    expect(await distinct('kind')).toEqual([
      'changeset',
      'journal_posting',
      'payout',
      'refund',
      'spend',
      'tool_call',
    ])
    expect(await distinct('risk_level')).toEqual(['0', '1', '2', '3', '4', '5'])
    expect(await distinct('status')).toEqual([
      'approved',
      'cancelled',
      'escalated',
      'expired',
      'pending',
      'rejected',
    ])
    expect(await distinct('currency')).toEqual(expect.arrayContaining(['EUR', 'GBP', 'USD']))
    const perTenant = await rows<{ tenant_id: string; n: string }>(
      `select tenant_id, count(*) as n from public.approvals group by 1`,
    )
    expect(perTenant.map((r) => r.tenant_id).sort()).toEqual(Object.values(TENANTS).sort())
    const flags = await rows<{ f: string }>(`select distinct unnest(policy_flags) as f from public.approvals`)
    expect(flags.map((r) => r.f)).toEqual(
      expect.arrayContaining(['amount_above_p95', 'new_counterparty', 'currency_mismatch']),
    )
  })

  it('staffs every tenant with agents of every assistant type, tier and autonomy level', async () => {
    const agents = await rows<{ kinds: string[]; tiers: number[]; autonomy: string[] }>(
      `select array_agg(distinct kind order by kind) as kinds, array_agg(distinct tier order by tier) as tiers,
              array_agg(distinct autonomy order by autonomy) as autonomy
       from public.agents`,
    )
    expect(agents[0]).toEqual({
      kinds: [
        'company_compliance',
        'company_customer',
        'company_finance',
        'company_marketing',
        'company_operations',
        'company_product',
        'custom',
        'executive_cos',
        'shared_finance',
        'shared_hr',
        'shared_it',
        'shared_legal',
      ],
      tiers: [1, 2, 3, 4, 5],
      autonomy: ['A1', 'A2', 'A3'],
    })
    // Every approval was raised by an agent of its own tenant.
    const foreign = await rows(
      `select a.id from public.approvals a join public.agents g on g.id = a.requested_by_agent_id where g.tenant_id <> a.tenant_id`,
    )
    expect(foreign).toEqual([])
  })

  it('points every evidence entry at a row that exists', async () => {
    const refs = await rows<{ t: string; ids: string[] }>(
      `select e ->> 'table' as t, array_agg(distinct e ->> 'id') as ids
       from public.approvals a cross join lateral jsonb_array_elements(a.evidence) e group by 1`,
    )
    expect(refs.map((r) => r.t)).toEqual(
      expect.arrayContaining([
        'tasks',
        'orders',
        'payments',
        'refunds',
        'payouts',
        'payout_lines',
        'journal_postings',
        'changesets',
      ]),
    )
    for (const { t, ids } of refs) {
      expect(t).toMatch(/^[a-z_]+$/)
      const { count } = await one<{ count: string }>(
        `select count(*) from public."${t}" where id = any ($1::uuid[])`,
        [ids],
      )
      expect(Number(count), `evidence rows in ${t}`).toBe(ids.length)
    }
    // The kinds' own records: a refund shows its order and charge, a payout its payout, a change set its patches.
    const missing = await rows<{ kind: string }>(
      `select a.kind from public.approvals a
       where not a.evidence @> case a.kind
         when 'refund' then '[{"table":"orders"},{"table":"payments"}]'
         when 'payout' then '[{"table":"payouts"},{"table":"payout_lines"}]'
         when 'changeset' then '[{"table":"changesets"}]'
         else '[{"table":"tasks"}]' end::jsonb`,
    )
    expect(missing).toEqual([])
  })

  it('ties refunds to real orders and charges, and payouts to lines that add up', async () => {
    const badRefunds = await rows(
      `select r.id from public.refunds r
       join public.payments p on p.id = r.payment_id
       join public.orders o on o.id = r.order_id
       where p.order_id <> o.id or r.currency <> o.currency or r.amount > o.total_amount`,
    )
    expect(badRefunds).toEqual([])
    const refundArgs = await rows(
      `select a.id from public.approvals a
       where a.kind = 'refund' and not exists (
         select 1 from jsonb_array_elements(a.evidence) e join public.payments p on p.id = (e ->> 'id')::uuid
         where e ->> 'table' = 'payments' and p.payment_id = a.payload ->> 'charge')`,
    )
    expect(refundArgs).toEqual([])
    const badPayouts = await rows(
      `select p.id from public.payouts p
       where p.gross_amount - p.fee_amount <> p.net_amount
          or p.net_amount <> (select sum(l.amount) from public.payout_lines l where l.payout_id = p.id)`,
    )
    expect(badPayouts).toEqual([])
    const orders = await rows(
      `select id from public.orders where total_amount <> subtotal - discount_amount + tax_amount`,
    )
    expect(orders).toEqual([])
  })

  it('balances every journal: posted lines net to zero, requested lines debit = credit = amount', async () => {
    const posted = await rows(
      `select tran_id from public.journal_postings group by tran_id having sum(amount) <> 0`,
    )
    expect(posted).toEqual([])
    const requested = await rows<{ id: string; debit: string; credit: string; amount: string }>(
      `select a.id, sum((l ->> 'debit')::numeric) as debit, sum((l ->> 'credit')::numeric) as credit, a.amount
       from public.approvals a cross join lateral jsonb_array_elements(a.payload -> 'lines') l
       where a.kind = 'journal_posting' group by a.id, a.amount`,
    )
    expect(requested.length).toBeGreaterThan(0)
    for (const j of requested) {
      expect(Number(j.debit)).toBe(Number(j.credit))
      expect(Number(j.debit)).toBe(Number(j.amount))
    }
  })

  it('gives every tool call arguments that satisfy the tool’s JSON Schema (ajv and the server’s validator)', async () => {
    const calls = await rows<{
      tool_id: string
      schema: object
      payload: unknown
      args: unknown
      edited: unknown[] | null
    }>(
      `select t.id as tool_id, t.json_schema as schema, a.payload, ac.args,
              (select array_agg(d.edited_payload) from public.approval_decisions d
               where d.approval_id = a.id and d.edited_payload is not null) as edited
       from public.approvals a
       join public.actions ac on ac.id = a.action_id
       join public.tools t on t.tenant_id = ac.tenant_id and t.app = ac.tool ->> 'app' and t.tool_key = ac.tool ->> 'key'`,
    )
    expect(calls).toHaveLength(summary.approvals)
    const ajv = new Ajv({ allErrors: true })
    ajv.addKeyword('x-money') // an annotation: where the arguments say how much money moves
    const compiled = new Map<string, ValidateFunction>()
    let edits = 0
    for (const c of calls) {
      let validate = compiled.get(c.tool_id)
      if (!validate) compiled.set(c.tool_id, (validate = ajv.compile(c.schema)))
      for (const value of [c.payload, c.args, ...(c.edited ?? [])]) {
        expect(validate(value), JSON.stringify(validate.errors)).toBe(true)
      }
      edits += c.edited?.length ?? 0
    }
    expect(edits).toBeGreaterThan(0)
    expect(compiled.size).toBeGreaterThanOrEqual(10)
    const serverErrors = await rows(
      `select a.id, public.json_schema_errors(t.json_schema, a.payload) as errors
       from public.approvals a join public.actions ac on ac.id = a.action_id
       join public.tools t on t.tenant_id = ac.tenant_id and t.app = ac.tool ->> 'app' and t.tool_key = ac.tool ->> 'key'
       where cardinality(public.json_schema_errors(t.json_schema, a.payload)) > 0`,
    )
    expect(serverErrors).toEqual([])
  })

  it('writes change sets with real unified diffs', async () => {
    const patches = await rows<{ path: string; diff: string }>(
      `select path, diff from public.changeset_patches`,
    )
    expect(patches.length).toBeGreaterThan(0)
    for (const p of patches) {
      expect(p.diff).toContain(`--- a/${p.path}`)
      expect(p.diff).toContain(`+++ b/${p.path}`)
      expect(p.diff).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@/m)
      expect(p.diff).toMatch(/^[-+](?![-+])/m)
    }
    // Their requests count the files in words: "1 file", "3 files", never "1 file(s)".
    const summaries = await rows<{ summary: string; files: number }>(
      `select a.summary, (select count(*) from public.changeset_patches p where p.changeset_id = (a.payload ->> 'changeset_id')::uuid)::int as files
         from public.approvals a where a.kind = 'changeset'`,
    )
    expect(summaries.length).toBeGreaterThan(0)
    for (const s of summaries) expect(s.summary).toContain(s.files === 1 ? ' — 1 file,' : ` — ${s.files} files,`)
  })

  it('leaves audit chains that verify, written in time order', async () => {
    for (const tenant of Object.values(TENANTS)) {
      const { n, broken, out_of_order } = await one<{ n: string; broken: unknown; out_of_order: string }>(
        `select count(*) as n, public.verify_audit_chain($1) as broken,
                count(*) filter (where occurred_at < prev_at) as out_of_order
         from (select occurred_at, lag(occurred_at) over (order by id) as prev_at from public.audit_log where tenant_id = $1) x`,
        [tenant],
      )
      expect(Number(n), tenant).toBeGreaterThan(0)
      expect(broken, tenant).toBeNull()
      expect(Number(out_of_order), tenant).toBe(0)
    }
  })

  it('records only decisions the rules allow, with the effects sync_push would have left', async () => {
    // Rule 3/4 by the deciding member's standing (direct membership, else the holding's).
    const illegal = await rows(
      `select d.id, d.decision, a.status from public.approval_decisions d
       join public.approvals a on a.id = d.approval_id
       cross join lateral (
         select m.role, m.approval_limit, m.max_risk from public.tenant_members m join public.tenants t on t.id = a.tenant_id
         where m.user_id = d.actor_id and (m.tenant_id = t.id or m.tenant_id = t.parent_tenant_id)
         order by (m.tenant_id = t.id) desc limit 1) em
       where d.actor_id = a.requested_by_user_id or d.on_behalf_of = a.requested_by_user_id
          or not exists (select 1 from public.role_permissions rp where rp.role = em.role and rp.permission = 'approvals:decide')
          or (d.decision <> 'escalate' and (em.max_risk < a.risk_level or em.approval_limit < a.amount))
          or (cardinality(a.approver_ids) > 0 and not coalesce(d.on_behalf_of, d.actor_id) = any (a.approver_ids))
          or (d.on_behalf_of is not null and not exists (
                select 1 from public.approval_delegations g
                where g.delegator_id = d.on_behalf_of and g.delegate_id = d.actor_id and a.risk_level = any (g.risk_levels)
                  and d.created_at >= g.starts_at and d.created_at < g.ends_at))`,
    )
    expect(illegal).toEqual([])
    // Versions: one per decision (plus one when the approval expired or was withdrawn); hashes bind.
    const versions = await rows(
      `select a.id from public.approvals a
       left join lateral (select count(*)::int as n, max(version_seen) as last_seen,
                                 bool_and(payload_hash_seen = (select payload_hash_seen from public.approval_decisions f
                                                               where f.approval_id = a.id order by version_seen limit 1)) as same_hash
                          from public.approval_decisions d where d.approval_id = a.id) d on true
       where a.version <> 1 + d.n + (a.status in ('expired', 'cancelled'))::int
          or (d.n > 0 and d.last_seen <> d.n)
          or (d.n > 0 and not d.same_hash)
          or (d.n > 0 and not exists (select 1 from public.approval_decisions e where e.approval_id = a.id and e.decision = 'approve_with_edits')
              and a.payload_hash <> (select payload_hash_seen from public.approval_decisions f where f.approval_id = a.id limit 1))`,
    )
    expect(versions).toEqual([])
    // Every accepted decision left a memory entry with the requesting agent (rule 7).
    const forgotten = await rows(
      `select a.id from public.approvals a
       where (select count(*) from public.approval_decisions d where d.approval_id = a.id)
          <> (select count(*) from public.memory_entries m
              where m.type = 'decision' and m.agent_id = a.requested_by_agent_id and m.details ->> 'approval_id' = a.id::text)`,
    )
    expect(forgotten).toEqual([])
    // Four-eyes: an approved item needs as many distinct approving principals as it requires.
    const fourEyes = await rows(
      `select a.id from public.approvals a
       where a.status = 'approved' and a.required_approvals > (
         select count(distinct coalesce(d.on_behalf_of, d.actor_id)) from public.approval_decisions d
         where d.approval_id = a.id and d.decision in ('approve', 'approve_with_edits'))`,
    )
    expect(fourEyes).toEqual([])
    // An approved action is in the outbox; nothing else is; the action's state follows the approval.
    const outbox = await rows(
      `select a.id from public.approvals a join public.actions ac on ac.id = a.action_id
       left join public.outbox o on o.action_id = ac.id
       where (a.status = 'approved') <> (o.id is not null)
          or ac.approval_state <> case a.status when 'approved' then 'approved' when 'rejected' then 'rejected'
               when 'cancelled' then 'rejected' when 'expired' then 'expired' else 'pending' end`,
    )
    expect(outbox).toEqual([])
    const { n: twoApprovals } = await one<{ n: string }>(
      `select count(*) as n from public.approvals where status = 'approved' and required_approvals = 2`,
    )
    expect(Number(twoApprovals)).toBeGreaterThan(0)
  })

  it('keeps each agent’s trust ledger equal to what reviewers decided on its requests that day', async () => {
    const mismatches = await rows(
      `with final as (
         select distinct on (a.id) a.requested_by_agent_id as agent_id, (d.created_at at time zone 'UTC')::date as day, d.decision
         from public.approvals a join public.approval_decisions d on d.approval_id = a.id
         where a.status in ('approved', 'rejected') order by a.id, d.version_seen desc),
       tally as (
         select agent_id, day, count(*) filter (where decision = 'approve') as approved,
                count(*) filter (where decision = 'approve_with_edits') as edited,
                count(*) filter (where decision = 'reject') as rejected
         from final group by 1, 2)
       select * from tally t full join public.trust_ledger l on l.agent_id = t.agent_id and l.day = t.day
       where coalesce(t.approved, 0) <> coalesce(l.approved_no_edit, 0) or coalesce(t.edited, 0) <> coalesce(l.edited, 0)
          or coalesce(t.rejected, 0) <> coalesce(l.rejected, 0)`,
    )
    expect(mismatches).toEqual([])
  })

  it('has items expiring within the hour, items already expired, and one active and one expired delegation', async () => {
    const c = await one<{ soon: string; expired: string; active: string; ended: string }>(
      `select (select count(*) from public.approvals where status = 'pending' and expires_at between now() and now() + interval '1 hour') as soon,
              (select count(*) from public.approvals where status = 'pending' and expires_at < now()) as expired,
              (select count(*) from public.approval_delegations where is_active and now() between starts_at and ends_at) as active,
              (select count(*) from public.approval_delegations where ends_at < now()) as ended`,
    )
    expect(Number(c.soon)).toBeGreaterThan(0)
    expect(Number(c.expired)).toBeGreaterThan(0)
    expect(Number(c.active)).toBeGreaterThan(0)
    expect(Number(c.ended)).toBeGreaterThan(0)
    const escalations = await rows<{ type: string }>(
      `select distinct type from public.escalations order by 1`,
    )
    // Agent-to-agent escalations go up the hierarchy.
    const sideways = await rows(
      `select e.id from public.escalations e join public.agents f on f.id = e.from_agent_id
       join public.agents t on t.id = e.to_agent_id where t.tier >= f.tier`,
    )
    expect(sideways).toEqual([])
    expect(escalations.map((e) => e.type)).toEqual(['action_required', 'awareness'])
    const pendingForDemo = await rows(
      `select 1 from public.escalations where status = 'pending' and to_user_id = any ($1::uuid[])`,
      [[DEMO.finance, DEMO.ops, DEMO.manager, DEMO.outsider]],
    )
    expect(pendingForDemo.length).toBeGreaterThan(0)
    const methods = await rows<{ m: string }>(
      `select distinct detection_method as m from public.hallucination_flags`,
    )
    expect(methods.length).toBeGreaterThanOrEqual(2)
  })
})

/**
 * The decision rules as a reviewer can read them in data-model.md (1: pending and unexpired; 3: not
 * one's own request, not twice; 4: permission, approver list or covering delegation, risk ceiling,
 * amount limit), evaluated for one reviewer over the approvals they can see.
 */
const DECIDABLE = `
  select a.id,
    a.status = 'pending' and a.expires_at > now()
    and exists (select 1 from public.role_permissions rp where rp.role = em.role and rp.permission = 'approvals:decide')
    and a.requested_by_user_id is distinct from $1
    and not exists (select 1 from public.approval_decisions d where d.approval_id = a.id and $1 in (d.actor_id, d.on_behalf_of))
    and em.max_risk >= a.risk_level
    and (em.approval_limit is null or a.amount is null or em.approval_limit >= a.amount)
    and (cardinality(a.approver_ids) = 0 or $1 = any (a.approver_ids) or exists (
      select 1 from public.approval_delegations g
      where g.delegate_id = $1 and g.delegator_id = any (a.approver_ids) and g.is_active
        and now() >= g.starts_at and now() < g.ends_at and a.risk_level = any (g.risk_levels)
        and g.delegator_id is distinct from a.requested_by_user_id)) as decidable,
    a.requested_by_user_id = $1 as own,
    em.approval_limit < a.amount as over_limit,
    em.max_risk < a.risk_level as over_risk,
    a.version, a.payload_hash
  from public.approvals a
  cross join lateral (
    select m.role, m.approval_limit, m.max_risk from public.tenant_members m join public.tenants t on t.id = a.tenant_id
    where m.user_id = $1 and m.is_active and (m.tenant_id = t.id or m.tenant_id = t.parent_tenant_id)
    order by (m.tenant_id = t.id) desc limit 1) em
  where a.status = 'pending'`

interface Verdict {
  id: string
  decidable: boolean
  own: boolean
  over_limit: boolean | null
  over_risk: boolean
  result: { status: string; code: string | null }
}

/** Approves every pending item the reviewer sees through sync_push, in one rolled-back transaction. */
async function approveAll(userId: string): Promise<Verdict[]> {
  return asReviewer(db.pool, userId, async (c) => {
    const items = (await c.query(DECIDABLE, [userId])).rows as (Omit<Verdict, 'result'> & {
      version: number
      payload_hash: string
    })[]
    const mutations = items.map((i) => ({
      client_mutation_id: randomUUID(),
      kind: 'approval.decide',
      client_created_at: new Date().toISOString(),
      args: {
        approval_id: i.id,
        decision: 'approve',
        version_seen: i.version,
        payload_hash_seen: i.payload_hash,
      },
    }))
    const { rows: out } = await c.query(`select public.sync_push($1::jsonb) as r`, [
      JSON.stringify(mutations),
    ])
    const results = (out[0].r as { results: Verdict['result'][] }).results
    return items.map((i, n) => ({
      id: i.id,
      decidable: i.decidable,
      own: i.own,
      over_limit: i.over_limit,
      over_risk: i.over_risk,
      result: results[n]!,
    }))
  })
}

describe('the generated inbox, as each demo reviewer meets it', () => {
  it('lets finance@ decide what the rules allow, and refuses her own requests and those above her limit', async () => {
    const verdicts = await approveAll(DEMO.finance)
    for (const v of verdicts)
      expect(v.result.status === 'applied', `${v.id}: ${v.result.code}`).toBe(v.decidable)
    expect(verdicts.filter((v) => v.decidable).length).toBeGreaterThanOrEqual(5)
    expect(verdicts.filter((v) => v.own).map((v) => v.result.code)).toContain('self_approval')
    expect(verdicts.filter((v) => v.over_limit && !v.own).map((v) => v.result.code)).toContain('over_limit')
    expect(verdicts.map((v) => v.result.code)).toEqual(
      expect.arrayContaining(['approval_expired', 'not_an_approver']),
    )
  })

  it('lets ops@ decide small, low-risk items and refuses those above 1,000 or risk 3', async () => {
    const verdicts = await approveAll(DEMO.ops)
    for (const v of verdicts)
      expect(v.result.status === 'applied', `${v.id}: ${v.result.code}`).toBe(v.decidable)
    expect(verdicts.filter((v) => v.decidable).length).toBeGreaterThanOrEqual(3)
    const codes = verdicts.map((v) => v.result.code)
    expect(codes).toEqual(expect.arrayContaining(['over_limit', 'risk_above_max', 'self_approval']))
  })

  it('lets manager@ decide in the holding and both subsidiaries, and outsider@ only at Acme', async () => {
    const manager = await approveAll(DEMO.manager)
    for (const v of manager)
      expect(v.result.status === 'applied', `${v.id}: ${v.result.code}`).toBe(v.decidable)
    const managerTenants = await rows<{ tenant_id: string }>(
      `select distinct tenant_id from public.approvals where id = any ($1::uuid[])`,
      [manager.filter((v) => v.result.status === 'applied').map((v) => v.id)],
    )
    expect(managerTenants.map((t) => t.tenant_id).sort()).toEqual(
      [TENANTS.group, TENANTS.retail, TENANTS.payments].sort(),
    )
    expect(manager.filter((v) => v.own).map((v) => v.result.code)).toContain('self_approval')

    const outsider = await approveAll(DEMO.outsider)
    for (const v of outsider)
      expect(v.result.status === 'applied', `${v.id}: ${v.result.code}`).toBe(v.decidable)
    expect(outsider.filter((v) => v.decidable).length).toBeGreaterThanOrEqual(3)
    expect(outsider.map((v) => v.result.code)).toContain('over_limit')
  })

  it('gives viewer@ items to read and none to decide', async () => {
    const verdicts = await approveAll(DEMO.viewer)
    expect(verdicts.length).toBeGreaterThan(0)
    expect(verdicts.filter((v) => v.decidable)).toEqual([])
    expect(new Set(verdicts.map((v) => v.result.code))).toEqual(new Set(['forbidden']))
  })
})
