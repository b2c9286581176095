// A refusal reads the same from the console's pre-flight and from the server: both write money in
// a sentence as "50,000.00 EUR". The server's money_text and the console's formatMoneyText agree on
// every amount a decision can carry (below 10¹² in magnitude, any number of decimals).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatMoneyText, parseDecimal, type Decimal } from '../../src/shared/decimal'
import { admin } from '../support/db'

const amounts = fc
  .tuple(fc.bigInt({ min: -(10n ** 12n) + 1n, max: 10n ** 12n - 1n }), fc.integer({ min: 0, max: 4 }), fc.nat({ max: 9999 }))
  .map(([whole, places, frac]) => (places === 0 ? `${whole}` : `${whole}.${String(frac).padStart(4, '0').slice(0, places)}`))

describe('money in a sentence', () => {
  it('is written the same by the server and the console', async () => {
    const db = admin()
    await fc.assert(
      fc.asyncProperty(amounts, fc.constantFrom('EUR', 'USD', 'JPY'), async (amount, currency) => {
        const { rows } = await db.query<{ text: string }>('select public.money_text($1::numeric, $2) as text', [amount, currency])
        expect(rows[0]!.text).toBe(formatMoneyText(parseDecimal(amount) as Decimal, currency))
      }),
      { numRuns: 300 },
    )
    expect(formatMoneyText(parseDecimal('50000') as Decimal, 'EUR')).toBe('50,000.00 EUR')
  })
})
