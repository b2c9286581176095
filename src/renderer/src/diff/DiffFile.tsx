// One file's diff, unified or side by side, with line numbers and +/− signs (colour only adds to
// them). Only the rows on screen exist in the DOM, so a file of thousands of lines opens at once.
// The keyboard focus stays on the diff itself and the active hunk is named through
// aria-activedescendant, so a hunk scrolling away never takes the focus with it.
import { useId, useLayoutEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { remPx, useCssVars } from '../ui/css-vars'
import type { DiffLayout } from './diff-layout'
import { hunkRange, splitRows, type DiffLine, type FileDiff } from './parse'

type Row =
  | { t: 'hunk'; hunk: number }
  | { t: 'line'; line: DiffLine }
  | { t: 'pair'; left: DiffLine | null; right: DiffLine | null }

const SIGN: Record<DiffLine['kind'], string> = { add: '+', del: '−', context: ' ' }

// Row keys name the file, so sizes measured for one file are never taken for another's rows.
const fileKeys = new WeakMap<FileDiff, number>()
let lastFileKey = 0
function fileKey(file: FileDiff): number {
  let key = fileKeys.get(file)
  if (key === undefined) fileKeys.set(file, (key = ++lastFileKey))
  return key
}

function buildRows(file: FileDiff, layout: DiffLayout): { rows: Row[]; hunkRows: number[] } {
  const rows: Row[] = []
  const hunkRows: number[] = []
  file.hunks.forEach((hunk, i) => {
    hunkRows.push(rows.length)
    rows.push({ t: 'hunk', hunk: i })
    if (layout === 'split') for (const pair of splitRows(hunk)) rows.push({ t: 'pair', ...pair })
    else for (const line of hunk.lines) rows.push({ t: 'line', line })
  })
  return { rows, hunkRows }
}

/** Digits of the largest line number, so the number columns fit without jumping while scrolling. */
function numberWidth(file: FileDiff): number {
  const max = Math.max(
    1,
    ...file.hunks.map((h) => Math.max(h.oldStart + h.oldLines, h.newStart + h.newLines)),
  )
  return String(max).length
}

/** The sign and the text in one cell, so a line reads (and copies) as `+text`, as in the patch. */
function Code({ line }: { line: DiffLine | null }) {
  if (!line) return <span className="dl-code" />
  return (
    <span className="dl-code">
      <span className="dl-sign">{SIGN[line.kind]}</span>
      {line.text}
      {line.noNewline && <span className="dl-nonl"> (no newline at end of file)</span>}
    </span>
  )
}

/**
 * ↑ / ↓ on the focused diff scroll it, as in any text: they stay out of the page's next / previous
 * item shortcuts (the window's key handler), which j / k still reach.
 */
function scrollWithArrows(e: KeyboardEvent<HTMLDivElement>): void {
  if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey)
    e.stopPropagation()
}

/** Where to bring the diff: a hunk, and whether to move the keyboard focus there; a new `seq` repeats it. */
export interface HunkTarget {
  hunk: number
  focus: boolean
  seq: number
}

interface DiffFileProps {
  file: FileDiff
  layout: DiffLayout
  target?: HunkTarget | null
  onPickHunk?: (hunk: number) => void
  /** `diff-fill` takes the height it is given; by default the diff's height is capped and it scrolls within. */
  className?: string
  /** An id for the scroll area, for whoever moves the keyboard focus there. */
  scrollId?: string
}

