// Edit-form validation speaks in words: the tool's schema problems never quote a regular expression
// or the validator's own phrasing.
import { describe, expect, it } from 'vitest'
import { validatorFor } from '../../src/renderer/src/decisions/schema-validate'

const schema = {
  type: 'object',
  required: ['order_id', 'amount', 'currency'],
  additionalProperties: false,
  properties: {
    order_id: { type: 'string', pattern: '^ord_[0-9]+$' },
    amount: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
    currency: { type: 'string', enum: ['USD', 'EUR'] },
    note: { type: 'string', maxLength: 5 },
  },
}

function problems(value: unknown): Record<string, string> {
  return Object.fromEntries(validatorFor(schema)!(value).map((p) => [p.path, p.message]))
}

describe('edit-form validation messages', () => {
  it('says what is wrong in words', () => {
    const found = problems({ order_id: 'x1', amount: 20000, currency: 'GBP', note: 'too long a note' })
    expect(found).toEqual({
      order_id: 'does not have the expected form',
      amount: `must be ${(10000).toLocaleString()} or less`,
      currency: 'must be one of “USD”, “EUR”',
      note: 'must be at most 5 characters',
    })
    expect(Object.values(found).join(' ')).not.toMatch(/\^|\$|regex|pattern/i)
  })

  it('names a missing, mistyped or unknown field plainly', () => {
    expect(problems({ order_id: 'ord_1', amount: 'ten', currency: 'USD' })).toEqual({ amount: 'must be a number' })
    expect(problems({ order_id: 'ord_1', amount: 0, currency: 'USD' })).toEqual({ amount: 'must be more than 0' })
    expect(problems({ order_id: 'ord_1', amount: 5, currency: 'USD', extra: 1 })['']).toBe('“extra” is not a field of this tool')
  })
})
