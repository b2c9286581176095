// Checks a sync_push answer completely before anything is written locally (sync_pull's answers are
// checked by sync/page.ts and, row by row, by the replica as it applies them: replica/apply.ts).
import { PushResponse } from '../../shared/sync-protocol'

export class BadAnswer extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadAnswer'
  }
}

export function parsePush(data: unknown, sentIds: Set<string>): PushResponse {
  const parsed = PushResponse.safeParse(data)
  if (!parsed.success) throw new BadAnswer(`sync_push answer has the wrong shape: ${parsed.error.issues[0]?.message ?? ''}`)
  for (const r of parsed.data.results) {
    if (!sentIds.has(r.client_mutation_id)) throw new BadAnswer('sync_push answered for a mutation it was not sent')
  }
  return parsed.data
}
