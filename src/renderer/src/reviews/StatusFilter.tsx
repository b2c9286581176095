// The status filter of a review view (open / resolved / all …): a radio group whose options show
// their key; the keys themselves are commands (review-commands.ts), so they are in the palette and `?`.
import type { KeyboardEvent } from 'react'
import { Keys } from '../ui/Kbd'

export interface StatusOption<S extends string> {
  value: S
  /** The option's label: "Open". */
  label: string
  /** The command's words after "Show": "open escalations". */
  title: string
  binding: string
}

interface StatusFilterProps<S extends string> {
  options: readonly StatusOption<S>[]
  value: S
  onChange: (value: S) => void
}

export function StatusFilter<S extends string>({ options, value, onChange }: StatusFilterProps<S>) {
  // A radio group moves with ← / → (↑ / ↓ are the page's next / previous item).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return
    e.preventDefault()
    const at = options.findIndex((o) => o.value === value)
    const next = options[(at + (e.key === 'ArrowRight' ? 1 : options.length - 1)) % options.length]
    if (!next) return
    onChange(next.value)
    e.currentTarget.querySelector<HTMLElement>(`[data-value="${next.value}"]`)?.focus()
  }
  return (
    <div className="status-filter" role="radiogroup" aria-label="Status" onKeyDown={onKeyDown}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={o.value === value}
          tabIndex={o.value === value ? 0 : -1}
          onClick={() => onChange(o.value)}
          data-value={o.value}
          data-testid={`status-${o.value}`}
        >
          {o.label} <Keys binding={o.binding} />
        </button>
      ))}
    </div>
  )
}
