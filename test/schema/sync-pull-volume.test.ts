// sync_pull at volume: every stream is an index range scan on (tenant_id, sync_txid, sync_version)
// even under RLS (and the probe, which runs past RLS in sync_changed_streams) (checked on the plans PostgreSQL actually runs), an idle poll reads nothing, and
// 100k approvals stream out in pages. Prints the measured rate for the record.
import { beforeAll, describe, expect, it } from 'vitest'
import { TABLE_NAMES } from '../../src/shared/db'
import { pgMajorFromEnv } from '../../src/stack/database'
import type { Cursors } from '../../src/shared/sync-protocol'
import { admin, asUser } from '../support/db'
import { createAgent, createMember, createTenant, type TenantRef, type UserRef } from '../support/fixtures'
import { pullWith } from './pull'

const APPROVALS = 100_000

let tenant: TenantRef
let reviewer: UserRef

beforeAll(async () => {
  tenant = await createTenant()
  reviewer = await createMember(tenant.id, 'finance')
  const agent = await createAgent(tenant.id)
  await admin().query(
    `insert into public.approvals (tenant_id, kind, title, summary, risk_level, amount, currency, counterparty,
       requested_by_agent_id, payload, expires_at, policy_flags, evidence)
     select $1, (array['tool_call','refund','payout','journal_posting','changeset','spend'])[1 + g % 6],
       'Refund order #' || g, 'Customer asked for a refund of order #' || g || '.', g % 6, (g % 5000) + 0.5, 'USD',
       'Customer ' || (g % 977), $2,
       jsonb_build_object('order_id', 'ord_' || g, 'amount', (g % 5000) + 0.5, 'currency', 'USD'),
       now() + make_interval(mins => g), case when g % 7 = 0 then '{over_limit}'::text[] else '{}' end, '[]'
     from generate_series(1, $3::int) g`,
    [tenant.id, agent.id, APPROVALS],
  )
  // trust_ledger has an index that also leads with the tenant (by day): on a few rows the planner's
  // pick between it and the sync index turned on whatever other tests had left in the table (a
  // full run saw the day index, reading all of the tenant's rows). At volume, as for approvals,
  // the range on the sync index is what keeps a pull cheap, and the plan the test checks.
  await admin().query(
    `insert into public.trust_ledger (agent_id, day, tenant_id, approved_no_edit)
     select $1, date '2000-01-01' + g, $2, g % 7 from generate_series(1, 20000) g`,
    [agent.id, tenant.id],
  )
  // Current statistics everywhere, as autovacuum would keep them on a live server.
  await admin().query(`analyze ${TABLE_NAMES.map((t) => `public.${t}`).join(', ')}`)
}, 300_000)

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  Alias?: string
  'Index Name'?: string
  'Index Cond'?: string
  Filter?: string
  Plans?: PlanNode[]
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)]
}

