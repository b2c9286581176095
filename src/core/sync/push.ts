// Up: queued intents whose hold window passed are claimed in the order they were made, sent to
// sync_push in batches, and resolved with the server's answer per intent in one local transaction.
// A failed request puts the whole batch back (the server's ledger makes a resend harmless); an
// intent the answer does not mention goes back too, with the reason shown.
//
// Batches go one at a time, in order, but the console does not make the server wait on its own
// bookkeeping: once batch n is answered (the server committed it), batch n+1 is claimed and sent,
// and n's answers are recorded locally while n+1 is on the server. The server still sees every
// batch only after the one before it was committed, so intents keep their order.
//
// A batch of decisions goes as one request per tenant, side by side (queue.splitByTenant): the
// server runs each request on a connection and a core of its own, where one request would keep
// one core busy while the rest wait. A tenant's intents stay in one request, in order; tenants
// share nothing a decision writes, so their requests neither wait on nor deadlock with each other.
import type { EmitEvent } from '../../shared/contract'
import { describeError } from '../../shared/errors'
import type { MutationResult, PushMutation } from '../../shared/sync-protocol'
import type { Auth } from '../auth/auth'
import * as queue from '../queue/intents'
import type { Replica } from '../replica/replica'
import { pushIsolating, refusesPayload } from './isolate'
import type { PhaseObserver } from './phases'
import { authorizedRpc, Transient } from './rpc'
import type { StatusModel } from './status'
import { parsePush } from './validate'

export interface PushOptions {
  replica: Replica
  auth: Auth
  status: StatusModel
  emit: EmitEvent
  now: () => number
  batch: number
  onPhase?: PhaseObserver
  /** The queue changed (intents resolved or put back): the status bar's depth and age follow. */
  queueChanged: () => Promise<void>
}

/** A request on its way: its intents and the answer to come (which never rejects: a failure is its value). */
interface InFlight {
  ids: string[]
  answer: Promise<Answer>
}
type Answer = { ok: true; results: MutationResult[] } | { ok: false; error: unknown }
/** A request the server answered: its intents and its results. */
type Answered = { ids: string[]; results: MutationResult[] }

/** Pushes every intent that is due; true when at least one batch went out. */
export async function pushDue(o: PushOptions): Promise<boolean> {
  let sent: InFlight[] | null = await claimAndSend(o)
  if (!sent) return false
  while (sent) {
    const answered: Answered[] = []
    const failed: string[] = []
    let failure: { error: unknown } | null = null
    for (const part of sent) {
      const answer: Answer = await part.answer
      if (answer.ok) answered.push({ ids: part.ids, results: answer.results })
      else {
        failed.push(...part.ids)
        failure ??= { error: answer.error }
      }
    }
    // The server committed this batch: the next one goes now — unless a request failed, or an
    // intent an answer left out must first go back to the queue, ahead of everything made after it.
    const whole: boolean = !failure && answered.every((part) => answersAll(part.ids, part.results))
    const next: InFlight[] | null = whole ? await claimAndSend(o) : null
    try {
      // What the other tenants' requests applied is recorded, even when one request failed.
      await record(o, answered)
    } catch (err) {
      // The next batch is on the server already: its intents go back for the next cycle once it
      // is answered (the server's ledger answers a resend with what it applied).
      if (next) {
        for (const part of next) await part.answer
        failed.push(...next.flatMap((part) => part.ids))
      }
      await putBack(o, failed, err)
      throw err
    }
    if (failure) {
      await putBack(o, failed, failure.error)
      throw failure.error
    }
    sent = next ?? (await claimAndSend(o))
  }
  return true
}

function answersAll(ids: string[], results: MutationResult[]): boolean {
  const answered = new Set(results.map((r) => r.client_mutation_id))
  return ids.every((id) => answered.has(id))
}

/** Claims the next due batch and sends it, one request per tenant; null when nothing is due. */
async function claimAndSend(o: PushOptions): Promise<InFlight[] | null> {
  const batch = await queue.claimBatch(o.replica.db, o.replica.userId, new Date(o.now()), o.batch)
  if (batch.length === 0) return null
  o.onPhase?.('push-claimed')
  for (const row of batch) o.emit('intent.changed', queue.toIntent(row))
  o.status.set({ state: 'syncing' })
  const parts = await queue.splitByTenant(o.replica.db, batch)
  o.onPhase?.('push-request')
  return parts.map((part) => send(o, part))
}

/**
 * Sends one request. A batch the server refuses as a whole (400/413) is split until the mutation
 * at fault stands alone and is refused with the server's reason (isolate.ts); other failures put
 * the batch back.
 */
function send(o: PushOptions, rows: queue.IntentRow[]): InFlight {
  const mutations: PushMutation[] = rows.map((r) => ({
    client_mutation_id: r.client_mutation_id,
    kind: r.kind,
    args: r.args,
    client_created_at: r.created_at.toISOString(),
  }))
  const answer = pushIsolating(mutations, async (part) => {
    try {
      const data = await authorizedRpc(o.auth, 'sync_push', { p_mutations: part })
      return { ok: true, results: parsePush(data, new Set(part.map((m) => m.client_mutation_id))).results }
    } catch (err) {
      if (err instanceof Transient && refusesPayload(err.status)) return { ok: false, code: err.code, message: err.message }
      throw err
    }
  }).then(
    (results): Answer => ({ ok: true, results }),
    (error: unknown): Answer => ({ ok: false, error }),
  )
  return { ids: rows.map((r) => r.client_mutation_id), answer }
}

/** A request that failed: its intents go back to the queue, retried from now. */
async function putBack(o: PushOptions, ids: string[], error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error)
  const back = await queue.requeue(o.replica.db, ids, new Date(o.now()), { code: 'push_failed', message })
  for (const row of back) o.emit('intent.changed', queue.toIntent(row))
}

/** Records the server's answers to a batch's requests in one local transaction, and tells the window. */
async function record(o: PushOptions, answered: Answered[]): Promise<void> {
  if (answered.length === 0) return
  const { replica, emit } = o
  const ids = answered.flatMap((part) => part.ids)
  const results = answered.flatMap((part) => part.results)
  const changed: queue.IntentRow[] = []
  await replica.db.transaction(async (tx) => {
    const answers = results.map((r) => ({
      id: r.client_mutation_id,
      status: r.status,
      code: r.code,
      message: r.status === 'applied' ? null : describeError(r.code ?? 'refused', r.message),
      row: r.row,
    }))
    changed.push(...(await queue.resolveAll(tx, answers, new Date(o.now()))))
    const resolved = new Set(answers.map((a) => a.id))
    const missing = ids.filter((id) => !resolved.has(id))
    changed.push(...(await queue.requeue(tx, missing, new Date(o.now()), { code: 'no_answer', message: 'no result for this intent' })))
  })
  // The queue's order, whatever order the statement returned the rows in.
  changed.sort((a, b) => a.seq - b.seq)
  o.onPhase?.('push-resolved')
  // The queue's statistics are refreshed with the replica's (the inbox's exclusions plan on them).
  replica.noteApplied({ pending_mutations: changed.length })
  for (const row of changed) emit('intent.changed', queue.toIntent(row))
  emit('data.changed', { tables: ['pending_mutations'] })
  await o.queueChanged()
}
