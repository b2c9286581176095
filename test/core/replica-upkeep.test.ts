// The replica's upkeep (PGlite runs no autovacuum, replica.ts): a table is vacuumed every 500 rows
// it takes (the inbox's covering indexes answer alone only for pages marked all-visible), and its
// statistics are refreshed once it grew by a tenth — as PostgreSQL's autovacuum would — and by 500
// rows at least. A busy tenant's agents filing hundreds of requests a second must not have the
// core's one thread re-sampling a 100k-row table every 500 rows, the reviewer's calls waiting.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replicatedTables } from '../../src/core/replica/registry'
import { Replica } from '../../src/core/replica/replica'
import { SEARCH_PENDING_LIST_KB } from '../../src/core/replica/view-indexes'

let replica: Replica
const tenant = randomUUID()

beforeAll(async () => {
  replica = await Replica.open(null, randomUUID(), replicatedTables())
})

afterAll(async () => {
  await replica?.close()
})

/** Rows as a pull would apply them, counted towards the upkeep as a pull counts them. */
async function apply(table: 'approvals' | 'agents', rows: number): Promise<void> {
  if (table === 'approvals') {
    await replica.db.query(
      `insert into approvals (id, tenant_id, kind, title, status, risk_level)
       select gen_random_uuid(), $1, 'refund', 'Upkeep ' || g, 'pending', g % 5 from generate_series(1, $2::int) g`,
      [tenant, rows],
    )
  } else {
    await replica.db.query(
      `insert into agents (id, tenant_id, name) select gen_random_uuid(), $1, 'Agent ' || g from generate_series(1, $2::int) g`,
      [tenant, rows],
    )
  }
  replica.noteApplied({ [table]: rows })
}

/**
 * Rows applied, then the upkeep a pull runs after them ('all' at the end of a first sync): how often
 * the table has been analysed and vacuumed since the test began.
 */
async function afterApplying(table: 'approvals' | 'agents', rows: number, which: 'grown' | 'all' = 'grown') {
  await apply(table, rows)
  await replica.analyze(which)
  await replica.vacuum(which)
  const res = await replica.db.query<{ analyzed: number; vacuumed: number }>(
    'select analyze_count::int as analyzed, vacuum_count::int as vacuumed from pg_stat_user_tables where relname = $1',
    [table],
  )
  return res.rows[0]!
}

describe('replica upkeep', () => {
  it('refreshes a large table’s statistics once it grew by a tenth, and vacuums it every 500 rows', async () => {
    expect(await afterApplying('approvals', 10_000)).toEqual({ analyzed: 1, vacuumed: 1 })

    // 600 rows: a vacuum (so the new pending rows' pages are all-visible), statistics kept.
    expect(await afterApplying('approvals', 600)).toEqual({ analyzed: 1, vacuumed: 2 })

    // 400 more: neither (400 since the vacuum; 1,000 since the statistics, short of a tenth of the
    // 10,600 rows the vacuum counted) …
    expect(await afterApplying('approvals', 400)).toEqual({ analyzed: 1, vacuumed: 2 })

    // … which 200 more reach (1,200), with 600 since the vacuum.
    expect(await afterApplying('approvals', 200)).toEqual({ analyzed: 2, vacuumed: 3 })

    // The next tenth is of the table as it is now (11,200 rows): 1,000 rows are not enough, 1,300 are.
    expect(await afterApplying('approvals', 1000)).toEqual({ analyzed: 2, vacuumed: 4 })
    expect(await afterApplying('approvals', 300)).toEqual({ analyzed: 3, vacuumed: 4 })
  })

  it('gives a small table its statistics after 500 rows, and every table that took any at the end of a first sync', async () => {
    expect(await afterApplying('agents', 499)).toEqual({ analyzed: 0, vacuumed: 0 })
    expect(await afterApplying('agents', 1)).toEqual({ analyzed: 1, vacuumed: 1 })

    expect(await afterApplying('agents', 3, 'all')).toEqual({ analyzed: 2, vacuumed: 2 })
  })

  it('never lets the search index’s pending list grow past its limit: no write merges megabytes of it at once', async () => {
    // A replica of its own, never vacuumed meanwhile (a vacuum empties the list too).
    const fresh = await Replica.open(null, randomUUID(), replicatedTables())
    try {
      // ~500 kB of new search entries (long, varied titles): twice the limit, an eighth of PostgreSQL's
      // 4 MB default.
      await fresh.db.query(
        `insert into approvals (id, tenant_id, kind, title, counterparty, status, risk_level)
         select gen_random_uuid(), $1, 'refund', 'Refund ' || md5(g::text) || ' ' || md5((g * 7)::text),
                'Counterparty ' || md5((g * 3)::text), 'pending', 1
           from generate_series(1, 6000) g`,
        [tenant],
      )
      // The pages the list held, which a write crossing the limit would have merged in one go.
      const { pages } = (
        await fresh.db.query<{ pages: number }>(`select gin_clean_pending_list('approvals_search_idx'::regclass)::int as pages`)
      ).rows[0]!
      expect(pages).toBeGreaterThan(0)
      expect(pages).toBeLessThanOrEqual(Math.ceil(SEARCH_PENDING_LIST_KB / 8) + 1)
    } finally {
      await fresh.close()
    }
  })
})
