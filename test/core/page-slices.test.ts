// A pulled page is written in slices, one or several to a statement, so the reviewer's queries go
// between them (replica/apply.ts). What must hold whatever the slicing: a slice is written whole or not at
// all, a page's cursors move only once every one of its rows is written (never past a row that is
// not), every row is checked before the page's first slice, and the reviewer's writes between
// slices stay. The page text here is cut one or two rows to a slice, on a real (in-memory) replica.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { applyPage } from '../../src/core/replica/apply'
import { replicatedTables } from '../../src/core/replica/registry'
import { Replica } from '../../src/core/replica/replica'
import { READ_TURN_CHARS, readPage, type PulledPage } from '../../src/core/sync/page'
import { BadAnswer } from '../../src/core/sync/validate'

const tenant = randomUUID()
let replica: Replica

beforeAll(async () => {
  replica = await Replica.open(null, randomUUID(), replicatedTables())
})

beforeEach(async () => {
  await replica.db.exec(`delete from approvals; delete from sync_cursors; delete from replica_meta where key like 'between_%'`)
})

afterAll(async () => {
  await replica?.close()
})

function approval(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    tenant_id: tenant,
    kind: 'refund',
    title: `Slice row ${i}`,
    status: 'pending',
    amount: '10.00',
    sync_version: 100 + i,
    sync_txid: String(1000 + i),
    ...extra,
  }
}

/** A sync_pull answer carrying these approvals as the server writes it, one character per byte (as rpc.ts hands it over). */
function answer(rows: Record<string, unknown>[], tenants = [tenant]): string {
  const last = rows[rows.length - 1]!
  return asBytes({
    tenants,
    changes: { approvals: rows },
    cursors: { [tenant]: { approvals: { txid: last.sync_txid, version: last.sync_version } } },
    has_more: false,
    withheld: {},
  })
}

function asBytes(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('latin1')
}

/** One row to a slice (the smallest row is longer than this), or two. */
const ONE_ROW = 10
const rowChars = (row: Record<string, unknown>) => asBytes(row).length

function read(text: string, sliceChars: number): Promise<PulledPage> {
  const specs = replica.specs
  return readPage(text, (table) => specs.get(table), { sliceChars })
}

const held = async () =>
  (await replica.db.query<{ title: string }>('select title from approvals order by sync_version')).rows.map((r) => r.title)
const cursors = async () => (await replica.db.query('select scope, table_name, version::int from sync_cursors')).rows

