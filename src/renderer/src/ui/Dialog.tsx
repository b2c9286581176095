// A modal dialog: traps Tab inside, closes on Esc, keeps every key from the page behind it, and
// gives the focus back to where it was (or to the view's home element) when it closes.
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { useModalLayer } from '../keyboard/layers'
import { useFocusInside } from './focus'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

interface DialogProps {
  title: string
  description?: ReactNode
  onClose: () => void
  children: ReactNode
  className?: string
  /** Accessible name when the visible title should not be shown. */
  hideTitle?: boolean
}

export function Dialog({ title, description, onClose, children, className, hideTitle }: DialogProps) {
  useModalLayer(true)
  const ref = useRef<HTMLDivElement>(null)
  const titleId = useId()
  const descId = useId()

  // The focus is inside before the dialog is painted, so the first keys a fast reviewer types (a
  // reason, ⌘/Ctrl+Enter) land in it rather than on the row behind.
  useFocusInside(ref, (root) => root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>(FOCUSABLE))

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    e.stopPropagation()
    if (e.key === 'Escape') {
      e.preventDefault()
      onClose()
      return
    }
    if (e.key !== 'Tab' || !ref.current) return
    const nodes = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((n) => n.offsetParent !== null)
    const first = nodes[0]
    const last = nodes[nodes.length - 1]
    if (!first || !last) {
      e.preventDefault()
      return
    }
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        className={`dialog ${className ?? ''}`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className={hideTitle ? 'visually-hidden' : 'dialog-title'}>
          {title}
        </h2>
        {description && (
          <div id={descId} className="dialog-description">
            {description}
          </div>
        )}
        {children}
      </div>
    </div>
  )
}
