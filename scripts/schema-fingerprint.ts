// Prints the schema the migrations leave behind, one object per line, sorted: every function's full
// definition and grants, tables with their columns, constraints, indexes, triggers, policies, RLS
// flags and grants, views, types, sequences, publications, roles, default privileges, comments, and
// a digest of the rows the migrations themselves insert. It exists to prove that rewriting
// migrations that have not shipped (squashing a function defined twice into one definition) leaves
// the final database identical: run it before and after, then diff the two outputs.
// Usage: `npx tsx scripts/schema-fingerprint.ts [--db postgres://…] > schema.txt`; without --db it
// migrates a throwaway database (no seed) first. STACK_PG_MAJOR picks the server's major as usual.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { startDatabase } from '../src/stack/database'
import { freePortPair } from '../src/stack/ports'

/** Schemas PostgreSQL itself owns; everything else is the migrations' (and the auth shim's) work. */
const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema', 'pg_toast')`
const USER_NAMESPACE = (column: string) =>
  `${column} not in (select oid from pg_namespace where nspname in ${SYSTEM_SCHEMAS} or nspname like 'pg_temp%' or nspname like 'pg_toast_temp%')`

/** Each query returns one `line` per object; OIDs never appear, so two clusters compare equal. */
const SECTIONS: Record<string, string> = {
  schema: `select format('%s owner=%s acl=%s', nspname, pg_get_userbyid(nspowner), nspacl) as line
             from pg_namespace n where ${USER_NAMESPACE('n.oid')}`,
  extension: `select format('%s %s in %s', extname, extversion, extnamespace::regnamespace) as line from pg_extension`,
  role: `select format('%s login=%s super=%s inherit=%s createrole=%s bypassrls=%s member_of=%s', rolname,
                       rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolbypassrls,
                       (select string_agg(g.rolname, ',' order by g.rolname) from pg_auth_members m
                          join pg_roles g on g.oid = m.roleid where m.member = r.oid)) as line
           from pg_roles r where rolname not like 'pg\\_%'`,
  relation: `select format('%s kind=%s rls=%s force_rls=%s owner=%s acl=%s options=%s', c.oid::regclass, c.relkind,
                           c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner), c.relacl,
                           c.reloptions) as line
               from pg_class c where ${USER_NAMESPACE('c.relnamespace')} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')`,
  column: `select format('%s.%s #%s %s notnull=%s default=%s identity=%s generated=%s acl=%s', c.oid::regclass,
                         a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                         pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attacl) as line
             from pg_attribute a join pg_class c on c.oid = a.attrelid
             left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
            where ${USER_NAMESPACE('c.relnamespace')} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
              and a.attnum > 0 and not a.attisdropped`,
  constraint: `select format('%s %s: %s deferrable=%s deferred=%s', coalesce(conrelid::regclass::text, contypid::regtype::text),
                             conname, pg_get_constraintdef(oid), condeferrable, condeferred) as line
                 from pg_constraint where ${USER_NAMESPACE('connamespace')}`,
  index: `select pg_get_indexdef(i.indexrelid) as line from pg_index i join pg_class c on c.oid = i.indexrelid
           where ${USER_NAMESPACE('c.relnamespace')}`,
  trigger: `select format('%s enabled=%s', pg_get_triggerdef(t.oid), t.tgenabled) as line
              from pg_trigger t join pg_class c on c.oid = t.tgrelid
             where not t.tgisinternal and ${USER_NAMESPACE('c.relnamespace')}`,
  event_trigger: `select format('%s on %s enabled=%s tags=%s runs %s', evtname, evtevent, evtenabled, evttags,
                                evtfoid::regprocedure) as line from pg_event_trigger`,
  policy: `select format('%s.%s %s %s to %s using (%s) check (%s)', schemaname, tablename, policyname, permissive,
                         roles, qual, with_check) || ' cmd=' || cmd as line from pg_policies`,
  rule: `select format('%s.%s %s', schemaname, tablename, definition) as line from pg_rules
          where schemaname not in ${SYSTEM_SCHEMAS}`,
  view: `select format('%s as %s', c.oid::regclass, pg_get_viewdef(c.oid)) as line from pg_class c
          where c.relkind in ('v', 'm') and ${USER_NAMESPACE('c.relnamespace')}`,
  function: `select format('%s kind=%s owner=%s acl=%s%s%s', p.oid::regprocedure, p.prokind, pg_get_userbyid(p.proowner),
                           p.proacl, E'\\n', case when p.prokind in ('f', 'p') then pg_get_functiondef(p.oid) end) as line
               from pg_proc p where ${USER_NAMESPACE('p.pronamespace')}`,
  type: `select format('%s kind=%s owner=%s labels=%s domain_of=%s notnull=%s default=%s', t.oid::regtype, t.typtype,
                       pg_get_userbyid(t.typowner),
                       (select string_agg(enumlabel::text, ',' order by enumsortorder) from pg_enum where enumtypid = t.oid),
                       case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end, t.typnotnull,
                       t.typdefault) as line
           from pg_type t where ${USER_NAMESPACE('t.typnamespace')} and t.typtype in ('e', 'd', 'c', 'r')
            and not exists (select 1 from pg_class c where c.reltype = t.oid and c.relkind <> 'c')`,
  sequence: `select format('%s %s start=%s inc=%s min=%s max=%s cycle=%s', seqrelid::regclass, format_type(seqtypid, null),
                           seqstart, seqincrement, seqmin, seqmax, seqcycle) as line from pg_sequence s
               join pg_class c on c.oid = s.seqrelid where ${USER_NAMESPACE('c.relnamespace')}`,
  publication: `select format('%s alltables=%s ins=%s upd=%s del=%s trunc=%s tables=%s', pubname, puballtables, pubinsert,
                              pubupdate, pubdelete, pubtruncate,
                              (select string_agg(format('%s.%s', schemaname, tablename), ',' order by schemaname, tablename)
                                 from pg_publication_tables pt where pt.pubname = p.pubname)) as line
                  from pg_publication p`,
  default_acl: `select format('%s in %s for %s: %s', pg_get_userbyid(defaclrole), defaclnamespace::regnamespace,
                              defaclobjtype, defaclacl) as line from pg_default_acl`,
  comment: `select format('%s: %s', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description) as line
              from pg_description d, pg_identify_object(d.classoid, d.objoid, d.objsubid) o
             where coalesce(o.schema, o.identity) not in ${SYSTEM_SCHEMAS}`,
}

