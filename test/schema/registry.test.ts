// The replicated-table registry (src/shared/db/tables.gen.ts) is generated from the migrations; this
// fails when someone changes a migration without regenerating it, so the client replica never
// builds its tables from a stale schema.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { REGISTRY_FILE, renderRegistry } from '../../scripts/gen-db-types'
import { TABLES, TABLE_NAMES } from '../../src/shared/db'
import { admin } from '../support/db'

describe('replicated-table registry', () => {
  it('matches the migrated schema (regenerate with `npx tsx scripts/gen-db-types.ts`)', async () => {
    const fresh = await renderRegistry(admin())
    expect(readFileSync(REGISTRY_FILE, 'utf8')).toBe(fresh)
  })

  it('lists every table sync_pull streams, each with a primary key and the sync stamp', async () => {
    const { rows } = await admin().query<{ stream: string }>(
      `select distinct m[1] as stream
         from regexp_matches(pg_get_functiondef('public.sync_pull(jsonb,int)'::regprocedure), 'from public\\.(\\w+) t', 'g') as m`,
    )
    expect(rows.map((r) => r.stream).sort()).toEqual([...TABLE_NAMES].sort())
    for (const name of TABLE_NAMES) {
      const spec = TABLES[name]
      const columns = spec.columns.map((c) => c.name)
      expect({ name, pk: spec.primaryKey.length > 0 }).toEqual({ name, pk: true })
      expect(columns).toEqual(expect.arrayContaining(['sync_version', 'sync_txid']))
      expect({ name, scoped: columns.includes('tenant_id') }).toEqual({ name, scoped: spec.scope === 'tenant' })
    }
  })

  it('marks exactly the append-only tables of the data model', () => {
    const appendOnly = TABLE_NAMES.filter((t) => TABLES[t].appendOnly).sort()
    expect(appendOnly).toEqual(['approval_decisions', 'audit_log', 'memory_entries', 'messages'])
  })
})
