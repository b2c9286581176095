// What a kind builder returns: a draft of the request (amount, counterparty, flags, base risk)
// drawn before the approval's fate is known, and `finish(outcome)`, which then writes the evidence
// rows, tool arguments and texts consistent with that fate (a paid payout, a refunded order…).
import type { FileChange } from './diffs'
import type { AgentInfo, ApprovalKind, ApprovalStatus, Currency, TenantCtx } from './model'
import type { Rng } from './prng'
import type { ToolName } from './tools'
import type { PolicyFlag } from './vocab'
import type { Row } from './writer'

export interface EvidenceRef {
  table: string
  id: string
}

/** The fate of an approval, decided between draft and finish. */
export interface Outcome {
  status: ApprovalStatus
  /** Approved with edits: the executed payload differs from the requested one. */
  edited: boolean
  /** Approved and sent to the tool. */
  executed: boolean
  /** Approved, but the tool call failed at the provider. */
  failed: boolean
  decidedAt: number | null
}

export interface Finished {
  title: string
  /** Markdown body; the generic part (flags, expiry) is appended by the caller. */
  summary: string
  args: Record<string, unknown>
  /** The arguments that are approved and executed: `args`, or the reviewer's edit. */
  finalArgs: Record<string, unknown>
  finalAmount: number | null
  editReason?: string
  evidence: EvidenceRef[]
  rows: [table: string, row: Row][]
  /** The provider's answer when the action ran. */
  actionResult: Record<string, unknown> | null
  taskDescription: string
}

export interface Draft {
  kind: ApprovalKind
  tool: ToolName
  amount: number | null
  currency: Currency | null
  counterparty: string | null
  flags: PolicyFlag[]
  /** Risk before amount bands, flags and jitter. */
  riskBase: number
  /** Amount (in USD) thresholds that each add one risk level. */
  bands: readonly number[]
  taskTitle: string
  finish(o: Outcome): Finished
}

/** Everything a kind builder may read; ids come from the run's PRNG so a seed reproduces the data. */
export interface BuildEnv {
  rng: Rng
  tenant: TenantCtx
  agent: AgentInfo
  createdAt: number
  now: number
  diffPool: FileChange[]
  /** Counterparties already paid in the tenant, for the new_counterparty flag. */
  knownCounterparties: Set<string>
  /** Increasing numbers for order numbers, journal ids, PR numbers: unique in the run. */
  nextNumber(series: string): number
  /** Fixed amount and currency (scenario items that exercise a rule). */
  want?: { amount?: number; currency?: Currency }
}
