// An audit entry's before and after states as a readable diff, key by key: what changed (old → new),
// what was added and what was removed, each marked in words as well as colour.
import { diffFields, type FieldChange } from '../decisions/payload-diff'

const KIND_WORDS: Record<FieldChange['kind'], { icon: string; label: string }> = {
  changed: { icon: '~', label: 'Changed' },
  added: { icon: '+', label: 'Added' },
  removed: { icon: '−', label: 'Removed' },
}

const isEmptyState = (v: unknown) =>
  v === null || v === undefined || (typeof v === 'object' && Object.keys(v).length === 0)

/**
 * The key-by-key changes between two states. A missing state (an entry that created or deleted
 * something) counts as an empty object, so its fields read as added or removed, not as one blob.
 */
export function stateChanges(before: unknown, after: unknown): FieldChange[] {
  const changes = diffFields(before ?? {}, after ?? {})
  // diffFields marks an empty object at the root ('' → '{}'): that is "nothing", not a field.
  return changes.filter((c) => !(c.path === '' && (c.before === '{}' || c.after === '{}')))
}

/** A JSON-encoded value as text: strings without their quotes, everything else as JSON. */
function shown(value: string | undefined): string {
  if (value === undefined) return ''
  if (value.startsWith('"')) {
    try {
      return JSON.parse(value) as string
    } catch {
      return value
    }
  }
  return value
}

/** One line for the log's row: the first change, and how many more. */
export function changeSummary(before: unknown, after: unknown): string {
  const changes = stateChanges(before, after)
  const first = changes[0]
  if (!first) return isEmptyState(before) && isEmptyState(after) ? 'No state recorded' : 'No change'
  const path = first.path || 'value'
  const text =
    first.kind === 'changed'
      ? `${path}: ${shown(first.before)} → ${shown(first.after)}`
      : first.kind === 'added'
        ? `+ ${path}: ${shown(first.after)}`
        : `− ${path}: ${shown(first.before)}`
  return changes.length > 1 ? `${text} (+${changes.length - 1} more)` : text
}

export function EntryDiff({ before, after }: { before: unknown; after: unknown }) {
  const changes = stateChanges(before, after)
  const created = isEmptyState(before) && !isEmptyState(after)
  const removed = !isEmptyState(before) && isEmptyState(after)
  if (changes.length === 0) {
    return (
      <p className="muted">
        {isEmptyState(before) && isEmptyState(after)
          ? 'No before or after state recorded.'
          : 'Before and after are the same.'}
      </p>
    )
  }
  return (
    <div className="entry-diff">
      {created && <p className="muted">Created: no state before this entry.</p>}
      {removed && <p className="muted">Removed: no state after this entry.</p>}
      <table className="data-table diff-table" aria-label="Before and after, key by key">
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Key</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.path} className={`diff-${c.kind}`} data-kind={c.kind}>
              <td className="diff-kind">
                <span aria-hidden="true">{KIND_WORDS[c.kind].icon} </span>
                {KIND_WORDS[c.kind].label}
              </td>
              <td>
                <code>{c.path || 'value'}</code>
              </td>
              <td className="diff-before">
                {c.kind === 'added' ? <span className="muted">—</span> : <span>{shown(c.before)}</span>}
              </td>
              <td className="diff-after">
                {c.kind === 'removed' ? <span className="muted">—</span> : <span>{shown(c.after)}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
