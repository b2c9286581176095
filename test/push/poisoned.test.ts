// A poisoned mutation is refused alone (issue 11, item 6). On the server: a mutation nested 1,500
// deep, or one whose intent function fails with an unexpected error, is refused with a code and
// recorded once, and the valid decisions pushed with it apply; an error that may pass on a retry
// (a serialization failure) still fails the push and records nothing, so the client sends it again.
// On the client (src/core/sync/isolate.ts, against the real gateway): mutations the server can never
// store (U+0000, a lone surrogate) are refused before sending, and a batch refused as a whole is split
// until the mutation at fault stands alone — the rest of the batch applies.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signedInClient } from '../../src/stack/fixtures'
import { pushIsolating, refusesPayload, type SendOutcome } from '../../src/core/sync/isolate'
import { callRpc } from '../../src/core/sync/rpc'
import { PushResponse, type PushMutation } from '../../src/shared/sync-protocol'
import { admin } from '../support/db'
import { createApproval, createMember, createTenant, type UserRef } from '../support/fixtures'
import { decideArgs, ledgerRows, mutation, push, seen, type Mutation } from './support'

let tenant: string
let approver: UserRef

beforeAll(async () => {
  tenant = (await createTenant()).id
  approver = await createMember(tenant, 'finance')
  // Two intent kinds that fail the way a bug would, reachable by name through the dispatcher.
  await admin().query(`
    create or replace function public.push_intent_test_explode(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
    returns jsonb language plpgsql set search_path = '' as $$
    begin
      raise exception 'an intent function with a bug';
    end $$;
    create or replace function public.push_intent_test_contend(p_uid uuid, p_mutation_id uuid, p_args jsonb, p_client_at timestamptz)
    returns jsonb language plpgsql set search_path = '' as $$
    begin
      raise exception 'could not serialize access' using errcode = '40001';
    end $$;`)
})

afterAll(async () => {
  await admin().query(`drop function if exists public.push_intent_test_explode(uuid, uuid, jsonb, timestamptz);
                       drop function if exists public.push_intent_test_contend(uuid, uuid, jsonb, timestamptz)`)
})

async function approveMutation(): Promise<Mutation> {
  return mutation('approval.decide', decideArgs(await seen((await createApproval(tenant)).id), 'approve'))
}

/** A value nested `depth` arrays deep. */
function nested(depth: number): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

async function statusOf(approvalId: unknown): Promise<string> {
  const { rows } = await admin().query('select status from public.approvals where id = $1', [approvalId])
  return rows[0].status
}

describe('sync_push', () => {
  it('refuses a mutation nested 1,500 deep alone; the decisions around it apply', async () => {
    const before = await approveMutation()
    const after = await approveMutation()
    const deepApproval = await seen((await createApproval(tenant)).id)
    const deep = mutation('approval.decide', decideArgs(deepApproval, 'approve_with_edits', { edited_payload: { lines: nested(1500) } }))

    const results = await push(approver.id, [before, deep, after])
    expect(results.map((r) => [r.client_mutation_id, r.status])).toEqual([
      [before.client_mutation_id, 'applied'],
      [deep.client_mutation_id, 'rejected'],
      [after.client_mutation_id, 'applied'],
    ])
    // Too deep to hash (invalid_input), or refused by the payload's schema before it is hashed.
    expect(['invalid_input', 'invalid_payload']).toContain(results[1]?.code)
    expect(await statusOf(before.args.approval_id)).toBe('approved')
    expect(await statusOf(deepApproval.id)).toBe('pending')
    // Exactly once holds for the refusal too: recorded, and a replay answers the same.
    expect(await ledgerRows(deep.client_mutation_id)).toBe(1)
    expect(await push(approver.id, [deep])).toEqual([results[1]])
  })

  it('turns an unexpected error of one mutation into its refusal, with the reason', async () => {
    const valid = await approveMutation()
    const broken = mutation('test.explode', {})
    const results = await push(approver.id, [broken, valid])
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'push_error' })
    expect(results[0]?.message).toContain('an intent function with a bug')
    expect(results[1]).toMatchObject({ status: 'applied' })
    expect(await ledgerRows(broken.client_mutation_id)).toBe(1)
  })

  it('fails the whole push on a transient error and records nothing, so the client sends it again', async () => {
    const valid = await approveMutation()
    const contended = mutation('test.contend', {})
    await expect(push(approver.id, [valid, contended])).rejects.toMatchObject({ code: '40001' })
    expect(await ledgerRows(valid.client_mutation_id)).toBe(0)
    expect(await ledgerRows(contended.client_mutation_id)).toBe(0)
    expect(await statusOf(valid.args.approval_id)).toBe('pending')
  })
})

