// Change sets with real unified diffs: plausible files from a NetSuite SDF project and the ops
// tooling around it, edited the way agents edit them (a threshold, a retry, a mapping), diffed
// with the `diff` package. A pool is built once per run and reused, since diffing is the slow part.
import { createTwoFilesPatch } from 'diff'
import type { Rng } from './prng'

export interface FileChange {
  path: string
  diff: string
  additions: number
  deletions: number
  /** What the edit does, for change-set titles. */
  intent: string
}

interface Template {
  path: string
  render: (v: Record<string, string | number>) => string
  edits: { intent: string; apply: (v: Record<string, string | number>, rng: Rng) => void }[]
  defaults: (rng: Rng) => Record<string, string | number>
}

const suitescript: Template = {
  path: 'src/FileCabinet/SuiteScripts/refunds/ue_refund_guard.js',
  defaults: (rng) => ({ limit: rng.pick([250, 500, 750, 1000]), retries: 2, days: 30, log: 'audit' }),
  render: (v) => `/**
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * Blocks customer refunds that exceed the automatic limit unless an approval is attached.
 */
define(['N/record', 'N/runtime', 'N/log'], (record, runtime, log) => {
  const AUTO_REFUND_LIMIT = ${v.limit}
  const MAX_RETRIES = ${v.retries}
  const REFUND_WINDOW_DAYS = ${v.days}

  function beforeSubmit(context) {
    if (context.type !== context.UserEventType.CREATE) return
    const refund = context.newRecord
    const amount = Number(refund.getValue({ fieldId: 'total' }))
    const approvalId = refund.getValue({ fieldId: 'custbody_approval_id' })
    if (amount > AUTO_REFUND_LIMIT && !approvalId) {
      log.${v.log}({ title: 'refund blocked', details: { amount, limit: AUTO_REFUND_LIMIT } })
      throw new Error('Refund above ' + AUTO_REFUND_LIMIT + ' needs an approval')
    }
    const created = new Date(refund.getValue({ fieldId: 'createddate' }))
    const ageDays = (Date.now() - created.getTime()) / 86400000
    if (ageDays > REFUND_WINDOW_DAYS) {
      log.${v.log}({ title: 'refund outside window', details: { ageDays } })
    }
  }

  return { beforeSubmit }
})
`,
  edits: [
    {
      intent: 'Raise the automatic refund limit',
      apply: (v, rng) => {
        v.limit = Number(v.limit) + rng.pick([250, 500])
      },
    },
    {
      intent: 'Lower the automatic refund limit',
      apply: (v) => {
        v.limit = Math.max(100, Number(v.limit) - 150)
      },
    },
    {
      intent: 'Extend the refund window to 45 days',
      apply: (v) => {
        v.days = 45
      },
    },
    {
      intent: 'Log blocked refunds at error level',
      apply: (v) => {
        v.log = 'error'
      },
    },
  ],
}

const payoutPolicy: Template = {
  path: 'config/payouts/policy.yaml',
  defaults: (rng) => ({
    instant: rng.pick([2000, 5000]),
    hold: 24,
    review: rng.pick([10000, 25000]),
    currency: 'EUR',
    velocity: 10,
  }),
  render: (v) => `# Payout policy applied by the payout runner before it asks for approval.
version: 3
defaults:
  currency: ${v.currency}
  method: standard
limits:
  instant_payout_max: ${v.instant}
  manual_review_above: ${v.review}
  new_bank_account_hold_hours: ${v.hold}
velocity:
  max_payouts_per_hour: ${v.velocity}
  alert_channel: "#payouts"
beneficiaries:
  require_verified_account: true
  block_countries: [KP, IR, SY]
`,
  edits: [
    {
      intent: 'Raise the manual-review threshold',
      apply: (v) => {
        v.review = Number(v.review) * 2
      },
    },
    {
      intent: 'Shorten the new-account hold to 12 hours',
      apply: (v) => {
        v.hold = 12
      },
    },
    {
      intent: 'Allow bigger instant payouts',
      apply: (v) => {
        v.instant = Number(v.instant) + 3000
      },
    },
    {
      intent: 'Tighten payout velocity',
      apply: (v) => {
        v.velocity = 5
      },
    },
  ],
}

