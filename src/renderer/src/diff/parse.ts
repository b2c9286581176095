// A file's unified diff as hunks of numbered lines, and the pairing of a hunk's lines for a
// side-by-side view. `parsePatch` (the `diff` package) reads the text; when it refuses a patch
// whose hunk headers miscount their lines — agents write such patches — a lenient reading keeps
// the change reviewable and says the patch is malformed, since it may not apply as written.
import { parsePatch, type StructuredPatch, type StructuredPatchHunk } from 'diff'

export type LineKind = 'context' | 'add' | 'del'

export interface DiffLine {
  kind: LineKind
  text: string
  /** Line number in the old file (null for an added line). */
  oldNo: number | null
  /** Line number in the new file (null for a removed line). */
  newNo: number | null
  /** The line is the file's last and has no newline after it (`\ No newline at end of file`). */
  noNewline: boolean
}

export interface DiffHunk {
  oldStart: number
  oldLines: number
  newStart: number
  newLines: number
  /** The text after the second `@@` (often the enclosing function); empty when none. */
  section: string
  lines: DiffLine[]
}

export type FileChange = 'modified' | 'added' | 'deleted' | 'renamed' | 'binary'

export interface FileDiff {
  path: string
  change: FileChange
  hunks: DiffHunk[]
  additions: number
  deletions: number
  /** Why the patch could not be read strictly (it may not apply); null when it parsed cleanly. */
  malformed: string | null
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/

/** The `@@` lines in order: `parsePatch` drops their section text, which reviewers use to orient. */
function hunkSections(text: string): string[] {
  const out: string[] = []
  for (const line of text.split('\n')) {
    const m = HUNK_HEADER.exec(line)
    if (m) out.push((m[5] ?? '').trim())
  }
  return out
}

/** Reads hunks without checking their counts: every ` `, `+`, `-` or `\` line after an `@@` header belongs to it. */
function lenientHunks(text: string): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = []
  let current: StructuredPatchHunk | null = null
  const lines = text.split('\n')
  // A diff ends with a newline: the empty string after it is not a context line.
  if (lines[lines.length - 1] === '') lines.pop()
  for (const line of lines) {
    const m = HUNK_HEADER.exec(line)
    if (m) {
      current = {
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
        lines: [],
      }
      hunks.push(current)
    } else if (current) {
      // Editors strip the single space of an empty context line; it is still a context line.
      if (line === '') current.lines.push(' ')
      else if (/^[ +\-\\]/.test(line)) current.lines.push(line)
      else current = null
    }
  }
  return hunks
}

function changeOf(p: StructuredPatch | undefined, hunks: readonly StructuredPatchHunk[]): FileChange {
  if (!p) return 'modified'
  if (p.isBinary) return 'binary'
  if (p.isCreate || p.oldFileName === '/dev/null') return 'added'
  if (p.isDelete || p.newFileName === '/dev/null') return 'deleted'
  if (p.isRename) return 'renamed'
  if (hunks.length > 0 && hunks.every((h) => h.oldLines === 0 && h.oldStart <= 1)) return 'added'
  return 'modified'
}

function numberHunk(h: StructuredPatchHunk, section: string): DiffHunk {
  let oldNo = h.oldStart
  let newNo = h.newStart
  // An empty side of a hunk is written as start 0 (`-0,0`); its first line would be 1.
  if (h.oldLines === 0 && oldNo === 0) oldNo = 1
  if (h.newLines === 0 && newNo === 0) newNo = 1
  const lines: DiffLine[] = []
  for (const raw of h.lines) {
    const sign = raw[0]
    const text = raw.slice(1)
    if (sign === '\\') {
      const last = lines[lines.length - 1]
      if (last) last.noNewline = true
    } else if (sign === '+') lines.push({ kind: 'add', text, oldNo: null, newNo: newNo++, noNewline: false })
    else if (sign === '-') lines.push({ kind: 'del', text, oldNo: oldNo++, newNo: null, noNewline: false })
    else lines.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++, noNewline: false })
  }
  return {
    oldStart: h.oldStart,
    oldLines: h.oldLines,
    newStart: h.newStart,
    newLines: h.newLines,
    section,
    lines,
  }
}

/** One file's unified diff (as a change set's patch holds it) read into numbered hunks. */
export function parseFileDiff(path: string, text: string): FileDiff {
  let patches: StructuredPatch[] | null = null
  let malformed: string | null = null
  try {
    patches = parsePatch(text)
  } catch (err) {
    malformed = err instanceof Error ? err.message : String(err)
  }
  const raw = patches ? patches.flatMap((p) => p.hunks) : lenientHunks(text)
  const sections = hunkSections(text)
  const hunks = raw.map((h, i) => numberHunk(h, sections[i] ?? ''))
  let additions = 0
  let deletions = 0
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind === 'add') additions++
      else if (l.kind === 'del') deletions++
    }
  }
  const first = patches?.find((p) => p.hunks.length > 0 || p.isBinary || p.isRename) ?? patches?.[0]
  return { path, change: changeOf(first, raw), hunks, additions, deletions, malformed }
}

export interface SplitRow {
  left: DiffLine | null
  right: DiffLine | null
}

/**
 * A hunk's lines as side-by-side rows: context on both sides; within each run of changes, the
 * removed lines face the added lines in order, and the longer side faces blanks.
 */
export function splitRows(hunk: DiffHunk): SplitRow[] {
  const rows: SplitRow[] = []
  let dels: DiffLine[] = []
  let adds: DiffLine[] = []
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++)
      rows.push({ left: dels[i] ?? null, right: adds[i] ?? null })
    dels = []
    adds = []
  }
  for (const line of hunk.lines) {
    if (line.kind === 'del') dels.push(line)
    else if (line.kind === 'add') adds.push(line)
    else {
      flush()
      rows.push({ left: line, right: line })
    }
  }
  flush()
  return rows
}

/** "lines 12–30" of the new file, or of the old one when the hunk only removes. */
export function hunkRange(h: DiffHunk): string {
  const [start, count] = h.newLines > 0 ? [h.newStart, h.newLines] : [h.oldStart, h.oldLines]
  return count <= 1 ? `line ${start}` : `lines ${start}–${start + count - 1}`
}