describe('the client isolates what the server refuses as a whole', () => {
  /** Sends through the gateway as the console's push path does: a 400/413 is the request's refusal. */
  async function sender(email: string) {
    const supabase = await signedInClient(inject('stack'), email, 'demo-password')
    const requests: number[] = []
    const send = async (batch: PushMutation[]): Promise<SendOutcome> => {
      requests.push(batch.length)
      const outcome = await callRpc(supabase, 'sync_push', { p_mutations: batch })
      if (outcome.ok) return { ok: true, results: PushResponse.parse(outcome.data).results }
      if (outcome.kind === 'refused' && refusesPayload(outcome.status)) return { ok: false, code: outcome.code, message: outcome.message }
      throw new Error(`${outcome.kind} ${outcome.status} ${outcome.message}`)
    }
    return { send, requests }
  }

  it('refuses U+0000 and a lone surrogate before sending; the valid decisions apply', async () => {
    const { send } = await sender(approver.email)
    const valid = await approveMutation()
    const nul = mutation('approval.decide', { ...decideArgs(await seen((await createApproval(tenant)).id), 'reject'), reason: 'a\u0000b' })
    const surrogate = mutation('approval.decide', {
      ...decideArgs(await seen((await createApproval(tenant)).id), 'reject'),
      reason: 'cut emoji \ud83d',
    })
    const results = await pushIsolating([nul, valid, surrogate] as PushMutation[], send)
    const byId = new Map(results.map((r) => [r.client_mutation_id, r]))
    expect(byId.get(valid.client_mutation_id)).toMatchObject({ status: 'applied' })
    expect(byId.get(nul.client_mutation_id)).toMatchObject({ status: 'rejected', code: 'invalid_input' })
    expect(byId.get(nul.client_mutation_id)?.message).toContain('U+0000')
    expect(byId.get(surrogate.client_mutation_id)).toMatchObject({ status: 'rejected', code: 'invalid_input' })
    expect(results).toHaveLength(3)
  })

  it('splits a batch the server refuses with 400 until the mutation at fault is alone, and sends the rest', async () => {
    const { send, requests } = await sender(approver.email)
    const valid = await Promise.all(Array.from({ length: 6 }, () => approveMutation()))
    // No readable id: sync_push refuses the whole request (400), as the gateway does for a body it cannot take.
    const poisoned = { ...mutation('approval.decide', {}), client_mutation_id: 'not-a-uuid' }
    const batch = [...valid.slice(0, 4), poisoned, ...valid.slice(4)] as PushMutation[]
    const results = await pushIsolating(batch, send)

    expect(results.map((r) => r.client_mutation_id)).toEqual(batch.map((m) => m.client_mutation_id))
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(6)
    expect(results[4]).toMatchObject({ client_mutation_id: 'not-a-uuid', status: 'rejected', code: 'request_refused' })
    expect(results[4]?.message).toContain('client_mutation_id')
    for (const m of valid) expect(await statusOf(m.args.approval_id)).toBe('approved')
    // Halving, not one request per mutation: 7 → 4 + 3 → 2 + 2 (+ 1 + 1 around the culprit).
    expect(requests.length).toBeLessThan(batch.length + 2)
  })
})
