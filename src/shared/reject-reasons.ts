// Why a reviewer rejected a request, as a code the requesting agent can act on plus the reviewer's
// words. approval.decide carries one `reason` text, so the code rides at its start in a fixed,
// parseable form — `[wrong_amount] The refund should be 40.00 EUR` — that reads fine to a person too.
export const REJECT_REASONS = {
  wrong_amount: 'Wrong amount',
  wrong_counterparty: 'Wrong counterparty',
  policy: 'Against policy',
  duplicate: 'Duplicate',
  needs_info: 'Needs more information',
} as const

export type RejectReasonCode = keyof typeof REJECT_REASONS

export const REJECT_REASON_CODES = Object.keys(REJECT_REASONS) as RejectReasonCode[]

const CODED = /^\[([a-z_]+)\]\s?([\s\S]*)$/

function isCode(s: string): s is RejectReasonCode {
  return Object.hasOwn(REJECT_REASONS, s)
}

/** The reason text sent with the decision: the code first (when chosen), then the reviewer's words. */
export function encodeRejectReason(code: RejectReasonCode | null, text: string): string {
  const words = text.trim()
  return code ? `[${code}]${words ? ` ${words}` : ''}` : words
}

/** A decision's reason split back into its code (null for free text) and the reviewer's words. */
export function parseRejectReason(reason: string): { code: RejectReasonCode | null; text: string } {
  const m = CODED.exec(reason)
  const code = m?.[1]
  if (m && code && isCode(code)) return { code, text: m[2]?.trim() ?? '' }
  return { code: null, text: reason }
}

/** A reason as a person reads it: "Wrong amount — the refund should be 40.00 EUR". */
export function describeReason(reason: string): string {
  const { code, text } = parseRejectReason(reason)
  if (!code) return text
  return text ? `${REJECT_REASONS[code]} — ${text}` : REJECT_REASONS[code]
}
