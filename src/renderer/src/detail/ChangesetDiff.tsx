// A change set's patches in an approval's detail, through the one diff viewer: each file with its
// +/− counts, unified or side by side (the same choice as the Change sets view).
import { useMemo } from 'react'
import { DiffFile } from '../diff/DiffFile'
import { ChangeTag, DiffCounts } from '../diff/FileList'
import { LayoutToggle } from '../diff/LayoutToggle'
import { useDiffLayout } from '../diff/diff-layout'
import { parseFileDiff } from '../diff/parse'
import '../diff/diff.css'

interface Patch {
  path: string
  diff: string
}

export function ChangesetDiff({ patches }: { patches: readonly Patch[] }) {
  const layout = useDiffLayout((s) => s.layout)
  const files = useMemo(() => patches.map((p) => parseFileDiff(p.path, p.diff)), [patches])
  if (files.length === 0) return <p className="muted">This change set has no patches.</p>
  return (
    <div className="patches">
      <LayoutToggle />
      {files.map((f, i) => (
        <figure key={`${i}:${f.path}`} className="patch">
          <figcaption>
            <code>{f.path}</code>
            <span className="patch-stats">
              <ChangeTag file={f} /> <DiffCounts file={f} />
            </span>
          </figcaption>
          <DiffFile file={f} layout={layout} />
        </figure>
      ))}
    </div>
  )
}
