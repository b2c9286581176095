// `npm run seed -- --approvals N` on a fresh stack: the stack already wrote seed 1's demo inbox, so
// the script takes the next seed not yet in the database instead of failing; an explicit seed that
// is already there is still refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemoData, generateNextSeed, SeedAlreadyGenerated } from '../../src/stack/seed/generate'
import { freshDatabase, type FreshDatabase } from './fresh-db'

let db: FreshDatabase

beforeAll(async () => {
  db = await freshDatabase('seed_next')
  // What `npm run stack -- --fresh` leaves: seed 1's demo content.
  await generateDemoData(db.url, { approvals: 30, seed: 1 })
}, 120_000)

afterAll(async () => {
  await db?.drop()
})

describe('seeding a stack that already holds the demo inbox', () => {
  it('adds the next seed’s batch when no seed is named', async () => {
    const before = Number((await db.pool.query<{ n: string }>('select count(*) as n from public.approvals')).rows[0]!.n)
    const summary = await generateNextSeed(db.url, { approvals: 40 })
    expect(summary.seed).toBe(2)
    const after = Number((await db.pool.query<{ n: string }>('select count(*) as n from public.approvals')).rows[0]!.n)
    expect(after - before).toBe(40)
    expect((await generateNextSeed(db.url, { approvals: 10 })).seed).toBe(3)
  }, 120_000)

  it('refuses a seed named explicitly that is already there, writing nothing', async () => {
    const before = Number((await db.pool.query<{ n: string }>('select count(*) as n from public.approvals')).rows[0]!.n)
    await expect(generateDemoData(db.url, { approvals: 10, seed: 1 })).rejects.toBeInstanceOf(SeedAlreadyGenerated)
    const after = Number((await db.pool.query<{ n: string }>('select count(*) as n from public.approvals')).rows[0]!.n)
    expect(after).toBe(before)
  })
})
