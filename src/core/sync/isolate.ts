// A poisoned mutation is refused alone. The server runs each mutation of a push in its own
// sub-transaction and answers for each, but some mutations never reach that point: a string
// PostgreSQL's jsonb cannot hold (U+0000, a lone UTF-16 surrogate) or a body the gateway refuses
// (too deep, too large) makes the whole request fail with a 4xx, and the valid decisions sent with it
// would be retried behind it forever. So the push path sends through pushIsolating: mutations that
// can never be stored are refused before sending, and a batch refused as a whole is split in halves
// until the mutation at fault stands alone; it is refused with the server's reason, the rest go
// through. Replaying a half is safe: a refused request applied nothing, and the server's ledger
// returns the stored result for any id it did apply.
import { unstorable } from '../../shared/storable'
import type { MutationResult, PushMutation } from '../../shared/sync-protocol'

/** What sending one batch gave: a result per mutation, or the request refused as a whole. */
export type SendOutcome = { ok: true; results: MutationResult[] } | { ok: false; code: string; message: string }

/**
 * HTTP statuses that refuse the request for what it carries, so splitting it can find the culprit:
 * 400 (malformed body, a value the database cannot take) and 413 (too large). Others (403, 404, a
 * missing function…) say nothing about any one mutation and stay whole-batch failures.
 */
export function refusesPayload(status: number): boolean {
  return status === 400 || status === 413
}

function refused(m: PushMutation, code: string, message: string): MutationResult {
  return { client_mutation_id: m.client_mutation_id, status: 'rejected', code, message, row: null }
}

/**
 * Sends `mutations` with `send` and returns a result for each: the server's, or a refusal made
 * here for a mutation that cannot be stored or that the server refused alone as a whole request.
 * A transient failure of `send` (network, 5xx) is thrown as before: the caller retries the batch.
 */
export async function pushIsolating(
  mutations: PushMutation[],
  send: (batch: PushMutation[]) => Promise<SendOutcome>,
): Promise<MutationResult[]> {
  const results: MutationResult[] = []
  const sendable: PushMutation[] = []
  for (const m of mutations) {
    const why = unstorable(m)
    if (why) results.push(refused(m, 'invalid_input', why))
    else sendable.push(m)
  }
  if (sendable.length > 0) results.push(...(await bisect(sendable, send)))
  return results
}

async function bisect(batch: PushMutation[], send: (batch: PushMutation[]) => Promise<SendOutcome>): Promise<MutationResult[]> {
  const outcome = await send(batch)
  if (outcome.ok) return outcome.results
  const [only] = batch
  if (batch.length === 1 && only) return [refused(only, 'request_refused', outcome.message)]
  const half = Math.ceil(batch.length / 2)
  // In order: the first half's effects land before the second's, as the reviewer made them.
  const first = await bisect(batch.slice(0, half), send)
  const second = await bisect(batch.slice(half), send)
  return [...first, ...second]
}
