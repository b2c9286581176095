// The Audit view from the replica: the tenant's audit log with its filters, the values those filters
// offer, and its hash chain recomputed locally so a rewritten entry is named without asking the
// server. The approval detail shows entries the same way; the CSV export filters with auditWhere.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import { verifyAuditChain, type AuditRowLike } from '../../shared/audit-chain'
import type { AuditEntry, AuditFacets, AuditFilter, AuditVerdict } from '../../shared/contract-domain'
import { ApiError } from '../../shared/errors'
import { auditActor, auditEntityName, namedAuditQuery, type AuditNameColumns } from './audit-names'
import { SqlParams } from './sql-params'

/** The output column `id` is text: a query ordering by it must say audit_log.id (else 998 sorts after 9818). */
export const AUDIT_COLUMNS = `id::text as id, tenant_id, occurred_at, actor_type, actor_id::text as actor_id, action, entity_type,
  entity_id, before_state, after_state, metadata, prev_hash, integrity_hash`

export type AuditRow = AuditRowLike & { id: string; occurred_at: Date; actor_type: 'user' | 'agent' | 'system' }
/** An audit row with the names of its actor and entity (namedAuditQuery). */
export type NamedAuditRow = AuditRow & AuditNameColumns

/**
 * The entries `inner` selects (AUDIT_COLUMNS from audit_log), with their names, in `orderBy` (on
 * alias l; l.id is text, so order by l.id::bigint).
 */
export async function namedAudit(db: PGliteInterface, inner: string, orderBy: string, params: unknown[]): Promise<z.infer<typeof AuditEntry>[]> {
  const res = await db.query<NamedAuditRow>(namedAuditQuery(inner, orderBy), params)
  return res.rows.map(toAuditEntry)
}

