// The files of a change set with what each one adds and removes; the chosen file is the one the
// diff beside it shows. Counts are words as well as colours ("+12 −3").
import type { FileDiff } from './parse'

const CHANGE_TAG: Partial<Record<FileDiff['change'], string>> = {
  added: 'new',
  deleted: 'deleted',
  renamed: 'renamed',
  binary: 'binary',
}

export function DiffCounts({ file }: { file: Pick<FileDiff, 'additions' | 'deletions'> }) {
  return (
    <span className="diff-counts" aria-label={`${file.additions} added, ${file.deletions} removed`}>
      <span className="dc-add">+{file.additions}</span> <span className="dc-del">−{file.deletions}</span>
    </span>
  )
}

export function ChangeTag({ file }: { file: FileDiff }) {
  const tag = CHANGE_TAG[file.change]
  return (
    <>
      {tag && <span className={`tag diff-tag-${file.change}`}>{tag}</span>}
      {file.malformed && (
        <span className="tag diff-tag-malformed" title="Its hunk headers do not match its lines">
          ⚠ malformed
        </span>
      )}
    </>
  )
}

interface FileListProps {
  files: readonly FileDiff[]
  selected: number
  onSelect: (index: number) => void
}

export function FileList({ files, selected, onSelect }: FileListProps) {
  return (
    <nav className="diff-files" aria-label={`${files.length} changed file${files.length === 1 ? '' : 's'}`}>
      <ol>
        {files.map((f, i) => (
          <li key={`${i}:${f.path}`}>
            <button
              type="button"
              className="diff-file-item"
              aria-current={i === selected ? 'true' : undefined}
              onClick={() => onSelect(i)}
              data-testid="diff-file-item"
              data-path={f.path}
            >
              <span className="diff-file-path" title={f.path}>
                {f.path}
              </span>
              <ChangeTag file={f} />
              <DiffCounts file={f} />
            </button>
          </li>
        ))}
      </ol>
    </nav>
  )
}
