// How much a first sync writes at once follows the reviewer (reviewer-first.ts): short statements
// while they are at work, longer ones when nobody has called for a while.
import { describe, expect, it } from 'vitest'
import { IDLE_STATEMENT_CHARS, ReviewerFirst } from '../../src/core/reviewer-first'
import { SLICE_CHARS } from '../../src/core/sync/page'

describe('the reviewer first', () => {
  it('lets the sync write long statements when nobody is at work, one slice while someone is', async () => {
    let clock = 0
    const first = new ReviewerFirst(() => clock)
    expect(await first.turn()).toBe(IDLE_STATEMENT_CHARS)
    await first.call(async () => {
      clock = 10
    })
    clock = 1000
    expect(await first.turn()).toBe(SLICE_CHARS)
    clock = 10 + 2500
    expect(await first.turn()).toBe(IDLE_STATEMENT_CHARS)
    expect(IDLE_STATEMENT_CHARS).toBeGreaterThan(SLICE_CHARS)
  })
})
