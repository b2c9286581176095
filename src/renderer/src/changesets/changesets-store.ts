// The Change sets view's state: the list (a review store, as escalations and flags have) and the
// patches of the current change set read into files and hunks, with the file shown and the hunk
// the keyboard is on. Patches of the change sets around the current one are read ahead, so j / k
// paint a diff in the same frame.
import { create } from 'zustand'
import type { ChangesetItem } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import type { HunkTarget } from '../diff/DiffFile'
import { hunkRange, parseFileDiff, type FileDiff } from '../diff/parse'
import { createReviewStore } from '../reviews/review-store'
import { REVIEW_DETAIL_ID } from '../reviews/ReviewSplit'
import type { StatusOption } from '../reviews/StatusFilter'
import { announce } from '../ui/announce'

export type ChangesetStatus = 'pending_review' | 'all'

export const CHANGESET_FILTERS: readonly StatusOption<ChangesetStatus>[] = [
  { value: 'pending_review', label: 'Pending review', title: 'change sets pending review', binding: '1' },
  { value: 'all', label: 'All', title: 'all change sets', binding: '2' },
]

export const changesets = createReviewStore<ChangesetItem, ChangesetStatus>({
  initialStatus: 'pending_review',
  load: (args) => call('changesets.list', args),
  tables: ['changesets', 'changeset_patches'],
})

/** The id of the diff's scroll area: Enter, n and p take the keyboard there. */
export const CHANGESET_DIFF_ID = 'changeset-diff'

interface PatchesState {
  /** The change set whose patches these are. */
  id: string | null
  /** null while the first read of them is on its way. */
  files: readonly FileDiff[] | null
  error: string | null
  /** The file the diff shows. */
  file: number
  /** The hunk the keyboard is on, in the shown file; null before n / p. */
  target: HunkTarget | null
}

export const usePatches = create<PatchesState>(() => ({
  id: null,
  files: null,
  error: null,
  file: 0,
  target: null,
}))

const CACHE_SIZE = 16
const cache = new Map<string, readonly FileDiff[]>()
const reading = new Map<string, Promise<readonly FileDiff[]>>()
let targetSeq = 0

function remember(id: string, files: readonly FileDiff[]): void {
  cache.delete(id)
  cache.set(id, files)
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string)
}

function read(id: string): Promise<readonly FileDiff[]> {
  let p = reading.get(id)
  if (!p) {
    p = call('changesets.detail', { id })
      .then((d) => {
        const files = d.patches.map((patch) => parseFileDiff(patch.path, patch.diff))
        remember(id, files)
        return files
      })
      .finally(() => reading.delete(id))
    reading.set(id, p)
  }
  return p
}

async function load(id: string): Promise<void> {
  try {
    const files = await read(id)
    if (usePatches.getState().id !== id) return
    const { file } = usePatches.getState()
    usePatches.setState({ files, error: null, file: Math.min(file, Math.max(0, files.length - 1)) })
  } catch (err) {
    if (usePatches.getState().id === id) usePatches.setState({ error: errorMessage(err) })
  }
}

/** Shows a change set's patches (at once when read ahead) from the first file. */
function showPatches(id: string): void {
  if (usePatches.getState().id === id) return
  const cached = cache.get(id)
  usePatches.setState({ id, files: cached ?? null, error: null, file: 0, target: null })
  if (!cached) void load(id)
}

// In the same update as the current row: the diff swaps files without unmounting (and dropping
// the keyboard focus) when the patches were read ahead.
changesets.use.subscribe((s, prev) => {
  if (s.currentId && s.currentId !== prev.currentId) showPatches(s.currentId)
})

export function readAhead(ids: readonly (string | null | undefined)[]): void {
  for (const id of ids) if (id && !cache.has(id)) void read(id).catch(() => undefined)
}

/** Patches changed in the replica: forget what was read and read the shown change set again. */
export function patchesChanged(): void {
  cache.clear()
  const { id } = usePatches.getState()
  if (id) void load(id)
}

function focusInDetail(): boolean {
  return document.getElementById(REVIEW_DETAIL_ID)?.contains(document.activeElement) ?? false
}

function target(hunk: number, focus: boolean): HunkTarget {
  return { hunk, focus, seq: ++targetSeq }
}

function describeFile(f: FileDiff, i: number, n: number): string {
  return `File ${i + 1} of ${n}: ${f.path}, ${f.additions} added, ${f.deletions} removed`
}

/** Shows file `index`; the keyboard goes to its first hunk when it was in the diff already. */
export function pickFile(index: number): void {
  const { files } = usePatches.getState()
  const f = files?.[index]
  if (!files || !f) return
  usePatches.setState({ file: index, target: f.hunks.length > 0 ? target(0, focusInDetail()) : null })
  announce(describeFile(f, index, files.length))
}

/** ] and [: the next or previous file. */
export function stepFile(delta: 1 | -1): void {
  const { files, file } = usePatches.getState()
  if (!files || files.length === 0) return announce('This change set has no files.')
  const next = file + delta
  if (next < 0 || next >= files.length) return announce(delta > 0 ? 'Last file' : 'First file')
  pickFile(next)
}

/** The hunk `hunk` of the shown file becomes the one the keyboard is on, and is brought into view. */
export function pickHunk(hunk: number, focus = true): void {
  const { files, file } = usePatches.getState()
  const f = files?.[file]
  const h = f?.hunks[hunk]
  if (!f || !h) return
  usePatches.setState({ target: target(hunk, focus) })
  announce(`Hunk ${hunk + 1} of ${f.hunks.length}, ${hunkRange(h)}`)
}

/** n and p: the next or previous hunk, on into the next or previous file with hunks. */
export function stepHunk(delta: 1 | -1): void {
  const { files, file, target: current } = usePatches.getState()
  if (!files || files.every((f) => f.hunks.length === 0)) return announce('No line changes to move through.')
  let f = file
  let h = current ? current.hunk + delta : 0
  while (h < 0 || h >= (files[f]?.hunks.length ?? 0)) {
    f += delta
    const next = files[f]
    if (!next) return announce(delta > 0 ? 'Last hunk' : 'First hunk')
    h = delta > 0 ? 0 : next.hunks.length - 1
  }
  const shown = files[f] as FileDiff
  const hunk = shown.hunks[h]
  usePatches.setState({ file: f, target: target(h, true) })
  const where = f === file ? '' : ` in ${shown.path}`
  announce(`Hunk ${h + 1} of ${shown.hunks.length}${where}, ${hunk ? hunkRange(hunk) : ''}`)
}

/** After a layout change: the same hunk again, focused only when the keyboard was in the diff. */
export function retarget(): void {
  const { target: current } = usePatches.getState()
  if (current) usePatches.setState({ target: target(current.hunk, focusInDetail()) })
}
