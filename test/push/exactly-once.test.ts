// Exactly once and batch behaviour of sync_push: a client_mutation_id applies once however often
// and however concurrently it is pushed, replays return the stored answer, one refusal never
// touches its neighbours, and malformed payloads fail the way the client can act on.
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { signedInClient, supabaseClient } from '../../src/stack/fixtures'
import { PushResponse } from '../../src/shared/sync-protocol'
import { admin, asAnon, asUser } from '../support/db'
import { createApproval, createMember, createTenant, type UserRef } from '../support/fixtures'
import { decideArgs, footprint, ledgerRows, mutation, push, pushOne, seen, type Mutation } from './support'

let tenant: string
let approver: UserRef
let colleague: UserRef

beforeAll(async () => {
  tenant = (await createTenant()).id
  approver = await createMember(tenant, 'finance')
  colleague = await createMember(tenant, 'finance')
})

async function approveMutation(): Promise<Mutation> {
  return mutation('approval.decide', decideArgs(await seen((await createApproval(tenant)).id), 'approve'))
}

describe('exactly once', () => {
  it('applies an id pushed twice once, and answers both pushes the same', async () => {
    const m = await approveMutation()
    const approvalId = m.args.approval_id as string
    const first = await pushOne(approver.id, m)
    const before = await footprint(approvalId)
    const second = await pushOne(approver.id, m)
    expect(first).toMatchObject({ status: 'applied', row: { status: 'approved' } })
    expect(second).toEqual(first)
    expect(await footprint(approvalId)).toEqual(before)
    expect(before).toMatchObject({ decisions: 1, version: 2 })
    expect(await ledgerRows(m.client_mutation_id)).toBe(1)
  })

  it('serializes two connections pushing the same id at once: one applies, both get its result', async () => {
    const m = await approveMutation()
    const approvalId = m.args.approval_id as string
    const pool = admin()
    const [a, b] = [await pool.connect(), await pool.connect()]
    const begin = async (c: typeof a) => {
      await c.query('begin')
      await c.query('set local role authenticated')
      await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: approver.id, role: 'authenticated' })])
    }
    try {
      await begin(a)
      await begin(b)
      const [{ pid: pidB }] = (await b.query('select pg_backend_pid() as pid')).rows
      const call = 'select public.sync_push($1::jsonb) as r'
      // A applies and holds its transaction open; B's push of the same id must wait for it.
      const first = PushResponse.parse((await a.query(call, [JSON.stringify([m])])).rows[0].r).results[0]
      const secondPromise = b.query(call, [JSON.stringify([m])])
      const deadline = Date.now() + 10_000
      for (;;) {
        const { rows } = await pool.query(`select wait_event_type from pg_stat_activity where pid = $1`, [pidB])
        if (rows[0]?.wait_event_type === 'Lock') break
        if (Date.now() > deadline) throw new Error('the second push never waited for the first')
        await new Promise((r) => setTimeout(r, 20))
      }
      await a.query('commit')
      const second = PushResponse.parse((await secondPromise).rows[0].r).results[0]
      await b.query('commit')
      expect(first).toMatchObject({ status: 'applied' })
      expect(second).toEqual(first)
      expect(await footprint(approvalId)).toMatchObject({ decisions: 1, version: 2, outbox: 0 })
      expect(await ledgerRows(m.client_mutation_id)).toBe(1)
    } finally {
      a.release()
      b.release()
    }
  })

  it('applies once when the same id races from two connections without choreography', async () => {
    const m = await approveMutation()
    const [r1, r2] = await Promise.all([pushOne(approver.id, m), pushOne(approver.id, m)])
    expect(r1).toEqual(r2)
    expect(r1.status).toBe('applied')
    expect(await footprint(m.args.approval_id as string)).toMatchObject({ decisions: 1 })
  })

  it('lets two overlapping batches in opposite orders finish without a deadlock, each id applied once', async () => {
    const ms = await Promise.all([approveMutation(), approveMutation(), approveMutation()])
    const [forward, backward] = await Promise.all([push(approver.id, ms), push(approver.id, [...ms].reverse())])
    expect(forward.map((r) => r.status)).toEqual(['applied', 'applied', 'applied'])
    expect([...backward].reverse()).toEqual(forward)
    for (const m of ms) expect(await footprint(m.args.approval_id as string)).toMatchObject({ decisions: 1 })
  })

  it('returns the stored refusal on replay, even once the refusal no longer holds', async () => {
    const approval = await createApproval(tenant, { amount: '900.00' })
    await admin().query('update public.tenant_members set approval_limit = 100 where user_id = $1', [approver.id])
    const m = mutation('approval.decide', decideArgs(await seen(approval.id), 'approve'))
    try {
      expect(await pushOne(approver.id, m)).toMatchObject({ status: 'rejected', code: 'over_limit' })
    } finally {
      await admin().query('update public.tenant_members set approval_limit = null where user_id = $1', [approver.id])
    }
    // The limit was raised, but the intent was refused for good: the replay says so again.
    expect(await pushOne(approver.id, m)).toMatchObject({ status: 'rejected', code: 'over_limit' })
    expect(await footprint(approval.id)).toMatchObject({ decisions: 0, status: 'pending' })
  })

  it('refuses another reviewer’s id as forbidden and changes nothing', async () => {
    const m = await approveMutation()
    const mine = await pushOne(approver.id, m)
    const before = await footprint(m.args.approval_id as string)
    expect(await pushOne(colleague.id, m)).toMatchObject({ status: 'rejected', code: 'forbidden', row: null })
    expect(await footprint(m.args.approval_id as string)).toEqual(before)
    const { rows } = await admin().query('select user_id, result from public.sync_mutations where client_mutation_id = $1', [
      m.client_mutation_id,
    ])
    expect(rows).toEqual([{ user_id: approver.id, result: mine }])
    expect(await pushOne(approver.id, m)).toEqual(mine)
  })

  it('answers a repeated id within one batch with the first answer', async () => {
    const m = await approveMutation()
    const results = await push(approver.id, [m, m])
    expect(results).toHaveLength(2)
    expect(results[0]?.status).toBe('applied')
    expect(results[1]).toEqual(results[0])
  })
})

