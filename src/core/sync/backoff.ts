// Exponential backoff with full jitter for transient sync failures: spreads retries of many
// consoles coming back at once, and caps the wait so a recovered server is noticed soon.

export interface BackoffPolicy {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 }

/** Delay before retry number `attempt` (1 = first retry): uniform in [base/2, min(max, base·2^(n-1))]. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  const floor = Math.min(ceiling, policy.baseMs / 2)
  return Math.round(floor + random() * (ceiling - floor))
}
