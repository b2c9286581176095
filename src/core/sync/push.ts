// Up: queued intents whose hold window passed are claimed in the order they were made, sent to
// sync_push in batches, and resolved with the server's answer per intent in one local transaction.
// A failed request puts the whole batch back (the server's ledger makes a resend harmless); an
// intent the answer does not mention goes back too, with the reason shown.
import type { EmitEvent } from '../../shared/contract'
import { describeError } from '../../shared/errors'
import type { PushMutation } from '../../shared/sync-protocol'
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

/** Pushes every intent that is due; true when at least one batch went out. */
export async function pushDue(o: PushOptions): Promise<boolean> {
  const { replica, emit } = o
  let pushedAny = false
  for (;;) {
    const batch = await queue.claimBatch(replica.db, replica.userId, new Date(o.now()), o.batch)
    if (batch.length === 0) break
    o.onPhase?.('push-claimed')
    for (const row of batch) emit('intent.changed', queue.toIntent(row))
    o.status.set({ state: 'syncing' })
    const mutations: PushMutation[] = batch.map((r) => ({
      client_mutation_id: r.client_mutation_id,
      kind: r.kind,
      args: r.args,
      client_created_at: r.created_at.toISOString(),
    }))
    const ids = batch.map((r) => r.client_mutation_id)
    o.onPhase?.('push-request')
    let results
    try {
      // A batch the server refuses as a whole (400/413) is split until the mutation at fault stands
      // alone and is refused with the server's reason (isolate.ts); other failures still throw and
      // put the batch back.
      results = await pushIsolating(mutations, async (part) => {
        try {
          const data = await authorizedRpc(o.auth, 'sync_push', { p_mutations: part })
          return { ok: true, results: parsePush(data, new Set(part.map((m) => m.client_mutation_id))).results }
        } catch (err) {
          if (err instanceof Transient && refusesPayload(err.status)) return { ok: false, code: err.code, message: err.message }
          throw err
        }
      })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      const back = await queue.requeue(replica.db, ids, new Date(o.now()), { code: 'push_failed', message })
      for (const row of back) emit('intent.changed', queue.toIntent(row))
      throw err
    }
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
      const answered = new Set(answers.map((a) => a.id))
      const missing = ids.filter((id) => !answered.has(id))
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
    pushedAny = true
  }
  return pushedAny
}