describe('a page written in slices', () => {
  it('writes every row, its cursors after the last; the reviewer reads and writes between slices', async () => {
    const rows = [0, 1, 2, 3, 4].map((i) => approval(i))
    const page = await read(answer(rows), ONE_ROW)
    expect(page.rows[0]!.slices).toHaveLength(5)

    const seen: { rows: number; cursors: number }[] = []
    const applied = await applyPage(replica.db, replica.specs, page, {
      at: new Date(),
      between: async () => {
        // What a reviewer's query between two slices finds, and a write of theirs meanwhile.
        seen.push({ rows: (await held()).length, cursors: (await cursors()).length })
        await replica.setMeta(`between_${seen.length}`, true)
        return ONE_ROW
      },
    })

    expect(applied.rows).toBe(5)
    // Before each slice, and once more before the cursors: the rows so far, and no cursor yet.
    expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ rows: n, cursors: 0 })))
    expect(await held()).toEqual(rows.map((r) => r.title))
    expect(await cursors()).toEqual([{ scope: tenant, table_name: 'approvals', version: 104 }])
    expect(await replica.meta('between_6')).toBe(true)
  })

  it('joins consecutive slices into one statement as far as the turn allows, one at least', async () => {
    const rows = [0, 1, 2, 3, 4].map((i) => approval(i))
    const page = await read(answer(rows), ONE_ROW)
    const slices = page.rows[0]!.slices
    // Room for two slices, then for none: statements of rows 0–1, 2–3, then 4 alone.
    const allowances = [slices[0]!.length + slices[1]!.length, slices[2]!.length + slices[3]!.length, 0, 0]
    const seen: number[] = []
    await applyPage(replica.db, replica.specs, page, {
      at: new Date(),
      between: async () => {
        seen.push((await held()).length)
        return allowances[seen.length - 1]!
      },
    })
    expect(seen).toEqual([0, 2, 4, 5])
    expect(await held()).toEqual(rows.map((r) => r.title))
    expect(await cursors()).toEqual([{ scope: tenant, table_name: 'approvals', version: 104 }])
  })

  it('writes text beyond ASCII exactly as the server sent it (the rows go to PGlite as UTF-8 bytes)', async () => {
    const titles = ['Überweisung an Müller – Q3', '東京の返金 ¥12,000', 'Payout 💶 "quoted" \\ back\nslash']
    const rows = titles.map((title, i) => approval(i, { title }))
    await applyPage(replica.db, replica.specs, await read(answer(rows), ONE_ROW * 1000), { at: new Date(), between: async () => Infinity })
    expect(await held()).toEqual(titles)
  })

  it('refuses a slice whose bytes are not UTF-8 and writes none of its rows', async () => {
    const rows = [approval(0), approval(1, { title: 'Refund ?? twice' })]
    // Two bytes that begin no UTF-8 character, where the server's text had two question marks.
    const body = answer(rows).replace('??', '\xff\xfe')
    const refused = await applyPage(replica.db, replica.specs, await read(body, ONE_ROW * 1000), { at: new Date() }).catch((e: unknown) => e)
    expect((refused as { code?: string }).code).toBe('22021')
    expect(await held()).toEqual([])
    expect(await cursors()).toEqual([])
  })

  it('refuses the whole page before its first slice when its last row fails a check', async () => {
    const rows = [0, 1, 2].map((i) => approval(i))
    const cases: Record<string, unknown>[] = [
      { ...approval(3), tenant_id: randomUUID() },
      { ...approval(4), id: null },
      { ...approval(5), sync_version: 'soon' },
    ]
    for (const bad of cases) {
      await expect(read(answer([...rows, bad]), ONE_ROW)).rejects.toThrow(BadAnswer)
    }
    expect(await held()).toEqual([])
    expect(await cursors()).toEqual([])
  })

  it('rolls a slice PostgreSQL refuses back whole, keeps the cursors, and the next answer brings every row', async () => {
    const rows = [0, 1, 2, 3, 4, 5].map((i) => approval(i))
    // Rows 2 and 3 share a slice; row 2 has an amount its column cannot take.
    const bad = rows.map((r, i) => (i === 2 ? { ...r, amount: 'lots' } : r))
    const twoRows = Math.max(...rows.map(rowChars)) * 2 + 16
    const page = await read(answer(bad), twoRows)
    expect(page.rows[0]!.slices).toHaveLength(3)

    const refused = await applyPage(replica.db, replica.specs, page, { at: new Date() }).catch((e: unknown) => e)
    expect((refused as { code?: string }).code).toBe('22P02')
    // The slice before stays (checked rows, written whole); the refused one and the one after are
    // not written; no cursor moved past them.
    expect(await held()).toEqual(['Slice row 0', 'Slice row 1'])
    expect(await cursors()).toEqual([])

    await applyPage(replica.db, replica.specs, await read(answer(rows), twoRows), { at: new Date() })
    expect(await held()).toEqual(rows.map((r) => r.title))
    expect(await cursors()).toEqual([{ scope: tenant, table_name: 'approvals', version: 105 }])
  })

  it('inserts the rows of a first sync, and writes a statement that meets a held key again as the upsert', async () => {
    const newRows = new Set(['approvals'])
    const rows = [0, 1, 2].map((i) => approval(i))
    await applyPage(replica.db, replica.specs, await read(answer(rows), ONE_ROW), { at: new Date(), newRows })
    expect(await held()).toEqual(rows.map((r) => r.title))
    expect(newRows.has('approvals')).toBe(true)

    // Row 1 changed on the server while the sync ran: it comes again, newer, between two new rows.
    const changed = { ...rows[1]!, title: 'Changed during the sync', sync_version: 300, sync_txid: '3000' }
    const [row3, row4] = [approval(3), approval(4)]
    await applyPage(replica.db, replica.specs, await read(answer([row3, changed, row4]), ONE_ROW), { at: new Date(), newRows })
    expect(await held()).toEqual(['Slice row 0', 'Slice row 2', 'Slice row 3', 'Slice row 4', 'Changed during the sync'])
    expect(newRows.has('approvals')).toBe(false)
    expect(await cursors()).toEqual([{ scope: tenant, table_name: 'approvals', version: 104 }])
  })

  it('upserts the rows the changes bring again after the priority section, and goes on inserting the others', async () => {
    const newRows = new Set(['approvals'])
    const priorityKeys = new Map<string, Set<string>>()
    const rules = (table: string) => replica.specs.get(table)
    const urgent = [approval(0), approval(1)]
    const first = asBytes({ tenants: [tenant], priority: { approvals: urgent }, changes: {}, cursors: {}, has_more: true, withheld: {} })
    await applyPage(replica.db, replica.specs, await readPage(first, rules, { priorityKeys }), { at: new Date(), newRows })
    expect(await held()).toEqual(['Slice row 0', 'Slice row 1'])

    // The changes bring both again, the first changed since, between new rows; every slice may be long.
    const changed = { ...urgent[0]!, title: 'Changed during the sync', sync_version: 300, sync_txid: '3000' }
    const rows = [approval(2), changed, approval(3), urgent[1]!, approval(4)]
    const page = await readPage(answer(rows), rules, { priorityKeys, sliceChars: ONE_ROW * 1000 })
    expect(page.rows[0]!.again).toEqual([changed, urgent[1]].map((r) => `[${asBytes(r)}]`))
    expect(page.rows[0]!.rows).toBe(5)
    await applyPage(replica.db, replica.specs, page, { at: new Date(), newRows, between: async () => Infinity })
    expect(await held()).toEqual(['Slice row 1', 'Slice row 2', 'Slice row 3', 'Slice row 4', 'Changed during the sync'])
    // No statement met a held key: the table's rows are still inserted.
    expect(newRows.has('approvals')).toBe(true)
    expect(await cursors()).toEqual([{ scope: tenant, table_name: 'approvals', version: 104 }])
  })

  it('reports the key of each row a keyed statement wrote, none the upsert left as it was, and a purge with no keys', async () => {
    const pendingOnly = new Map([['approvals', { column: 'id', when: `status = 'pending'` }]])
    const written: { table: string; keys?: string[] }[] = []
    const opts = { keyed: pendingOnly, written: (table: string, keys?: string[]) => written.push({ table, keys }) }
    const rows = [approval(0), approval(1, { status: 'approved' }), approval(2)]
    // Inserted as new (a first sync), a row to a statement: the approved one is no key.
    await applyPage(replica.db, replica.specs, await read(answer(rows), ONE_ROW), { at: new Date(), newRows: new Set(['approvals']), ...opts })
    expect(written).toEqual([
      { table: 'approvals', keys: [rows[0]!.id] },
      { table: 'approvals', keys: [] },
      { table: 'approvals', keys: [rows[2]!.id] },
    ])

    // Upserted: an older version of row 0 is left as it was; row 2, newer, is written.
    written.length = 0
    const older = { ...rows[0]!, title: 'Older', sync_version: 50 }
    const newer = { ...rows[2]!, title: 'Newer', sync_version: 200, sync_txid: '2000' }
    await applyPage(replica.db, replica.specs, await read(answer([older, newer]), ONE_ROW * 1000), { at: new Date(), ...opts })
    expect(written).toEqual([{ table: 'approvals', keys: [rows[2]!.id] }])
    expect(await held()).toEqual(['Slice row 0', 'Slice row 1', 'Newer'])

    // The reviewer may no longer read approvals here: purged, with no keys to say which.
    written.length = 0
    const purge = asBytes({ tenants: [tenant], changes: {}, cursors: {}, has_more: false, withheld: { [tenant]: ['approvals'] } })
    const applied = await applyPage(replica.db, replica.specs, await read(purge, ONE_ROW), { at: new Date(), ...opts })
    expect(written).toEqual([{ table: 'approvals', keys: undefined }])
    expect(applied.tables).toEqual(['approvals'])
    expect(await held()).toEqual([])
  })

  it('still refuses a key twice in one statement of a first sync, writing none of it', async () => {
    const row = approval(0)
    const page = await read(answer([row, { ...row, sync_version: 101 }]), ONE_ROW * 1000)
    const refused = await applyPage(replica.db, replica.specs, page, { at: new Date(), newRows: new Set(['approvals']) }).catch((e: unknown) => e)
    // The insert meets the key it wrote itself; the upsert then says what is wrong with the slice.
    expect((refused as { code?: string }).code).toBe('21000')
    expect(await held()).toEqual([])
  })

  it('is read in parts with the reviewer’s turns between, and still refused whole for a bad last row', async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => approval(i))
    const text = answer(rows)
    const specs = replica.specs
    const rules = (table: string) => specs.get(table)
    let turns = 0
    const paused = await readPage(text, rules, { pause: async () => turns++ })
    // One turn per READ_TURN_CHARS of rows: a call never waits for the whole page to be read.
    expect(text.length).toBeGreaterThan(3 * READ_TURN_CHARS)
    expect(turns).toBeGreaterThanOrEqual(Math.floor(text.length / READ_TURN_CHARS) - 1)
    expect(paused).toEqual(await readPage(text, rules))

    turns = 0
    const bad = [...rows, { ...approval(4000), tenant_id: randomUUID() }]
    await expect(readPage(answer(bad), rules, { pause: async () => turns++ })).rejects.toThrow(BadAnswer)
    expect(turns).toBeGreaterThan(0)
    expect(await held()).toEqual([])
  })
})
