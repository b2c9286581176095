// The console's pre-flight run over the server's own rows: loadReviewerContext and
// loadPreflightSubject read the same tables a replica holds, so pointing them at the server shows
// what a fully synced console would decide, to compare with what sync_push answers.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { DecisionInput, DecisionKind, Refusal } from '../../src/shared/decision-rules'
import { loadPreflightSubject, loadReviewerContext, preflight, type ReviewerContext } from '../../src/core/queries/standing'
import { admin } from './db'

/** The superuser pool behind the replica's query interface (the only part the loaders use). */
export function serverAsReplica(): PGliteInterface {
  return {
    query: async (sql: string, params?: unknown[]) => ({ rows: (await admin().query(sql, params)).rows, fields: [] }),
  } as unknown as PGliteInterface
}

export function reviewerContext(userId: string, now = new Date()): Promise<ReviewerContext> {
  return loadReviewerContext(serverAsReplica(), userId, now)
}

/** What the console's pre-flight says about this decision, given every row the server holds. */
export async function consoleVerdict(
  userId: string,
  approvalId: string,
  decision: DecisionKind,
  input: DecisionInput = {},
  ctx?: ReviewerContext,
): Promise<Refusal | null> {
  const db = serverAsReplica()
  const subject = await loadPreflightSubject(db, approvalId)
  if (!subject) return { code: 'not_found', message: 'not found' }
  return preflight(ctx ?? (await loadReviewerContext(db, userId, new Date())), subject, decision, input)
}
