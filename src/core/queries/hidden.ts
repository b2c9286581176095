// The pending approvals the inbox leaves out for its reviewer: those they already decided (a
// four-eyes item waiting for someone else), those with a decision of theirs on its way, and those
// they snoozed. A small set, derived from synced rows plus intents and kept until one of the tables
// it reads changes (or a few seconds pass, for snoozes that run out), so every inbox query and
// count is a plain scan of pending approvals minus this list.
import type { PGliteInterface } from '@electric-sql/pglite'
import { DerivedCache, sameIds } from './derived-cache'

const SOURCES = new Set(['approvals', 'approval_decisions', 'review_snoozes', 'pending_mutations'])
const TTL_MS = 15_000

export class InboxExclusions extends DerivedCache<string[]> {
  constructor(
    private readonly db: PGliteInterface,
    private readonly userId: string,
  ) {
    super(SOURCES, TTL_MS, sameIds)
  }

  ids(now: Date): Promise<string[]> {
    return this.read(now, () => this.load(now))
  }

  private async load(now: Date): Promise<string[]> {
    const res = await this.db.query<{ id: string }>(
      `-- approved by me as it stands, still pending (four-eyes; an edit since brings it back). Only
       -- a request that needs more than one approval can be: with one, mine released it. Read from
       -- those few (approvals_four_eyes_pending_idx), not from every decision I ever made.
       select d.approval_id as id from approvals a
         join approval_decisions d on d.approval_id = a.id and d.actor_id = $1
        where a.status = 'pending' and a.deleted_at is null and a.required_approvals > 1
          and d.payload_hash_approved = a.payload_hash
       union
       -- a decision (or reassignment) of mine queued, on its way, or applied but not yet pulled back;
       -- read from the pending approvals (a few hundred), not from every intent ever applied
       select pm.target_id from approvals a
         join pending_mutations pm on pm.target_id = a.id and pm.user_id = $1
        where a.status = 'pending' and a.deleted_at is null and pm.kind in ('approval.decide', 'approval.reassign')
          and (pm.state in ('held', 'queued', 'sending')
               or (pm.state = 'applied' and a.version <= (pm.args->>'version_seen')::int))
       union
       -- snoozed by an intent not yet reflected in the synced snooze row
       select pm.target_id from pending_mutations pm
        where pm.user_id = $1 and pm.kind = 'snooze.set' and pm.state in ('held', 'queued', 'sending', 'applied')
          and (pm.args->>'until')::timestamptz > $2
          and (pm.state <> 'applied' or not exists (select 1 from review_snoozes s
                 where s.approval_id = pm.target_id and s.user_id = $1 and s.updated_at >= pm.created_at))
       union
       -- snoozed on the server, unless an unsnooze of mine is on its way
       select s.approval_id from review_snoozes s
        where s.user_id = $1 and s.until > $2
          and not exists (select 1 from pending_mutations pu where pu.target_id = s.approval_id and pu.user_id = $1
                            and pu.kind = 'snooze.set' and pu.state in ('held', 'queued', 'sending')
                            and pu.args->>'until' is null)`,
      [this.userId, now],
    )
    return res.rows.map((r) => r.id).filter((id): id is string => typeof id === 'string')
  }
}
