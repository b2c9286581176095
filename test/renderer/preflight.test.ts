// The renderer's pre-flight: what the replica already knows the server would refuse is refused
// before anything is queued, with the same code the server would answer — and nothing more: a
// reviewer over their limit may still stop a request (reject, escalate), snoozing and messaging
// are never refused, and a bulk approve names how many selected items stand in the way.
import { describe, expect, it } from 'vitest'
import type { ApprovalListItem } from '../../src/shared/contract-domain'
import {
  BULK_RISK_CEILING,
  bulkApproveRefusal,
  isExpired,
  preflightRefusal,
  type DecisionAction,
} from '../../src/renderer/src/decisions/preflight'

const NOW = Date.parse('2026-12-03T12:00:00Z')

function item(over: Partial<ApprovalListItem> = {}): ApprovalListItem {
  return { id: 'a-1', title: 'Refund 1', riskLevel: 1, expiresAt: null, preflight: null, ...over } as ApprovalListItem
}

const refusal = (code: string, message = `refused: ${code}`) => ({ code, message })
const ALL: DecisionAction[] = ['approve', 'approve_with_edits', 'reject', 'escalate', 'delegate', 'snooze', 'message']
const refusedActs = (i: ApprovalListItem) => ALL.filter((a) => preflightRefusal(i, a, NOW) !== null)

describe('pre-flight of one decision', () => {
  it('lets every action through on a request the replica knows nothing against', () => {
    expect(refusedActs(item())).toEqual([])
  })

  it('refuses every decision on an expired request, but still lets it be snoozed or discussed', () => {
    const expired = item({ expiresAt: new Date(NOW - 1000).toISOString() })
    expect(isExpired(expired, NOW)).toBe(true)
    expect(refusedActs(expired)).toEqual(['approve', 'approve_with_edits', 'reject', 'escalate', 'delegate'])
    expect(preflightRefusal(expired, 'reject', NOW)?.code).toBe('approval_expired')
    // Expiring later is not expired yet.
    expect(refusedActs(item({ expiresAt: new Date(NOW + 60_000).toISOString() }))).toEqual([])
  })

  it('refuses only releasing an item over my limit: I may still reject, escalate or hand it on', () => {
    const over = item({ preflight: refusal('over_limit', 'The amount is above your approval limit.') })
    expect(refusedActs(over)).toEqual(['approve', 'approve_with_edits'])
    expect(preflightRefusal(over, 'approve', NOW)).toEqual({ code: 'over_limit', message: 'The amount is above your approval limit.' })
  })

  it('refuses every decision on my own request, and handing it on as well', () => {
    const mine = item({ preflight: refusal('self_approval') })
    expect(refusedActs(mine)).toEqual(['approve', 'approve_with_edits', 'reject', 'escalate', 'delegate'])
  })

  it('refuses a reviewer who is not a named approver whatever the decision', () => {
    expect(refusedActs(item({ preflight: refusal('not_an_approver') }))).toEqual([
      'approve',
      'approve_with_edits',
      'reject',
      'escalate',
      'delegate',
    ])
  })
})

describe('pre-flight of a bulk approve', () => {
  it('goes ahead when every selected item may be approved at or below the risk ceiling', () => {
    const items = [item({ id: 'a', riskLevel: 1 }), item({ id: 'b', riskLevel: BULK_RISK_CEILING })]
    expect(bulkApproveRefusal(items, NOW)).toBeNull()
  })

  it('is refused when any item is above the risk ceiling, saying how many of the selection', () => {
    const items = [item({ id: 'a' }), item({ id: 'b', riskLevel: BULK_RISK_CEILING + 1 }), item({ id: 'c' })]
    const r = bulkApproveRefusal(items, NOW)
    expect(r?.code).toBe('bulk_risk_ceiling')
    expect(r?.message).toMatch(/1 of 3 selected is risk 4 or higher/)
  })

  it('is refused when an item may not be approved by me, with that item’s reason', () => {
    const items = [
      item({ id: 'a' }),
      item({ id: 'b', preflight: refusal('over_limit', 'The amount is above your approval limit.') }),
      item({ id: 'c', expiresAt: new Date(NOW - 1).toISOString() }),
    ]
    const r = bulkApproveRefusal(items, NOW)
    expect(r?.code).toBe('over_limit')
    expect(r?.message).toBe(
      'Bulk approve refused: you cannot approve 2 of 3 selected. The amount is above your approval limit.',
    )
  })
})
