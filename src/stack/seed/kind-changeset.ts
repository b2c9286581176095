// Change-set requests: one to three real diffs from the pool, the change set and its patches, and
// the pull request that opens once it is approved.
import type { BuildEnv, Draft, Outcome } from './draft'
import type { FileChange } from './diffs'
import type { Row } from './writer'

const PRODUCTION_PATHS = /SuiteScripts|config\/payouts|db\/migrations/

export function changesetDraft(env: BuildEnv): Draft {
  const { rng, tenant } = env
  const byPath = new Map<string, FileChange>()
  for (const change of rng.sample(env.diffPool, rng.int(1, 4)))
    if (!byPath.has(change.path)) byPath.set(change.path, change)
  const patches = [...byPath.values()]
  const production = patches.some((p) => PRODUCTION_PATHS.test(p.path))
  const title = patches[0]!.intent.split('; ')[0]!
  const prNumber = env.nextNumber('pr')
  return {
    kind: 'changeset',
    tool: 'github_open_pr',
    amount: null,
    currency: null,
    counterparty: tenant.repo,
    flags: production ? ['production_change'] : [],
    riskBase: 1 + (production ? 1 : 0) + (patches.length > 2 ? 1 : 0),
    bands: [],
    taskTitle: title,
    finish(o: Outcome) {
      const changesetId = rng.uuid()
      const reviewed = o.status === 'approved' || o.status === 'rejected'
      const reviewer = reviewed ? rng.pick(tenant.deciders) : null
      const changeset: Row = {
        id: changesetId,
        tenant_id: tenant.id,
        title,
        description: `${patches.map((p) => `- ${p.intent} (\`${p.path}\`)`).join('\n')}\n\nProposed by ${env.agent.name}.`,
        status: o.executed
          ? 'applied'
          : o.status === 'approved'
            ? 'approved'
            : o.status === 'rejected'
              ? 'rejected'
              : o.status === 'pending' || o.status === 'escalated'
                ? 'pending_review'
                : 'draft',
        agent_id: env.agent.id,
        reviewed_by: reviewer?.id ?? null,
        reviewed_at: reviewed && o.decidedAt ? new Date(o.decidedAt).toISOString() : null,
        review_comment:
          o.status === 'rejected' ? 'Split the unrelated config change into its own change set.' : null,
        applied_at: o.executed && o.decidedAt ? new Date(o.decidedAt + 4 * 60_000).toISOString() : null,
        created_at: new Date(env.createdAt - 10 * 60_000).toISOString(),
      }
      const patchRows: Row[] = patches.map((p, i) => ({
        id: rng.uuid(),
        tenant_id: tenant.id,
        changeset_id: changesetId,
        position: i,
        path: p.path,
        diff: p.diff,
        created_at: changeset.created_at,
      }))
      const head = `agent/${title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')}-${prNumber}`
      const args = {
        repo: tenant.repo,
        base: 'main',
        head,
        title,
        body: `${changeset.description as string}\n\n+${patches.reduce((a, p) => a + p.additions, 0)} −${patches.reduce((a, p) => a + p.deletions, 0)} in ${filesWord(patches.length)}.`,
        draft: false,
        changeset_id: changesetId,
      }
      const finalArgs = o.edited ? { ...args, draft: true } : args
      return {
        title: `Change set: ${title}`,
        summary: `**${title}** in \`${tenant.repo}\` — ${filesWord(patches.length)}, +${patches.reduce((a, p) => a + p.additions, 0)} −${patches.reduce((a, p) => a + p.deletions, 0)}.\n\n${changeset.description as string}`,
        args,
        finalArgs,
        finalAmount: null,
        editReason: o.edited
          ? 'Open it as a draft PR first; CI has to pass before anyone merges.'
          : undefined,
        evidence: [{ table: 'changesets', id: changesetId }],
        rows: [['changesets', changeset], ...patchRows.map((r): [string, Row] => ['changeset_patches', r])],
        actionResult: o.executed
          ? { number: prNumber, url: `https://github.com/${tenant.repo}/pull/${prNumber}`, state: 'open' }
          : o.failed
            ? { error: { status: 422, message: 'A pull request already exists for this branch.' } }
            : null,
        taskDescription: `Change requested: ${patches.map((p) => p.intent).join('; ')}.`,
      }
    },
  }
}

function filesWord(n: number): string {
  return n === 1 ? '1 file' : `${n} files`
}
