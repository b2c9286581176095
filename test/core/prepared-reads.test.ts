// The reviewer's hot reads go through named prepared statements (replica/prepared.ts): they must
// answer exactly what db.query answers, for every parameter type the inbox binds, keep a bounded
// number of statements, and leave the session usable after a refused call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openReplicaDb, type ReplicaDb } from '../../src/core/replica/open'
import { PreparedStatements } from '../../src/core/replica/prepared'

let db: ReplicaDb

beforeAll(async () => {
  db = await openReplicaDb(null)
  await db.exec(`
    create table items (id uuid primary key, kind text not null, risk int not null, amount numeric,
                        due timestamptz, tags text[] not null default '{}', doc jsonb);
    insert into items
    select ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid,
           (array['refund', 'payout', 'tool_call'])[1 + i % 3], i % 6,
           case when i % 7 = 0 then null else i * 10.5 end,
           timestamptz '2026-12-01 00:00Z' + make_interval(hours => i),
           array['t' || (i % 4)], jsonb_build_object('n', i)
      from generate_series(1, 300) i;`)
})

afterAll(async () => {
  await db.close()
})

const READ = `select id, kind, risk, amount, due, tags, doc from items
  where kind = any($1::text[]) and risk >= $2 and due > $3 and id <> all($4::uuid[])
    and ($5::numeric is null or amount >= $5)
  order by risk desc, id limit $6`

describe('prepared reads', () => {
  it('answer what db.query answers, for arrays, numbers, dates, nulls and json, again and again', async () => {
    const prepared = new PreparedStatements(db)
    const hidden = ['00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000011']
    // More calls than PostgreSQL's five custom plans, so its generic plan is in use at the end.
    for (let i = 0; i < 12; i++) {
      const params = [i % 2 ? ['refund', 'payout'] : ['payout', 'tool_call'], i % 4, new Date(Date.UTC(2026, 11, 1 + (i % 5))), hidden, i % 3 ? null : 100 * i, 10 + i]
      const expected = await db.query(READ, params)
      const got = await prepared.query(READ, params)
      expect(got.rows).toEqual(expected.rows)
      expect(got.rows.length, JSON.stringify(params)).toBeGreaterThan(0)
      expect(got.rows.some((r) => hidden.includes((r as { id: string }).id))).toBe(false)
    }
    const statements = await db.query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements where name like 'oc_%'`)
    expect(statements.rows[0]!.n).toBe(1)
  })

  it('keep at most their capacity of statements, the least recently used closed first', async () => {
    const prepared = new PreparedStatements(db, 3)
    const shape = (k: number) => `select count(*)::int as n from items where risk >= $1 and ${k} = ${k}`
    for (const k of [1, 2, 3, 1, 4, 5]) expect((await prepared.query<{ n: number }>(shape(k), [0])).rows[0]!.n).toBe(300)
    const kept = await db.query<{ statement: string }>(`select statement from pg_prepared_statements where statement like '%and _ = _'`)
    expect(kept.rows.map((r) => r.statement.slice(-9)).sort()).toEqual(['and 1 = 1', 'and 4 = 4', 'and 5 = 5'])
  })

  it('refuse a bad value with the database error and answer the next call', async () => {
    const prepared = new PreparedStatements(db)
    const read = 'select kind from items where id = $1'
    await expect(prepared.query(read, ['not-a-uuid'])).rejects.toThrow(/invalid input syntax for type uuid/)
    const next = await prepared.query<{ kind: string }>(read, ['00000000-0000-4000-8000-000000000003'])
    expect(next.rows).toEqual([{ kind: 'refund' }])
    // Nothing was left open: a transaction would fail the next statement.
    expect((await db.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }])
  })

  it('wait for a transaction in progress instead of running inside it', async () => {
    const prepared = new PreparedStatements(db)
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let updated!: () => void
    const inTransaction = new Promise<void>((resolve) => (updated = resolve))
    const tx = db.transaction(async (t) => {
      await t.query(`update items set risk = 5 where id = '00000000-0000-4000-8000-000000000001'`)
      updated()
      await held
      await t.rollback()
    })
    await inTransaction
    const read = prepared.query<{ risk: number }>(`select risk from items where id = $1`, ['00000000-0000-4000-8000-000000000001'])
    release()
    await tx
    // Run inside the transaction, the read would have seen its uncommitted 5.
    expect((await read).rows).toEqual([{ risk: 1 }])
  })
})
