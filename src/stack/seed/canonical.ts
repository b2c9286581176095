// The approvals' payload_hash as the server computes it (public.canonical_hash): sha256 of the
// canonical JSON text — keys sorted by code point, no whitespace, JavaScript number and string
// forms, by the one canonicalJson the console's audit check uses too. Computed here so that 100k
// payloads are not hashed one plpgsql call at a time.
import { createHash } from 'node:crypto'
import { canonicalJson } from '../../shared/audit-chain'

export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}