/**
 * Rows the migrations (and the auth shim) insert, table by table: count and a digest of their text,
 * less the columns the clock and the transaction fill in. The migrations' own ledger is left out:
 * squashing changes which files it lists, by design.
 */
async function rowDigests(client: pg.Client): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `select c.oid::regclass::text as name from pg_class c
      where c.relkind in ('r', 'p') and ${USER_NAMESPACE('c.relnamespace')}
        and c.oid <> 'supabase_migrations.schema_migrations'::regclass order by 1`,
  )
  const lines: string[] = []
  for (const { name } of tables) {
    const row = `(to_jsonb(t) - array['created_at', 'updated_at', 'sync_txid'])::text`
    const { rows } = await client.query<{ n: string; digest: string | null }>(
      `select count(*) as n, md5(string_agg(${row}, E'\\n' order by ${row})) as digest from ${name} t`,
    )
    lines.push(`rows ${name} n=${rows[0]!.n} md5=${rows[0]!.digest}`)
  }
  return lines
}

export async function schemaFingerprint(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const lines: string[] = []
    for (const [section, sql] of Object.entries(SECTIONS)) {
      const { rows } = await client.query<{ line: string }>(sql)
      lines.push(...rows.map((r) => `${section} ${r.line}`).sort())
    }
    lines.push(...(await rowDigests(client)))
    return lines.join('\n') + '\n'
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { db: { type: 'string' } } })
  if (values.db) {
    process.stdout.write(await schemaFingerprint(values.db))
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'oc-schema-fingerprint-'))
  try {
    const port = (await freePortPair()) + 1
    const db = await startDatabase({ dataDir: join(dir, 'pg'), port, fresh: true })
    try {
      process.stdout.write(await schemaFingerprint(db.url))
    } finally {
      await db.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
