// The executor's numbers (issue 13), against the bench's stack and the demo webhook receiver:
// - executor.actions_per_s: approved actions delivered per second by 4 workers, from a backlog
//   approved before they start (claim, hash check, signed webhook, result, audit — all of it);
// - executor.approve_to_sent_p95_ms: a reviewer's decision committed on the server → the action
//   is `sent`, one at a time with the workers idle and listening.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { startWebhookReceiver } from '../../src/demo-upstream/webhook-receiver'
import { parseConfig } from '../../src/executor/config'
import { startExecutor } from '../../src/executor/run'
import type { Results } from './report'
import { median, p95, round, waitUntil } from './stats'

const SECRET = 'bench-webhook-secret'

interface Fixture {
  tenantId: string
  approverId: string
  agentId: string
}

async function fixture(db: pg.Pool): Promise<Fixture> {
  const slug = `bench-exec-${randomUUID().slice(0, 8)}`
  const { rows: t } = await db.query(`insert into public.tenants (name, slug, kind) values ($1, $1, 'standalone') returning id`, [slug])
  const tenantId = t[0].id as string
  const { rows: u } = await db.query(
    `insert into auth.users (email, encrypted_password) values ($1, extensions.crypt('x', extensions.gen_salt('bf', 4))) returning id`,
    [`${slug}@bench.test`],
  )
  const approverId = u[0].id as string
  await db.query(`insert into public.tenant_members (tenant_id, user_id, role, max_risk) values ($1, $2, 'finance', 5)`, [tenantId, approverId])
  const { rows: a } = await db.query(
    `insert into public.agents (tenant_id, name, role, kind, tier, autonomy, status) values ($1, 'Bench agent', 'assistant', 'custom', 3, 'A2', 'active') returning id`,
    [tenantId],
  )
  return { tenantId, approverId, agentId: a[0].id as string }
}

/** Files n refund requests and approves them through sync_push as the reviewer; returns the outbox ids. */
async function approve(db: pg.Pool, f: Fixture, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let start = 0; start < n; start += 500) {
    const count = Math.min(500, n - start)
    const args = Array.from({ length: count }, () =>
      JSON.stringify({ charge: `ch_${randomUUID().replaceAll('-', '').slice(0, 20)}`, amount: 1000, currency: 'usd', reason: 'duplicate' }),
    )
    const { rows } = await db.query<{ id: string; version: number; payload_hash: string; action_id: string }>(
      `with a as (
         insert into public.actions (tenant_id, agent_id, tool, args, risk, approval_state)
         select $1, $2, '{"app": "stripe", "key": "refund"}', x, 1, 'pending' from unnest($3::jsonb[]) x returning id, args)
       insert into public.approvals (tenant_id, kind, action_id, title, risk_level, requested_by_agent_id, payload, expires_at)
       select $1, 'tool_call', a.id, 'Bench refund', 1, $2, a.args, now() + interval '1 hour' from a
       returning id, version, payload_hash, action_id`,
      [f.tenantId, f.agentId, args],
    )
    const mutations = rows.map((r) => ({
      client_mutation_id: randomUUID(),
      kind: 'approval.decide',
      client_created_at: new Date().toISOString(),
      args: { approval_id: r.id, decision: 'approve', version_seen: r.version, payload_hash_seen: r.payload_hash },
    }))
    const c = await db.connect()
    try {
      await c.query('begin')
      await c.query('set local role authenticated')
      await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: f.approverId, role: 'authenticated' })])
      await c.query('select public.sync_push($1::jsonb)', [JSON.stringify(mutations)])
      await c.query('commit')
    } catch (err) {
      await c.query('rollback').catch(() => {})
      throw err
    } finally {
      c.release()
    }
    const { rows: out } = await db.query<{ id: string }>('select id from public.outbox where action_id = any ($1::uuid[])', [
      rows.map((r) => r.action_id),
    ])
    ids.push(...out.map((o) => o.id))
  }
  return ids
}

/** Envelopes of the bench's own tenant not yet sent (a cheap index count, so polling costs little). */
async function unsent(db: pg.Pool, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from public.outbox where tenant_id = $1 and status <> 'sent'`,
    [tenantId],
  )
  return rows[0]!.n
}

export async function measureExecutor(dbUrl: string, opts: { actions: number; samples: number }): Promise<Results> {
  const db = new pg.Pool({ connectionString: dbUrl, max: 4 })
  // The stack may stop first at the end of the bench; a dropped idle connection is not an error here.
  db.on('error', () => {})
  const hook = await startWebhookReceiver({ secret: SECRET })
  try {
    const f = await fixture(db)
    const config = parseConfig({
      routes: [{ tools: ['*'], executor: { kind: 'webhook', url: hook.url, secret_env: 'BENCH_WEBHOOK_SECRET', timeout_ms: 5000 } }],
      tenant_ids: [f.tenantId],
      batch_size: 32,
      lease_seconds: 30,
      poll_ms: 500,
    })

    // Throughput: a backlog, then 4 workers drain it.
    const backlog = await approve(db, f, opts.actions)
    const t0 = performance.now()
    const executor = startExecutor({ dbUrl, config, workers: 4, env: { BENCH_WEBHOOK_SECRET: SECRET } })
    try {
      await waitUntil(async () => (await unsent(db, f.tenantId)) === 0, 600_000, 'the backlog to be sent', 50)
      const seconds = (performance.now() - t0) / 1000
      if (hook.ledger.effects.length !== backlog.length) throw new Error('bench: the upstream did not see each action exactly once')

      // Latency: one decision at a time, the workers idle and listening.
      const samples: number[] = []
      for (let i = 0; i < opts.samples; i++) {
        // approve() returns once sync_push has committed: the decision is applied on the server.
        await approve(db, f, 1)
        const decided = performance.now()
        await waitUntil(async () => (await unsent(db, f.tenantId)) === 0, 30_000, 'one action to be sent', 2)
        samples.push(performance.now() - decided)
      }
      return {
        'executor.actions': backlog.length,
        'executor.actions_per_s': Math.round(backlog.length / seconds),
        'executor.approve_to_sent_p50_ms': Math.round(median(samples)),
        'executor.approve_to_sent_p95_ms': Math.round(p95(samples)),
        'executor.workers': 4,
        'executor.seconds': round(seconds),
      }
    } finally {
      await executor.stop()
    }
  } finally {
    await hook.close()
    await db.end()
  }
}
