// The one place that names every error the console can show and says it in words a reviewer
// understands. Server refusal codes (sync_push), client-side pre-flight codes and bridge errors
// share this table so the same code reads the same everywhere.

export const ERROR_MESSAGES = {
  // Bridge and input
  invalid_input: 'The request was malformed and was not run.',
  unknown_method: 'The console asked for something that does not exist.',
  forbidden_sender: 'The request did not come from the console window.',
  internal: 'Something went wrong inside the console. Nothing was lost; try again.',
  core_restarted: 'The console’s core stopped and was restarted. Your queued decisions are kept; check this one and try again.',
  // Session
  not_signed_in: 'Sign in to continue.',
  sign_in_required: 'Your session ended. Sign in again; your queued decisions are kept.',
  invalid_credentials: 'That email and password do not match.',
  sign_in_rate_limited: 'Too many sign-in attempts. Wait a few minutes, then try again.',
  queue_not_empty: 'Decisions are still waiting to be sent, or were refused and not yet read.',
  offline: 'You are offline. This needs a connection.',
  backend_unreachable: 'The server cannot be reached.',
  // Saved views
  saved_views_full: 'All nine saved views are taken. Delete or overwrite one (save under its name) first.',
  saved_view_name_taken: 'Another saved view already has that name.',
  // Decisions (server refusals from sync_push, and the same checks run early on the replica)
  not_found: 'This item no longer exists or is not visible to you.',
  forbidden: 'You do not have permission to do this.',
  approval_expired: 'This request expired before the decision reached the server.',
  already_decided: 'Someone already decided this request.',
  stale_version: 'The request changed after you looked at it. Review it again.',
  self_approval: 'You cannot decide a request you raised yourself.',
  duplicate_approver: 'You already approved this request; a second, different approver is needed.',
  not_an_approver: 'You are not one of the approvers named on this request.',
  risk_above_max: 'This request is above the highest risk level you may approve.',
  over_limit: 'The amount is above your approval limit.',
  invalid_payload: 'The edited payload does not match the tool’s schema.',
  invalid_amount: 'The amount this would release cannot be trusted (missing, negative or absurd).',
  fx_rate_missing: 'No exchange rate converts this currency into the tenant’s base currency, so the limit cannot be checked.',
  reason_required: 'A reason is required to reject a high-risk request.',
  reassign_target_cannot_decide: 'That person could not decide this request, so it cannot be handed to them.',
  invalid_state: 'This item is not in a state that allows that action.',
  held: 'The decision is still in its hold window.',
  push_error: 'The server could not apply this change; nothing of it was kept. Decide again.',
  request_refused: 'The server refused the request carrying this change; nothing of it was kept.',
  // Agents (agent_propose and the agent credentials; sync_push refuses agents with agent_not_reviewer)
  agent_not_reviewer: 'An agent credential cannot decide or review anything.',
  not_an_agent: 'Only a signed-in agent credential may propose actions.',
  agent_suspended: 'This agent is suspended; its proposals are refused.',
  idempotency_conflict: 'This idempotency key was already used for a different call.',
  unknown_tool: 'There is no such tool in this tenant.',
  tool_not_writable: 'This tool is not allowed to write.',
  invalid_args: 'The arguments do not match the tool’s schema.',
  autonomy_forbids: 'This agent’s autonomy level does not allow proposing actions.',
  agent_tier_forbids: 'This call is riskier than the agent is allowed to ask for.',
  repeat_after_rejection: 'The same call was already rejected; asking again was refused and flagged.',
  rate_limited: 'The tool’s rate limit is reached; try again shortly.',
  invalid_policy: 'The policy is not valid.',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_MESSAGES, code)
}

/** A human sentence for a code, preferring the server's own message when it adds detail. */
export function describeError(code: string, serverMessage?: string | null): string {
  const known = isErrorCode(code) ? ERROR_MESSAGES[code] : undefined
  if (serverMessage && (!known || serverMessage !== code)) return serverMessage
  return known ?? `Refused (${code}).`
}

/** What crosses the bridge when a call fails: typed, serialisable, never a stack trace. */
export interface ApiErrorShape {
  code: ErrorCode
  message: string
  details?: unknown
}

export class ApiError extends Error implements ApiErrorShape {
  readonly code: ErrorCode
  readonly details?: unknown
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_MESSAGES[code])
    this.name = 'ApiError'
    this.code = code
    this.details = details
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) }
  }
}