export function DiffFile({ file, layout, target = null, onPickHunk, className, scrollId }: DiffFileProps) {
  const idBase = useId()
  const scrollRef = useRef<HTMLDivElement>(null)
  const innerRef = useRef<HTMLDivElement>(null)
  const { rows, hunkRows } = useMemo(() => buildRows(file, layout), [file, layout])
  const lineHeight = useMemo(() => Math.round(remPx() * 0.75 * 1.5), [])

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.t === 'hunk' ? lineHeight + 8 : lineHeight),
    getItemKey: (i) => `${fileKey(file)}:${layout}:${i}`,
    overscan: 24,
  })
  const items = virtualizer.getVirtualItems()

  // Before paint: the hunk a key asked for is on screen in the same frame; another file starts at its top.
  useLayoutEffect(() => {
    const row = target ? hunkRows[target.hunk] : undefined
    if (!target || row === undefined) {
      virtualizer.scrollToOffset(0)
      return
    }
    virtualizer.scrollToIndex(row, { align: 'start' })
    if (target.focus) scrollRef.current?.focus({ preventScroll: true })
  }, [target, hunkRows, virtualizer])

  useCssVars(scrollRef, { '--dl-no-w': `${numberWidth(file) + 1}ch` })
  useCssVars(innerRef, {
    '--diff-height': `${virtualizer.getTotalSize()}px`,
    '--diff-offset': `${items[0]?.start ?? 0}px`,
  })

  const active = target?.hunk ?? null
  const activeRow = active === null ? undefined : hunkRows[active]
  const activeRendered = activeRow !== undefined && items.some((v) => v.index === activeRow)
  const hunkId = (i: number) => `${idBase}-hunk-${i}`

  const renderRow = (row: Row, index: number, key: string) => {
    const measure = { 'data-index': index, ref: virtualizer.measureElement }
    if (row.t === 'hunk') {
      const h = file.hunks[row.hunk]
      if (!h) return null
      return (
        <div
          key={key}
          {...measure}
          id={hunkId(row.hunk)}
          className={`dh${row.hunk === active ? ' dh-active' : ''}`}
          data-hunk={row.hunk}
          data-testid="diff-hunk"
          onMouseDown={() => onPickHunk?.(row.hunk)}
        >
          <span className="visually-hidden">
            Hunk {row.hunk + 1} of {file.hunks.length}, {hunkRange(h)}:{' '}
          </span>
          <span aria-hidden="true">
            @@ −{h.oldStart},{h.oldLines} +{h.newStart},{h.newLines} @@
          </span>
          {h.section && <span className="dh-section"> {h.section}</span>}
        </div>
      )
    }
    if (row.t === 'line') {
      const l = row.line
      return (
        <div key={key} {...measure} className={`dl dl-${l.kind}`} data-kind={l.kind}>
          <span className="dl-no">{l.oldNo ?? ''}</span>
          <span className="dl-no">{l.newNo ?? ''}</span>
          <Code line={l} />
        </div>
      )
    }
    return (
      <div key={key} {...measure} className="dl-pair">
        {[row.left, row.right].map((l, side) => (
          <div
            key={side}
            className={`dl-half ${l ? `dl-${l.kind}` : 'dl-blank'}`}
            data-kind={l?.kind ?? 'blank'}
          >
            <span className="dl-no">{l ? (side === 0 ? l.oldNo : l.newNo) : ''}</span>
            <Code line={l} />
          </div>
        ))}
      </div>
    )
  }

  return (
    <div className={`diff-file ${className ?? ''}`}>
      {file.malformed && (
        <p className="banner banner-warning" data-testid="diff-malformed">
          This patch’s hunk headers do not match its lines, so it may not apply as written. It is shown as
          read.
        </p>
      )}
      {file.hunks.length === 0 ? (
        <p className="diff-empty muted" data-testid="diff-empty">
          {file.change === 'binary'
            ? 'Binary file: no text to show.'
            : 'No line changes in this file (a rename, a mode change or an empty patch).'}
        </p>
      ) : (
        <div
          ref={scrollRef}
          id={scrollId}
          className="diff diff-scroll"
          role="group"
          aria-label={`Diff of ${file.path}: ${file.additions} lines added, ${file.deletions} removed`}
          aria-activedescendant={activeRendered && active !== null ? hunkId(active) : undefined}
          tabIndex={0}
          data-testid="diff-file"
          data-path={file.path}
          data-layout={layout}
          data-active-hunk={active ?? undefined}
          onKeyDown={scrollWithArrows}
        >
          <div ref={innerRef} className="diff-inner">
            <div className={`diff-window diff-${layout}`}>
              {items.map((v) =>
                rows[v.index] ? renderRow(rows[v.index] as Row, v.index, String(v.key)) : null,
              )}
            </div>
          </div>
        </div>
      )}
    </div>
  )
}