/** One replica audit row as the Audit view and the approval detail show it. */
function toAuditEntry(e: NamedAuditRow): z.infer<typeof AuditEntry> {
  return {
    ...auditActor(e),
    entityName: auditEntityName(e),
    id: e.id,
    tenantId: e.tenant_id,
    occurredAt: e.occurred_at.toISOString(),
    actorType: e.actor_type,
    actorId: e.actor_id,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    beforeState: e.before_state,
    afterState: e.after_state,
    integrityHash: e.integrity_hash,
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function timestampArg(value: string, name: 'from' | 'to'): string {
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new ApiError('invalid_input', `The audit filter's "${name}" is not a date and time.`)
  return new Date(t).toISOString()
}

/**
 * The audit log condition for a filter (on audit_log, unaliased): exact matches on actor, entity and
 * action, occurred_at in [from, to). The Audit view's list and its CSV export both use it, so the
 * file holds exactly the rows the screen shows.
 */
export function auditWhere(p: SqlParams, f: AuditFilter): string {
  const where: string[] = []
  if (f.tenantId) where.push(`tenant_id = ${p.add(f.tenantId)}`)
  if (f.actorType) where.push(`actor_type = ${p.add(f.actorType)}`)
  // actor_id is a uuid column: anything else matches no entry (rather than failing the cast).
  if (f.actorId) where.push(UUID.test(f.actorId) ? `actor_id = ${p.add(f.actorId)}::uuid` : 'false')
  if (f.entityType) where.push(`entity_type = ${p.add(f.entityType)}`)
  if (f.entityId) where.push(`entity_id = ${p.add(f.entityId)}`)
  if (f.action) where.push(`action = ${p.add(f.action)}`)
  if (f.from) where.push(`occurred_at >= ${p.add(timestampArg(f.from, 'from'))}::timestamptz`)
  if (f.to) where.push(`occurred_at < ${p.add(timestampArg(f.to, 'to'))}::timestamptz`)
  return where.length > 0 ? where.join(' and ') : 'true'
}

/** A page of the log, newest first. */
export async function listAudit(
  db: PGliteInterface,
  o: AuditFilter & { limit: number; offset: number },
): Promise<{ items: z.infer<typeof AuditEntry>[]; total: number }> {
  const p = new SqlParams()
  const cond = auditWhere(p, o)
  const countParams = [...p.values]
  const [items, total] = await Promise.all([
    namedAudit(
      db,
      `select ${AUDIT_COLUMNS} from audit_log where ${cond} order by audit_log.id desc limit ${p.add(o.limit)} offset ${p.add(o.offset)}`,
      'l.id::bigint desc',
      p.values,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from audit_log where ${cond}`, countParams),
  ])
  return { total: total.rows[0]?.n ?? 0, items }
}

/**
 * Where an entry sits in the filtered log (its offset, newest first), so the view can page to it —
 * the entry a chain verification names may be thousands of rows down. Null when the filter hides it.
 */
export async function locateAudit(db: PGliteInterface, o: AuditFilter & { id: string }): Promise<{ offset: number | null }> {
  const p = new SqlParams()
  const cond = auditWhere(p, o)
  const id = p.add(o.id)
  const res = await db.query<{ matches: boolean; newer: number }>(
    `select exists (select 1 from audit_log where ${cond} and id = ${id}::bigint) as matches,
            (select count(*)::int from audit_log where ${cond} and id > ${id}::bigint) as newer`,
    p.values,
  )
  const row = res.rows[0]
  return { offset: row?.matches ? row.newer : null }
}

type Actor = z.infer<typeof AuditFacets>['actors'][number]

/** The values the filters offer: the actions, entity types and actors the (scoped) log holds. */
export async function auditFacets(db: PGliteInterface, tenantId?: string): Promise<z.infer<typeof AuditFacets>> {
  const p = new SqlParams()
  const cond = tenantId ? `tenant_id = ${p.add(tenantId)}` : 'true'
  const [actions, entityTypes, actors] = await Promise.all([
    db.query<{ v: string }>(`select distinct action as v from audit_log where ${cond} order by 1`, p.values),
    db.query<{ v: string }>(`select distinct entity_type as v from audit_log where ${cond} order by 1`, p.values),
    db.query<{ type: Actor['type']; id: string; name: string | null }>(
      `select x.actor_type as type, x.actor_id::text as id, coalesce(g.name, pr.full_name, pr.email) as name
         from (select distinct actor_type, actor_id from audit_log where ${cond} and actor_id is not null) x
         left join agents g on x.actor_type = 'agent' and g.id = x.actor_id
         left join profiles pr on x.actor_type = 'user' and pr.id = x.actor_id
        order by x.actor_type, name nulls last, x.actor_id`,
      p.values,
    ),
  ])
  return {
    actions: actions.rows.map((r) => r.v),
    entityTypes: entityTypes.rows.map((r) => r.v),
    actors: actors.rows.map((r) => ({ type: r.type, id: r.id, name: r.name })),
  }
}

const VERIFY_PAGE = 5000
/** Progress reports are spaced at least this far apart: enough for a smooth bar, few events. */
const PROGRESS_EVERY_MS = 50

type Verdict = z.infer<typeof AuditVerdict>

interface Witness {
  entry_id: string
  entry_hash: string
  witnessed_at: Date
}

/**
 * Reads the tenant's whole chain from the replica page by page and verifies it link by link as it
 * goes, reporting entries checked of the total (the view's progress bar): at the start, at most
 * every 50 ms while it runs, and at the end.
 *
 * A chain that links up is not enough. Its end is checked against the server's head
 * (audit_chain_heads, pulled after the log: a head this replica holds comes with every entry up to
 * it), so a deleted tail is named. And every head this console verified before is a witness: a
 * chain that no longer holds a witnessed entry with the hash it had was rewritten, even if every
 * hash was recomputed. A chain that verifies becomes a witness in turn.
 */
export async function verifyAudit(
  db: PGliteInterface,
  tenantId: string,
  report?: (checked: number, total: number) => void,
  now: () => Date = () => new Date(),
): Promise<Verdict> {
  const known = await db.query('select 1 from tenants where id = $1', [tenantId])
  if (known.rows.length === 0) throw new ApiError('not_found')
  // A tenant whose log the reviewer may not read holds no entries here: "intact" would vouch for nothing.
  const withheld = await db.query<{ hidden: boolean }>(
    `select coalesce(value -> $1 ? 'audit_log', false) as hidden from replica_meta where key = 'withheld'`,
    [tenantId],
  )
  if (withheld.rows[0]?.hidden) throw new ApiError('forbidden', 'You may not read the audit log of this tenant.')
  const total = (await db.query<{ n: number }>('select count(*)::int as n from audit_log where tenant_id = $1', [tenantId])).rows[0]?.n ?? 0
  const head = (
    await db.query<{ last_id: string; last_hash: string }>(
      'select last_id::text as last_id, last_hash from audit_chain_heads where tenant_id = $1',
      [tenantId],
    )
  ).rows[0]
  const witnesses = (
    await db.query<Witness>(
      'select entry_id::text as entry_id, entry_hash, witnessed_at from audit_witnesses where tenant_id = $1 order by entry_id',
      [tenantId],
    )
  ).rows
  const witnessed = new Map(witnesses.map((w) => [w.entry_id, w]))
  // What the replica's chain holds at each witnessed entry (absent: no such entry any more).
  const seenAtWitness = new Map<string, string>()
  let atHead: string | undefined
  let lastEntry: { id: string; hash: string } | null = null

  let lastReport = 0
  const onProgress = (checked: number, of: number, final = false) => {
    const now = Date.now()
    if (!final && now - lastReport < PROGRESS_EVERY_MS) return
    lastReport = now
    report?.(checked, of)
  }
  onProgress(0, total, true)
  // The chain head carried from one page to the next.
  const heads = new Map<string, string>()
  let checked = 0
  let after = '-1'
  for (;;) {
    const page = await db.query<AuditRow>(
      `select ${AUDIT_COLUMNS} from audit_log where tenant_id = $1 and id > $2::bigint order by audit_log.id limit ${VERIFY_PAGE}`,
      [tenantId, after],
    )
    const base = checked
    const verdict = await verifyAuditChain(page.rows, {
      heads,
      onProgress: (n) => onProgress(base + n, Math.max(total, base + page.rows.length)),
    })
    if (!verdict.ok) {
      onProgress(base + verdict.verified, total, true)
      return { tenantId, entries: base + verdict.verified, ok: false, brokenAt: { id: verdict.brokenAt, reason: verdict.reason } }
    }
    for (const row of page.rows) {
      if (witnessed.has(row.id)) seenAtWitness.set(row.id, row.integrity_hash)
      if (row.id === head?.last_id) atHead = row.integrity_hash
    }
    checked += page.rows.length
    const last = page.rows.at(-1)
    if (last) lastEntry = { id: last.id, hash: last.integrity_hash }
    if (page.rows.length < VERIFY_PAGE) break
    after = last!.id
  }
  onProgress(checked, Math.max(total, checked), true)

  const broken = chainEndBreak(lastEntry, head, atHead, witnesses, seenAtWitness)
  if (broken) return { tenantId, entries: checked, ok: false, brokenAt: broken }
  // The witness is the server's head this chain was checked against (it only ever moves forward),
  // not entries pulled past it: those may arrive before the head that covers them does.
  const witness = head ? { id: head.last_id, hash: head.last_hash } : lastEntry
  if (witness) {
    await db.query(
      `insert into audit_witnesses (tenant_id, entry_id, entry_hash, witnessed_at) values ($1, $2::bigint, $3, $4)
       on conflict (tenant_id, entry_id) do nothing`,
      [tenantId, witness.id, witness.hash, now().toISOString()],
    )
  }
  return { tenantId, entries: checked, ok: true, brokenAt: null }
}

const bigger = (a: string, b: string) => BigInt(a) > BigInt(b)

/**
 * What a chain that links up from genesis can still hide, given its last entry, the server's head
 * and the heads this console witnessed (in entry order), with the hash the chain now has at each.
 */
function chainEndBreak(
  lastEntry: { id: string; hash: string } | null,
  head: { last_id: string; last_hash: string } | undefined,
  atHead: string | undefined,
  witnesses: Witness[],
  seenAtWitness: Map<string, string>,
): Verdict['brokenAt'] {
  const endsAt = lastEntry?.id ?? null
  // Witnesses first: they name the oldest point the history no longer matches. The last witness
  // still intact before the first one that is not bounds where the change began.
  let intact: string | null = null
  for (const w of witnesses) {
    const here = seenAtWitness.get(w.entry_id)
    // The server's head went back below what was witnessed, or sits on it with another hash.
    const serverShorter = head !== undefined && bigger(w.entry_id, head.last_id)
    const serverDiffers = head?.last_id === w.entry_id && head.last_hash !== w.entry_hash
    if (here === w.entry_hash && !serverShorter && !serverDiffers) {
      intact = w.entry_id
      continue
    }
    const witnessedAt = w.witnessed_at.toISOString()
    if (serverShorter && here !== undefined && here === w.entry_hash) {
      return { id: w.entry_id, reason: 'tail_deleted', after: head.last_id, witnessedAt }
    }
    if (here === undefined && (endsAt === null || bigger(w.entry_id, endsAt))) {
      return { id: w.entry_id, reason: 'tail_deleted', after: endsAt, witnessedAt }
    }
    return { id: w.entry_id, reason: 'rewritten', after: intact, witnessedAt }
  }
  if (!head) return null
  // The server's head lies beyond the chain: its newest entries were deleted.
  if (endsAt === null || bigger(head.last_id, endsAt)) return { id: head.last_id, reason: 'tail_deleted', after: endsAt }
  // The replica holds the head's entry with another hash than the server's head (or not at all,
  // inside a chain that links up): the server's chain was recomputed after this console pulled it.
  if (atHead !== head.last_hash) return { id: head.last_id, reason: 'rewritten', after: intact }
  return null
}
