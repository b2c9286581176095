// Unified or side by side: one choice for every diff, shown as two pressed/unpressed buttons.
import { Keys } from '../ui/Kbd'
import { LAYOUT_LABEL, useDiffLayout, type DiffLayout } from './diff-layout'

const LAYOUTS: readonly DiffLayout[] = ['unified', 'split']

export function LayoutToggle({ binding }: { binding?: string }) {
  const layout = useDiffLayout((s) => s.layout)
  return (
    <div className="diff-layout-toggle" role="group" aria-label="Diff layout" data-testid="diff-layout">
      {LAYOUTS.map((l) => (
        <button
          key={l}
          type="button"
          className="chip"
          aria-pressed={layout === l}
          onClick={() => useDiffLayout.setState({ layout: l })}
        >
          {LAYOUT_LABEL[l]}
        </button>
      ))}
      {binding && <Keys binding={binding} />}
    </div>
  )
}
