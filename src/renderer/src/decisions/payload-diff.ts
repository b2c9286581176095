// What an edit changed, field by field ("amount: 120.00 → 100.00"), for the editor's diff and the
// reviewer's confidence that only the intended fields moved.
export interface FieldChange {
  path: string
  kind: 'changed' | 'added' | 'removed'
  before?: string
  after?: string
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, '[]')
    value.forEach((v, i) => flatten(v, prefix ? `${prefix}[${i}]` : `[${i}]`, out))
    return
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
    if (entries.length === 0) out.set(prefix, '{}')
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out)
    return
  }
  out.set(prefix, JSON.stringify(value) ?? 'undefined')
}

export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, string>()
  const b = new Map<string, string>()
  flatten(before, '', a)
  flatten(after, '', b)
  const changes: FieldChange[] = []
  for (const [path, v] of a) {
    const w = b.get(path)
    if (w === undefined) changes.push({ path, kind: 'removed', before: v })
    else if (w !== v) changes.push({ path, kind: 'changed', before: v, after: w })
  }
  for (const [path, w] of b) if (!a.has(path)) changes.push({ path, kind: 'added', after: w })
  return changes
}
