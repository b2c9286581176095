// The approvals' payload_hash as the server computes it (public.canonical_hash): sha256 of the
// canonical JSON text — keys sorted by code point, no whitespace, JavaScript number and string
// forms. Computed here so that 100k payloads are not hashed one plpgsql call at a time.
import { createHash } from 'node:crypto'

function byCodePoint(a: string, b: string): number {
  // Code-point order (UTF-8 byte order); plain `<` compares UTF-16 units, which differs for astral characters.
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const x = ia.next()
    const y = ib.next()
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1
    const cx = x.value.codePointAt(0)!
    const cy = y.value.codePointAt(0)!
    if (cx !== cy) return cx - cy
  }
}

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    // UTF-16 order is code-point order unless a key holds a surrogate pair.
    entries.sort(
      entries.some(([k]) => /[\uD800-\uDFFF]/.test(k))
        ? ([a], [b]) => byCodePoint(a, b)
        : ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0),
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}
