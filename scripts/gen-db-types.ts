// Generates src/shared/db/tables.gen.ts — the registry of replicated tables (columns, keys, scope,
// append-only) and their row types — from a migrated database, so the schema is declared once, in
// the migrations. Usage: `npx tsx scripts/gen-db-types.ts [--db postgres://…] [--check]`; without
// --db it migrates a throwaway database first. test/schema/registry.test.ts fails when it is stale.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { format } from 'prettier'
import { PROJECT_ROOT, startDatabase } from '../src/stack/database'

export const REGISTRY_FILE = join(PROJECT_ROOT, 'src/shared/db/tables.gen.ts')

interface ColumnInfo {
  name: string
  type: string
  tsType: string
  nullable: boolean
  hasDefault: boolean
  generated: boolean
}

interface TableInfo {
  name: string
  columns: ColumnInfo[]
  primaryKey: string[]
  scope: 'tenant' | 'global'
  appendOnly: boolean
  softDelete: boolean
  references: string[]
}

type Queryable = Pick<pg.Client, 'query'>

const TS_SCALARS: Record<string, string> = {
  uuid: 'string',
  text: 'string',
  bpchar: 'string',
  varchar: 'string',
  xid8: 'string',
  timestamptz: 'string',
  timestamp: 'string',
  date: 'string',
  int2: 'number',
  int4: 'number',
  int8: 'number',
  numeric: 'number',
  float4: 'number',
  float8: 'number',
  bool: 'boolean',
  jsonb: 'Json',
  json: 'Json',
}

function scalarTs(typname: string): string {
  const ts = TS_SCALARS[typname]
  if (!ts) throw new Error(`no TypeScript mapping for PostgreSQL type ${typname}; add one to TS_SCALARS`)
  return ts
}

/** `status in (...)` CHECK constraints, as PostgreSQL prints them, become literal unions. */
function enumChecks(defs: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const def of defs) {
    const m = /^CHECK \(\(\(?(\w+)\)?(?:::text)? = ANY \(ARRAY\[(.+)\]\)\)\)$/.exec(def)
    if (!m) continue
    const values = [...(m[2] as string).matchAll(/'((?:[^']|'')*)'::(?:text|bpchar|character varying)/g)].map((v) =>
      (v[1] as string).replaceAll("''", "'"),
    )
    if (values.length) out.set(m[1] as string, values)
  }
  return out
}

