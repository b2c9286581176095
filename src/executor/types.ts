// What a worker hands an executor and what it gets back. An executor runs one approved action
// against the outside world (a webhook, an MCP server); the worker owns claiming, retries and
// reporting, so an executor only has to say whether the call succeeded and, if not, whether
// trying again could help.

/** An outbox envelope a worker holds a lease on (public.executor_claim). */
export interface ClaimedAction {
  outboxId: string
  /** Fences this claim: only the holder of the current token may report the outcome. */
  claimToken: string
  actionId: string
  tenantId: string
  tool: { app: string; key: string }
  /** Exactly the approved arguments; their canonical hash is `payloadHash`. */
  args: Record<string, unknown>
  payloadHash: string
  /** Stable across attempts and workers, so the provider applies the action at most once. */
  idempotencyKey: string
  /** 1 for the first attempt. */
  attempt: number
  /** The worker holding the claim, for the provider's logs. */
  workerId: string
}

export type Outcome =
  | { ok: true; result: unknown }
  /** transient: a later attempt may succeed (timeout, 5xx, 429, connection lost). */
  | { ok: false; transient: boolean; error: string }

export interface ToolExecutor {
  /** Runs the action once. Never throws for the call's own failures: they are an Outcome. */
  run(action: ClaimedAction, signal: AbortSignal): Promise<Outcome>
  close?(): Promise<void>
}

export function toolName(tool: { app: string; key: string }): string {
  return `${tool.app}.${tool.key}`
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err)
}