describe('batches', () => {
  it('answers each mutation in input order; a refusal leaves its neighbours applied', async () => {
    const good1 = await approveMutation()
    const good2 = await approveMutation()
    const refused = mutation('approval.decide', { ...good1.args, decision: 'reject' }) // decides good1's approval again
    const unknown = mutation('approval.undo', {})
    const results = await push(approver.id, [good1, refused, unknown, good2])
    expect(results.map((r) => [r.client_mutation_id, r.status, r.code])).toEqual([
      [good1.client_mutation_id, 'applied', null],
      [refused.client_mutation_id, 'conflict', 'already_decided'],
      [unknown.client_mutation_id, 'rejected', 'invalid_input'],
      [good2.client_mutation_id, 'applied', null],
    ])
    expect(await footprint(good1.args.approval_id as string)).toMatchObject({ status: 'approved', decisions: 1 })
    expect(await footprint(good2.args.approval_id as string)).toMatchObject({ status: 'approved', decisions: 1 })
  })

  it('refuses malformed mutations one by one when their id can be read', async () => {
    const a = await seen((await createApproval(tenant)).id)
    const base = mutation('approval.decide', decideArgs(a, 'approve'))
    const results = await push(approver.id, [
      { ...base, client_mutation_id: randomUUID(), args: 'approve' },
      { ...base, client_mutation_id: randomUUID(), client_created_at: 'yesterday-ish' },
      { ...base, client_mutation_id: randomUUID(), client_created_at: undefined },
      { ...base, client_mutation_id: randomUUID(), kind: 42 },
    ])
    expect(results.map((r) => [r.status, r.code])).toEqual(Array(4).fill(['rejected', 'invalid_input']))
    expect(await footprint(a.id)).toMatchObject({ decisions: 0, version: a.version })
  })

  it('fails the whole push when it is unusable: not an array, an id missing, more than 500', async () => {
    const call = (payload: unknown) =>
      asUser(approver.id, (c) => c.query('select public.sync_push($1::jsonb)', [JSON.stringify(payload)]))
    await expect(call({ mutations: [] })).rejects.toMatchObject({ code: '22023' })
    await expect(call([{ kind: 'approval.decide', args: {} }])).rejects.toMatchObject({ code: '22023', message: /mutation 0/ })
    await expect(call(['x'])).rejects.toMatchObject({ code: '22023' })
    const tooMany = Array.from({ length: 501 }, () => mutation('snooze.set', {}))
    await expect(call(tooMany)).rejects.toMatchObject({ code: '22023', message: /at most 500/ })
    expect(await push(approver.id, [])).toEqual([])
  })
})

describe('who may call', () => {
  it('refuses anon, and keeps the ledger and the inner functions out of reach', async () => {
    await expect(asAnon((c) => c.query(`select public.sync_push('[]'::jsonb)`))).rejects.toMatchObject({ code: '42501' })
    await expect(asUser(approver.id, (c) => c.query('select * from public.sync_mutations'))).rejects.toThrow(/permission denied/)
    await expect(
      asUser(approver.id, (c) =>
        c.query(`select public.push_approval_decide($1, gen_random_uuid(), '{}'::jsonb, now())`, [approver.id]),
      ),
    ).rejects.toThrow(/permission denied/)
    await expect(asUser(approver.id, (c) => c.query(`select public.effective_membership($1, $2)`, [tenant, approver.id]))).rejects.toThrow(
      /permission denied/,
    )
  })

  it('exposes sync_push alone: no helper behind it is callable through the API', async () => {
    const { rows } = await admin().query(
      `select p.proname as name,
              has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
              has_function_privilege('anon', p.oid, 'execute') as anon
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public'
         and (p.proname like 'push\\_%' or p.proname in ('sync_push', 'effective_membership', 'has_permission', 'json_schema_errors'))
       order by 1`,
    )
    expect(rows.length).toBeGreaterThan(20)
    expect(rows.filter((r) => r.authenticated || r.anon)).toEqual([{ name: 'sync_push', authenticated: true, anon: false }])
  })

  it('works through the gateway with supabase-js, as the console calls it', async () => {
    const stack = inject('stack')
    const supabase = await signedInClient(stack, approver.email, 'demo-password')
    const m = await approveMutation()
    const { data, error } = await supabase.rpc('sync_push', { p_mutations: [m] })
    expect(error).toBeNull()
    const results = PushResponse.parse(data).results
    expect(results).toMatchObject([{ client_mutation_id: m.client_mutation_id, status: 'applied' }])
    const replay = await supabase.rpc('sync_push', { p_mutations: [m] })
    expect(PushResponse.parse(replay.data).results).toEqual(results)

    const bad = await supabase.rpc('sync_push', { p_mutations: { not: 'an array' } })
    expect(bad.status).toBe(400)
    expect(bad.error?.code).toBe('22023')
    const anon = await supabaseClient(stack).rpc('sync_push', { p_mutations: [] })
    expect(anon.status).toBe(401)
  })
})