export async function readRegistry(db: Queryable): Promise<TableInfo[]> {
  const tables = await db.query<{
    name: string
    oid: number
    append_only: boolean
    primary_key: string[]
    checks: string[] | null
    refs: string[] | null
  }>(`
    select c.relname as name, c.oid::int as oid,
      exists (select 1 from pg_trigger tg join pg_proc p on p.oid = tg.tgfoid
              where tg.tgrelid = c.oid and not tg.tgisinternal and p.proname = 'refuse_mutation'
                and (tg.tgtype & 16) <> 0) as append_only,
      (select array_agg(a.attname::text order by k.ord)
         from pg_index i cross join unnest(i.indkey) with ordinality as k(attnum, ord)
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = c.oid and i.indisprimary) as primary_key,
      (select array_agg(pg_get_constraintdef(k.oid) order by k.conname)
         from pg_constraint k where k.conrelid = c.oid and k.contype = 'c') as checks,
      (select array_agg(distinct f.confrelid::regclass::text)
         from pg_constraint f where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid) as refs
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'sync_txid' and not a.attisdropped)
    order by c.relname`)
  const out: TableInfo[] = []
  for (const t of tables.rows) {
    const enums = enumChecks(t.checks ?? [])
    const cols = await db.query<{
      name: string
      type: string
      typname: string
      elem: string | null
      nullable: boolean
      has_default: boolean
      generated: boolean
    }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, t.typname,
              case when t.typcategory = 'A' then e.typname end as elem,
              not a.attnotnull as nullable,
              (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '') as has_default,
              (a.attidentity <> '' or a.attgenerated <> '') as generated
         from pg_attribute a
         join pg_type t on t.oid = a.atttypid
         left join pg_type e on e.oid = t.typelem
        where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [t.oid],
    )
    const columns = cols.rows.map((c): ColumnInfo => {
      const literal = enums.get(c.name)
      const base = literal
        ? literal.map((v) => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`).join(' | ')
        : c.elem
          ? `${scalarTs(c.elem)}[]`
          : scalarTs(c.typname)
      const tsType = c.nullable ? `${base} | null` : base
      return { name: c.name, type: c.type, tsType, nullable: c.nullable, hasDefault: c.has_default, generated: c.generated }
    })
    const names = new Set(columns.map((c) => c.name))
    out.push({
      name: t.name,
      columns,
      primaryKey: t.primary_key,
      scope: names.has('tenant_id') ? 'tenant' : 'global',
      appendOnly: t.append_only,
      softDelete: names.has('deleted_at'),
      references: (t.refs ?? []).map((r) => r.replace(/^public\./, '')),
    })
  }
  return parentsFirst(out)
}

/** Tables ordered so that every table comes after the tables it references (then by name). */
function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const known = new Set(tables.map((t) => t.name))
  const placed = new Set<string>()
  const ordered: TableInfo[] = []
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t.name) && t.references.every((r) => placed.has(r) || !known.has(r)),
    )
    if (!ready.length) throw new Error('foreign keys between replicated tables form a cycle')
    for (const t of ready) {
      placed.add(t.name)
      ordered.push(t)
    }
  }
  return ordered
}

const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())

export async function renderRegistry(db: Queryable): Promise<string> {
  const tables = await readRegistry(db)
  const lines: string[] = [
    '// GENERATED by scripts/gen-db-types.ts from the migrated schema (supabase/migrations). Do not edit:',
    '// change a migration, then run `npx tsx scripts/gen-db-types.ts`.',
    "import type { Json, TableSpec } from './schema'",
    '',
    '/** Every replicated table, parents before children (foreign keys). */',
    'export const TABLES = {',
  ]
  for (const t of tables) {
    lines.push(`  ${t.name}: {`)
    lines.push(`    scope: '${t.scope}',`)
    lines.push(`    appendOnly: ${t.appendOnly},`)
    lines.push(`    softDelete: ${t.softDelete},`)
    lines.push(`    primaryKey: [${t.primaryKey.map((k) => `'${k}'`).join(', ')}],`)
    lines.push('    columns: [')
    for (const c of t.columns) {
      lines.push(
        `      { name: '${c.name}', type: '${c.type}', nullable: ${c.nullable}, hasDefault: ${c.hasDefault}, generated: ${c.generated} },`,
      )
    }
    lines.push('    ],')
    lines.push('  },')
  }
  lines.push('} as const satisfies Record<string, TableSpec>', '')
  for (const t of tables) {
    lines.push(`/** A row of public.${t.name} as sync_pull sends it (to_jsonb). */`)
    lines.push(`export interface ${pascal(t.name)}Row {`)
    for (const c of t.columns) lines.push(`  ${c.name}: ${c.tsType}`)
    lines.push('}', '')
  }
  lines.push('/** Row type by table name. */', 'export interface TableRows {')
  for (const t of tables) lines.push(`  ${t.name}: ${pascal(t.name)}Row`)
  lines.push('}', '')
  const config = JSON.parse(readFileSync(join(PROJECT_ROOT, '.prettierrc.json'), 'utf8')) as Record<string, unknown>
  return format(lines.join('\n'), { ...config, printWidth: 150, parser: 'typescript' })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

async function withDatabase<T>(url: string | undefined, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  let dir: string | undefined
  let stop: (() => Promise<void>) | undefined
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'oc-gen-db-types-'))
    const db = await startDatabase({ dataDir: join(dir, 'pg'), port: await freePort(), fresh: true })
    url = db.url
    stop = db.stop
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
    await stop?.()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

async function main(argv: string[]) {
  const dbIndex = argv.indexOf('--db')
  const url = dbIndex >= 0 ? argv[dbIndex + 1] : process.env.DATABASE_URL
  const text = await withDatabase(url, renderRegistry)
  if (argv.includes('--check')) {
    const current = readFileSync(REGISTRY_FILE, 'utf8')
    if (current !== text) {
      console.error(`${REGISTRY_FILE} is stale: run npx tsx scripts/gen-db-types.ts`)
      process.exit(1)
    }
    console.log('registry is up to date')
    return
  }
  writeFileSync(REGISTRY_FILE, text)
  console.log(`wrote ${REGISTRY_FILE}`)
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main(process.argv.slice(2))
}
