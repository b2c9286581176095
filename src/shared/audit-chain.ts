// The audit log's hash chain, recomputed away from the server: the same canonical JSON and sha256
// as supabase/migrations/20261121000100 and …0150, so the console proves from its replica alone
// that no audit entry was rewritten. Web Crypto only: runs in Node 20 and in the renderer.

/** prev_hash of a tenant's first entry (public.audit_genesis_hash()). */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * Code-point order of two strings, which is UTF-8 byte order (PostgreSQL's collate "C"). Plain
 * UTF-16 code-unit order differs only for characters above U+FFFF against U+E000–U+FFFF.
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const xSurrogate = x >= 0xd800 && x <= 0xdfff
    const ySurrogate = y >= 0xd800 && y <= 0xdfff
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1
    return x - y
  }
  return a.length - b.length
}

/**
 * public.canonical_json in TypeScript: object keys in code-point order, no whitespace, strings and
 * numbers exactly as JSON.stringify prints them. Takes the value as JSON.parse produced it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return canonicalJson(Number(value))
    case 'object':
      break
    default:
      return 'null' // functions and symbols do not survive JSON either
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return '[' + value.map((v) => canonicalJson(v)).join(',') + ']'
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
  entries.sort(([a], [b]) => compareCodePoints(a, b))
  return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalJson(v)).join(',') + '}'
}

/** An audit_log row as the replica holds it (to_jsonb over the wire, or PGlite's own types). */
export interface AuditRowLike {
  id: string | number | bigint
  tenant_id: string
  occurred_at: string | Date
  actor_type: string
  actor_id: string | null
  action: string
  entity_type: string
  entity_id: string | null
  before_state: unknown
  after_state: unknown
  metadata: unknown
  prev_hash: string
  integrity_hash: string
}

/** A timestamp as JavaScript's toISOString prints it (milliseconds, UTC, `Z`). */
function isoMillis(value: string | Date): string {
  if (value instanceof Date) return value.toISOString()
  // PostgreSQL's text form ("2026-11-21 10:00:00.123+00") as well as ISO 8601; sub-millisecond
  // digits are cut, as the server stores milliseconds only.
  const iso = value
    .trim()
    .replace(' ', 'T')
    .replace(/(\.\d{3})\d+/, '$1')
    .replace(/([+-]\d\d)$/, '$1:00')
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new Error(`audit entry has an unreadable occurred_at: ${value}`)
  return date.toISOString()
}

/** The text an entry's hash covers: public.audit_row_canonical. */
export function auditRowCanonical(row: AuditRowLike): string {
  return canonicalJson({
    id: String(row.id),
    tenant_id: row.tenant_id,
    occurred_at: isoMillis(row.occurred_at),
    actor_type: row.actor_type,
    actor_id: row.actor_id,
    action: row.action,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    before_state: row.before_state ?? null,
    after_state: row.after_state ?? null,
    metadata: row.metadata ?? null,
  })
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  let out = ''
  for (const byte of digest) out += HEX[byte]
  return out
}

/** integrity_hash of an entry: sha256(prev_hash || canonical row), hex. */
export function auditEntryHash(row: AuditRowLike): Promise<string> {
  return sha256Hex(row.prev_hash + auditRowCanonical(row))
}

/** An approval's payload_hash: sha256 of the payload's canonical JSON. */
export function payloadHash(payload: unknown): Promise<string> {
  return sha256Hex(canonicalJson(payload))
}

export type ChainBreakReason = 'prev_hash' | 'integrity_hash'

export type ChainVerdict =
  | { ok: true; verified: number }
  | {
      ok: false
      /** Entries verified before the broken one. */
      verified: number
      /** id of the first entry that does not verify (bigint as text). */
      brokenAt: string
      /** prev_hash: the link to the entry before is broken; integrity_hash: the entry was edited. */
      reason: ChainBreakReason
      expected: string
      actual: string
    }

export interface VerifyOptions {
  onProgress?: (verified: number, total: number) => void
  /** Hashes computed concurrently; the chain links are checked in order regardless. */
  batchSize?: number
  /**
   * Each tenant's last verified integrity_hash, when `rows` continue a chain already checked (a long
   * chain verified page by page); updated in place as entries verify. Empty: chains start at genesis.
   */
  heads?: Map<string, string>
}

const byId = (a: AuditRowLike, b: AuditRowLike) => {
  const x = BigInt(a.id)
  const y = BigInt(b.id)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Verifies every tenant's chain in the given rows (one tenant's or several; any order). Ids follow
 * each tenant's chain order (the server draws them under the tenant's chain lock), so each entry's
 * prev_hash must be the integrity_hash of the tenant's entry with the next smaller id.
 */
export async function verifyAuditChain(rows: readonly AuditRowLike[], opts: VerifyOptions = {}): Promise<ChainVerdict> {
  const sorted = [...rows].sort(byId)
  const batchSize = Math.max(1, opts.batchSize ?? 256)
  const heads = opts.heads ?? new Map<string, string>()
  let verified = 0
  for (let start = 0; start < sorted.length; start += batchSize) {
    const batch = sorted.slice(start, start + batchSize)
    const hashes = await Promise.all(batch.map((row) => auditEntryHash(row)))
    for (const [i, row] of batch.entries()) {
      const expectedPrev = heads.get(row.tenant_id) ?? GENESIS_HASH
      if (row.prev_hash !== expectedPrev) {
        return { ok: false, verified, brokenAt: String(row.id), reason: 'prev_hash', expected: expectedPrev, actual: row.prev_hash }
      }
      const recomputed = hashes[i] as string
      if (row.integrity_hash !== recomputed) {
        return {
          ok: false,
          verified,
          brokenAt: String(row.id),
          reason: 'integrity_hash',
          expected: recomputed,
          actual: row.integrity_hash,
        }
      }
      heads.set(row.tenant_id, row.integrity_hash)
      verified++
    }
    opts.onProgress?.(verified, sorted.length)
  }
  return { ok: true, verified }
}
