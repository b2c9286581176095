// What a reviewer should do about a refused or conflicting decision, by the server's code.
const ADVICE: Record<string, string> = {
  already_decided: 'Nothing to do: someone else decided it first. Dismiss this entry.',
  stale_version: 'The request changed. Open it, review what changed, and decide again.',
  approval_expired: 'The request expired. The agent must raise it again; dismiss this entry.',
  self_approval: 'Ask another reviewer to decide it.',
  duplicate_approver: 'A second, different approver is needed. Dismiss this entry.',
  not_an_approver: 'Only the named approvers can decide it; escalate or ask one of them.',
  risk_above_max: 'Escalate it to someone with a higher risk ceiling.',
  over_limit: 'Escalate it to an approver with a higher limit.',
  invalid_payload: 'Open it and fix the edits so they match the tool’s schema, or approve unchanged.',
  reason_required: 'Open it and reject again with a reason.',
  forbidden: 'You lack the permission for this. Ask an admin, or dismiss.',
  not_found: 'The request is gone or no longer visible to you. Dismiss this entry.',
  invalid_state: 'The request is no longer pending. Dismiss this entry.',
}

export function adviceFor(code: string | undefined, state: string): string {
  if (code && ADVICE[code]) return ADVICE[code]
  return state === 'conflict'
    ? 'Open the request, review it again, and decide anew.'
    : 'Open the request to decide again, or dismiss this entry.'
}
