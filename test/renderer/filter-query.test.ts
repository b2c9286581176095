// The palette's filter grammar: what a reviewer types becomes inbox filters, and every word that
// names no filter is kept as text to search for (never dropped).
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { namesAFilter, parseAmount, parseFilterQuery } from '../../src/renderer/src/palette/filter-query'

describe('the palette filter grammar', () => {
  it('reads the examples of issue 15', () => {
    expect(parseFilterQuery('refunds > 10k')).toEqual({ kinds: ['refund'], amountMin: 10_000.01 })
    expect(parseFilterQuery('payouts risk 4+')).toEqual({ kinds: ['payout'], minRisk: 4 })
    expect(parseFilterQuery('agent billing-bot')).toEqual({ agent: 'billing-bot' })
    expect(parseFilterQuery('eur < 500')).toEqual({ currency: 'EUR', amountMax: 499.99 })
  })

  it('reads inclusive bounds, words for comparators, ranges and risk in words', () => {
    expect(parseFilterQuery('refunds >= 1,250.50')).toEqual({ kinds: ['refund'], amountMin: 1250.5 })
    expect(parseFilterQuery('over 2.5m')).toEqual({ amountMin: 2_500_000.01 })
    expect(parseFilterQuery('less than 300 usd')).toEqual({ amountMax: 299.99, currency: 'USD' })
    expect(parseFilterQuery('between 500 and 100')).toEqual({ amountMin: 100, amountMax: 500 })
    expect(parseFilterQuery('risk > 3')).toEqual({ minRisk: 4 })
    expect(parseFilterQuery('high risk journal postings')).toEqual({ minRisk: 4, kinds: ['journal_posting'] })
    expect(parseFilterQuery('tool calls and change sets')).toEqual({ kinds: ['tool_call', 'changeset'], text: 'and' })
    expect(parseFilterQuery('refunds>10k')).toEqual({ kinds: ['refund'], amountMin: 10_000.01 })
  })

  it('keeps unknown words (and comparators without an amount) as text to search', () => {
    expect(parseFilterQuery('Acme refunds over budget')).toEqual({ kinds: ['refund'], text: 'acme over budget' })
    expect(parseFilterQuery('fee 1250')).toEqual({ text: 'fee 1250' })
    expect(parseFilterQuery('risk assessment')).toEqual({ text: 'risk assessment' })
    expect(namesAFilter(parseFilterQuery('Northwind invoice'))).toBe(false)
    expect(namesAFilter(parseFilterQuery('payouts'))).toBe(true)
  })

  it('reads amounts with separators and k / m', () => {
    expect(parseAmount('10k')).toBe(10_000)
    expect(parseAmount('1,000,000')).toBe(1_000_000)
    expect(parseAmount('0.5k')).toBe(500)
    expect(parseAmount('ten')).toBeNull()
    expect(parseAmount('1.2.3')).toBeNull()
  })

  it('never loses a word: each one is a filter or part of the text', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 6 }), (words) => {
        const q = parseFilterQuery(words.join(' '))
        const kept = q.text ? q.text.split(' ') : []
        // Plain words only name kinds, currencies or risk/agent phrases; the rest come back as text in order.
        for (const w of kept) expect(words).toContain(w)
        const named = words.length - kept.length
        expect(named === 0).toBe(!namesAFilter(q))
      }),
    )
  })
})
