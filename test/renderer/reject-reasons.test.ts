// A reject reason carries its code to the agent inside the one reason text, and reads back the same.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeReason, encodeRejectReason, parseRejectReason, REJECT_REASON_CODES } from '../../src/shared/reject-reasons'

describe('reject reasons', () => {
  it('round-trips a code and the reviewer’s words', () => {
    fc.assert(
      fc.property(fc.constantFrom(null, ...REJECT_REASON_CODES), fc.string({ maxLength: 200 }), (code, text) => {
        const parsed = parseRejectReason(encodeRejectReason(code, text))
        if (code === null && /^\[[a-z_]+\]/.test(text.trim())) return // free text that looks coded: see below
        expect(parsed).toEqual({ code, text: text.trim() })
      }),
    )
  })

  it('puts the code first, in a form a person can read', () => {
    expect(encodeRejectReason('wrong_amount', ' Should be 40.00 EUR ')).toBe('[wrong_amount] Should be 40.00 EUR')
    expect(encodeRejectReason('duplicate', '')).toBe('[duplicate]')
    expect(describeReason('[wrong_amount] Should be 40.00 EUR')).toBe('Wrong amount — Should be 40.00 EUR')
    expect(describeReason('[needs_info]')).toBe('Needs more information')
  })

  it('leaves free text and unknown codes as the reviewer wrote them', () => {
    expect(parseRejectReason('Order never shipped')).toEqual({ code: null, text: 'Order never shipped' })
    expect(parseRejectReason('[not_a_code] hello')).toEqual({ code: null, text: '[not_a_code] hello' })
    expect(describeReason('[constructor] x')).toBe('[constructor] x')
  })
})
