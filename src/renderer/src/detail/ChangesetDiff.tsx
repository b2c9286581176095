// A change set's patches as unified diffs: each line keeps its +/− sign so additions and removals
// read without colour.
import { useState } from 'react'

const MAX_LINES = 400

interface Patch {
  path: string
  diff: string
}

function lineClass(line: string): string {
  if (line.startsWith('@@')) return 'diff-hunk'
  if (line.startsWith('+++') || line.startsWith('---')) return 'diff-file'
  if (line.startsWith('+')) return 'diff-add'
  if (line.startsWith('-')) return 'diff-del'
  return 'diff-ctx'
}

function PatchView({ patch }: { patch: Patch }) {
  const [all, setAll] = useState(false)
  const lines = patch.diff.replace(/\n$/, '').split('\n')
  const shown = all ? lines : lines.slice(0, MAX_LINES)
  const added = lines.filter((l) => l.startsWith('+') && !l.startsWith('+++')).length
  const removed = lines.filter((l) => l.startsWith('-') && !l.startsWith('---')).length
  return (
    <figure className="patch">
      <figcaption>
        <code>{patch.path}</code>
        <span className="patch-stats">
          <span className="diff-add-text">+{added}</span> <span className="diff-del-text">−{removed}</span>
        </span>
      </figcaption>
      <pre className="diff" aria-label={`Diff of ${patch.path}: ${added} lines added, ${removed} removed`}>
        {shown.map((l, i) => (
          <span key={i} className={`diff-line ${lineClass(l)}`}>
            {l || ' '}
          </span>
        ))}
      </pre>
      {lines.length > shown.length && (
        <button type="button" className="link" onClick={() => setAll(true)}>
          Show all {lines.length} lines
        </button>
      )}
    </figure>
  )
}

export function ChangesetDiff({ patches }: { patches: readonly Patch[] }) {
  if (patches.length === 0) return <p className="muted">This change set has no patches.</p>
  return (
    <div className="patches">
      {patches.map((p) => (
        <PatchView key={p.path} patch={p} />
      ))}
    </div>
  )
}