const glMapping: Template = {
  path: 'src/Objects/mappings/stripe_gl_mapping.json',
  defaults: () => ({ fees: '6150', refunds: '4090', disputes: '6160', clearing: '1090', revenue: '4000' }),
  render: (v) => `{
  "source": "stripe",
  "posting_mode": "lumpsum",
  "accounts": {
    "charges": "${v.revenue}",
    "refunds": "${v.refunds}",
    "stripe_fees": "${v.fees}",
    "disputes": "${v.disputes}",
    "clearing": "${v.clearing}"
  },
  "subsidiary": "2",
  "attach_evidence": true
}
`,
  edits: [
    {
      intent: 'Map dispute losses to 6165 Chargeback losses',
      apply: (v) => {
        v.disputes = '6165'
      },
    },
    {
      intent: 'Book Stripe fees to 6155 Payment processing',
      apply: (v) => {
        v.fees = '6155'
      },
    },
    {
      intent: 'Use 1095 as the Stripe clearing account',
      apply: (v) => {
        v.clearing = '1095'
      },
    },
  ],
}

const retryModule: Template = {
  path: 'services/outbox-worker/src/retry.ts',
  defaults: (rng) => ({ base: rng.pick([500, 1000]), max: 5, cap: 60000, jitter: 'full' }),
  render: (v) => `// Backoff for outbox deliveries that failed with a transient error.
export const BASE_DELAY_MS = ${v.base}
export const MAX_ATTEMPTS = ${v.max}
export const MAX_DELAY_MS = ${v.cap}

export function nextDelay(attempt: number, random = Math.random): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)
  return ${v.jitter === 'full' ? 'Math.round(random() * exp)' : 'Math.round(exp / 2 + random() * (exp / 2))'}
}

export function shouldRetry(attempt: number, status: number): boolean {
  if (attempt >= MAX_ATTEMPTS) return false
  return status === 429 || status >= 500
}
`,
  edits: [
    {
      intent: 'Retry outbox deliveries up to 8 times',
      apply: (v) => {
        v.max = 8
      },
    },
    {
      intent: 'Use equal jitter in outbox backoff',
      apply: (v) => {
        v.jitter = 'equal'
      },
    },
    {
      intent: 'Cap outbox backoff at 5 minutes',
      apply: (v) => {
        v.cap = 300000
      },
    },
  ],
}

const migration: Template = {
  path: 'db/migrations/0042_vendor_terms.sql',
  defaults: () => ({ terms: 30, col: 'payment_terms_days', idx: 'vendor_terms_idx' }),
  render: (v) => `-- Vendor payment terms used by the AP agent to schedule payouts.
alter table vendors add column if not exists ${v.col} integer not null default ${v.terms};
create index if not exists ${v.idx} on vendors (${v.col});
update vendors set ${v.col} = ${v.terms} where ${v.col} is null;
`,
  edits: [
    {
      intent: 'Default vendor terms to net 45',
      apply: (v) => {
        v.terms = 45
      },
    },
    {
      intent: 'Rename the vendor terms column',
      apply: (v) => {
        v.col = 'net_terms_days'
        v.idx = 'vendor_net_terms_idx'
      },
    },
  ],
}

const TEMPLATES = [suitescript, payoutPolicy, glMapping, retryModule, migration]

function countLines(diff: string): { additions: number; deletions: number } {
  let additions = 0
  let deletions = 0
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) additions++
    else if (line.startsWith('-') && !line.startsWith('---')) deletions++
  }
  return { additions, deletions }
}

/** `size` distinct file changes, each a real diff between two renderings of a template. */
export function buildDiffPool(rng: Rng, size: number): FileChange[] {
  const pool: FileChange[] = []
  for (let i = 0; i < size; i++) {
    const t = TEMPLATES[i % TEMPLATES.length]!
    const before = t.defaults(rng)
    const after = { ...before }
    const edits = rng.sample(t.edits, rng.int(1, Math.min(2, t.edits.length)))
    for (const e of edits) e.apply(after, rng)
    const oldText = t.render(before)
    const newText = t.render(after)
    if (oldText === newText) continue
    const diff = createTwoFilesPatch(`a/${t.path}`, `b/${t.path}`, oldText, newText, undefined, undefined, {
      context: 3,
    })
    pool.push({ path: t.path, diff, intent: edits.map((e) => e.intent).join('; '), ...countLines(diff) })
  }
  return pool
}