/** The statements sync_pull runs, cut out of its definition, with its variables as parameters. */
async function pullStatements(): Promise<{ stream: string; sql: string }[]> {
  const { rows } = await admin().query<{ def: string }>(
    `select pg_get_functiondef('public.sync_pull(jsonb,int)'::regprocedure) as def`,
  )
  const def = rows[0]?.def ?? ''
  const parametrize = (sql: string) =>
    sql
      .replace(/\bp_cursors\b/g, '$1::jsonb')
      .replace(/\bv_tenants\b/g, '$2::uuid[]')
      .replace(/\bv_xmin\b/g, '$3::xid8')
      .replace(/\bv_budget\b/g, '$4::int')
  const streams = [...def.matchAll(/with cur as materialized \([\s\S]*?into v_rows, v_n, v_more, v_moved;/g)].map((m) => {
    const text = m[0]
    const stream = /from public\.(\w+) t\b/.exec(text)?.[1] ?? '?'
    return { stream, sql: parametrize(text.replace(/\s+into v_rows, v_n, v_more, v_moved;$/, '')) }
  })
  // The probe runs in sync_changed_streams (SECURITY DEFINER, 20261203140000): no RLS there, the
  // caller's tenants (visible, or readable under a permission) are variables.
  const helper = await admin().query<{ def: string }>(
    `select pg_get_functiondef('public.sync_changed_streams(jsonb,xid8)'::regprocedure) as def`,
  )
  const probe = /select coalesce\(array_agg\(d\.stream\), '\{\}'\) into v_dirty from \(([\s\S]*?)\) as d\(stream\);/.exec(helper.rows[0]?.def ?? '')
  if (!probe?.[1]) throw new Error('sync_changed_streams has no probe statement')
  const probeSql = parametrize(`select array_agg(d.stream) from (${probe[1]}) as d(stream)`)
    .replace(/\bv_readable_\d+\b/g, '$2::uuid[]')
    .replace(/\bp_xmin\b/g, '$3::xid8')
    .replace(/\bv_uid\b/g, `'${reviewer.id}'::uuid`)
  return [...streams, { stream: 'probe', sql: probeSql }]
}

describe('sync_pull at volume', () => {
  it('plans every stream, and the probe, as index range scans on the sync index, under RLS', async () => {
    const statements = await pullStatements()
    expect(statements.map((s) => s.stream).sort()).toEqual([...TABLE_NAMES, 'probe'].sort())
    const findings: string[] = []
    let readerKeyScans = 0
    await asUser(reviewer.id, async (c) => {
      // Plan with the settings the function runs with (generic plans; see its SET clauses).
      await c.query(
        `select set_config(split_part(s, '=', 1), substr(s, strpos(s, '=') + 1), true)
           from pg_proc p, unnest(p.proconfig) as s
          where p.oid = 'public.sync_pull(jsonb,int)'::regprocedure and s not like 'search_path=%'`,
      )
      for (const [i, { stream, sql }] of statements.entries()) {
        // The probe runs as its definer, past RLS, with the helper's own settings.
        if (stream === 'probe') {
          await c.query('reset role')
          await c.query(
            `select set_config(split_part(s, '=', 1), substr(s, strpos(s, '=') + 1), true)
               from pg_proc p, unnest(p.proconfig) as s
              where p.oid = 'public.sync_changed_streams(jsonb,xid8)'::regprocedure and s not like 'search_path=%'`,
          )
        }
        // The generic plan through a prepared statement (the function forces generic plans), not
        // EXPLAIN (generic_plan): that option is PostgreSQL 16+, and this suite also runs on 15.
        await c.query(`prepare pull_stream_${i} (jsonb, uuid[], xid8, int) as ${sql}`)
        const { rows } = await c.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `explain (format json) execute pull_stream_${i} (null, null, null, null)`,
        )
        await c.query(`deallocate pull_stream_${i}`)
        const plan = rows[0]?.['QUERY PLAN'][0].Plan as PlanNode
        // Alias t (EXPLAIN numbers repeats: t_1, t_2, …): the stream scans themselves; RLS policy
        // subqueries use other aliases.
        for (const node of nodes(plan).filter((n) => /^t(_\d+)?$/.test(n.Alias ?? ''))) {
          const table = node['Relation Name'] as string
          const indexed = /^Index (Only )?Scan$/.test(node['Node Type']) && node['Index Name'] === `${table}_sync_idx`
          const ranged = /ROW\((t\.)?sync_txid, (t\.)?sync_version\) >/.test(node['Index Cond'] ?? '')
          // tenants and audit_chain_heads hold one row per tenant: reaching them through their
          // primary key (the RLS policy's visible or readable tenants) reads exactly those tenants'
          // rows, which is as good.
          const tenantsByKey = (table === 'tenants' || table === 'audit_chain_heads') && /pkey|Bitmap/.test(`${node['Index Name'] ?? ''} ${node['Node Type']}`)
          if (tenantsByKey) {
            // Counted like a range scan: which of the two the planner picks depends on statistics.
            readerKeyScans++
            continue
          }
          // PostgreSQL 15's generic plan reaches these two per-reviewer tables through the index on
          // the reader's own key instead (RLS: my memberships, my snoozes; both a handful of rows),
          // and so may the probe on any major, which names the reader's snoozes itself
          // (t.user_id = v_uid). Still an index scan, never the table; 16 and later's streams pick
          // the sync index.
          const byReaderKey =
            (pgMajorFromEnv() < 16 || (stream === 'probe' && table === 'review_snoozes')) &&
            ['tenant_members', 'review_snoozes'].includes(table) &&
            /^Index (Only )?Scan$/.test(node['Node Type'])
          if (byReaderKey) {
            readerKeyScans++
            continue
          }
          findings.push(`${stream}/${table}: ${indexed && ranged ? 'range scan' : `${node['Node Type']} ${node['Index Name'] ?? ''} ${node['Index Cond'] ?? node.Filter ?? ''}`}`)
        }
      }
    })
    expect(findings.filter((f) => !f.endsWith('range scan'))).toEqual([])
    expect(findings.length + readerKeyScans).toBeGreaterThanOrEqual(TABLE_NAMES.length * 2)
  })

  it(`streams ${APPROVALS} approvals in full pages, then an idle poll reads no row`, async () => {
    let cursors: Cursors = {}
    let approvals = 0
    let rows = 0
    let pulls = 0
    const started = performance.now()
    await asUser(reviewer.id, async (c) => {
      for (;;) {
        const answer = await pullWith(c, cursors, 5000)
        pulls++
        for (const [table, list] of Object.entries(answer.changes)) {
          rows += list.length
          if (table === 'approvals') approvals += list.length
        }
        for (const [scope, streams] of Object.entries(answer.cursors)) cursors = { ...cursors, [scope]: { ...cursors[scope], ...streams } }
        if (!answer.has_more && approvals >= APPROVALS) break
        if (pulls > 1000) throw new Error('sync_pull did not drain')
      }
    })
    const seconds = (performance.now() - started) / 1000
    console.log(`sync_pull via SQL: ${rows} rows in ${pulls} pulls, ${seconds.toFixed(2)} s, ${Math.round(rows / seconds)} rows/s`)
    expect(approvals).toBe(APPROVALS)
    expect(pulls).toBeLessThanOrEqual(Math.ceil(rows / 5000) + 3)

    // Drained: the approvals stream's scan at the final cursor touches no row at all.
    const approvalsCursor = cursors[tenant.id]?.approvals
    expect(approvalsCursor).toBeDefined()
    const plan = await asUser(reviewer.id, async (c) => {
      const { rows: out } = await c.query<{ 'QUERY PLAN': [{ Plan: PlanNode & { 'Actual Rows'?: number } }] }>(
        `explain (analyze, format json)
         select t.id from public.approvals t
          where t.tenant_id = $1 and (t.sync_txid, t.sync_version) > ($2::xid8, $3::bigint)
            and t.sync_txid < pg_snapshot_xmin(pg_current_snapshot())
          order by t.sync_txid, t.sync_version limit 5001`,
        [tenant.id, approvalsCursor?.txid, approvalsCursor?.version],
      )
      return out[0]?.['QUERY PLAN'][0].Plan
    })
    const scan = nodes(plan as PlanNode).find((n) => n['Relation Name'] === 'approvals') as PlanNode & {
      'Actual Rows': number
      'Rows Removed by Filter'?: number
    }
    expect(scan['Index Name']).toBe('approvals_sync_idx')
    expect(scan['Actual Rows']).toBe(0)
    expect(scan['Rows Removed by Filter'] ?? 0).toBe(0)

    const idle = await asUser(reviewer.id, (c) => pullWith(c, cursors, 5000))
    expect(idle.changes).toEqual({})
    expect(idle.has_more).toBe(false)
  }, 300_000)
})
