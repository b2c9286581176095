// How diffs are laid out — one unified column or old and new side by side — chosen once for every
// diff in the console and kept for the session.
import { create } from 'zustand'

export type DiffLayout = 'unified' | 'split'

export const useDiffLayout = create<{ layout: DiffLayout }>(() => ({ layout: 'unified' }))

export function toggleDiffLayout(): DiffLayout {
  const layout = useDiffLayout.getState().layout === 'unified' ? 'split' : 'unified'
  useDiffLayout.setState({ layout })
  return layout
}

export const LAYOUT_LABEL: Record<DiffLayout, string> = { unified: 'Unified', split: 'Side by side' }
