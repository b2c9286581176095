// Change sets for the Change sets view's tests: rows with unified-diff patches written straight
// into the stack (as an agent's tooling would), diffs of a chosen size, and what the server holds
// about a review — the change set's row, its ledger entries and its audit entries.
import { admin } from '../../support/db'

export interface PatchSpec {
  path: string
  diff: string
}

export interface SeededChangeset {
  id: string
  title: string
}

export async function createChangeset(
  tenantId: string,
  opts: {
    title: string
    description?: string
    agentId?: string | null
    status?: 'draft' | 'pending_review' | 'approved' | 'rejected' | 'applied'
    authorUserId?: string | null
    /** How long ago it was raised; the list shows the newest first. */
    minutesAgo?: number
    patches: readonly PatchSpec[]
  },
): Promise<SeededChangeset> {
  const db = admin()
  const { rows } = await db.query<{ id: string }>(
    `insert into public.changesets (tenant_id, title, description, status, agent_id, author_user_id, created_at)
     values ($1, $2, $3, $4, $5, $6, now() - make_interval(mins => $7)) returning id`,
    [
      tenantId,
      opts.title,
      opts.description ?? null,
      opts.status ?? 'pending_review',
      opts.agentId ?? null,
      opts.authorUserId ?? null,
      opts.minutesAgo ?? 0,
    ],
  )
  const id = rows[0]!.id
  for (const [position, p] of opts.patches.entries()) {
    await db.query(
      `insert into public.changeset_patches (tenant_id, changeset_id, position, path, diff) values ($1, $2, $3, $4, $5)`,
      [tenantId, id, position, p.path, p.diff],
    )
  }
  return { id, title: opts.title }
}

/**
 * A well-formed diff of `path` with `hunks` hunks, each replacing `changed` lines with `changed + 1`
 * new ones inside three lines of context; hunks sit 100 lines apart. Line texts name their hunk.
 */
export function modifiedFile(path: string, hunks: number, changed = 2): PatchSpec {
  const out = [`--- a/${path}`, `+++ b/${path}`]
  for (let h = 0; h < hunks; h++) {
    const oldStart = 1 + h * 100
    const newStart = oldStart + h // each earlier hunk added one line
    const oldLines = 6 + changed
    const newLines = 6 + changed + 1
    out.push(`@@ -${oldStart},${oldLines} +${newStart},${newLines} @@ function step${h}() {`)
    for (let i = 0; i < 3; i++) out.push(`   context ${h}.${i}`)
    for (let i = 0; i < changed; i++) out.push(`-  const limit${h}_${i} = ${100 + i}`)
    for (let i = 0; i <= changed; i++) out.push(`+  const limit${h}_${i} = ${200 + i}`)
    for (let i = 3; i < 6; i++) out.push(`   context ${h}.${i}`)
  }
  return { path, diff: `${out.join('\n')}\n` }
}

/** A new file of `lines` lines. */
export function addedFile(path: string, lines: number): PatchSpec {
  const body = Array.from({ length: lines }, (_, i) => `+line ${i + 1} of ${path}`)
  return { path, diff: [`--- /dev/null`, `+++ b/${path}`, `@@ -0,0 +1,${lines} @@`, ...body, ''].join('\n') }
}

export interface ServerReview {
  status: string
  reviewComment: string | null
  reviewedBy: string | null
  /** Ledger rows (sync_mutations) naming this change set, by status. */
  ledger: { applied: number; refused: number }
  /** Audit entries of a review of this change set. */
  audits: number
}

export async function serverReview(changesetId: string): Promise<ServerReview> {
  const db = admin()
  const row = await db.query<{ status: string; review_comment: string | null; reviewed_by: string | null }>(
    `select status, review_comment, reviewed_by from public.changesets where id = $1`,
    [changesetId],
  )
  const ledger = await db.query<{ applied: number; refused: number }>(
    `select count(*) filter (where status = 'applied')::int as applied, count(*) filter (where status <> 'applied')::int as refused
       from public.sync_mutations where kind = 'changeset.review' and args->>'changeset_id' = $1`,
    [changesetId],
  )
  const audits = await db.query<{ n: number }>(
    `select count(*)::int as n from public.audit_log where entity_type = 'changeset' and entity_id = $1 and action = 'changeset.review'`,
    [changesetId],
  )
  const r = row.rows[0]!
  return {
    status: r.status,
    reviewComment: r.review_comment,
    reviewedBy: r.reviewed_by,
    ledger: ledger.rows[0]!,
    audits: audits.rows[0]!.n,
  }
}
