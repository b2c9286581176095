// A dialog that asks for one piece of text — a reject reason, an escalation note, a message —
// submitted with Ctrl/⌘+Enter. The reason can be required (rejecting at risk ≥ 4). Reject adds its
// quick picks above the text (children) with their own keys (onKeyDown).
import { useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'

export interface ReasonDialogProps {
  title: string
  /** What the text is about (what is being reviewed), shown under the title. */
  description?: ReactNode
  label: string
  submitLabel: string
  required: boolean
  /** Shown when a required text is missing. */
  requiredMessage?: string
  onSubmit: (text: string) => void
  onClose: () => void
  /** Extra fields above the text (e.g. reject's quick picks); their values are the caller's. */
  children?: ReactNode
  canSubmit?: () => string | null
  /** The caller's own keys: true when the key changed the answer (it is then consumed). */
  onKeyDown?: (e: KeyboardEvent) => boolean
}

export function ReasonDialog(props: ReasonDialogProps) {
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const submit = (e?: FormEvent) => {
    e?.preventDefault()
    const extra = props.canSubmit?.() ?? null
    if (extra) return setProblem(extra)
    if (props.required && text.trim() === '') return setProblem(props.requiredMessage ?? 'Please give a reason.')
    props.onClose()
    props.onSubmit(text.trim())
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault()
      submit()
    } else if (props.onKeyDown?.(e)) {
      e.preventDefault()
      setProblem(null)
    }
  }
  return (
    <Dialog title={props.title} description={props.description} onClose={props.onClose}>
      {/* Any change to the answer, in the text or the caller's fields, answers the complaint. */}
      <form onSubmit={submit} onKeyDown={onKeyDown} onChange={() => setProblem(null)}>
        {props.children}
        <label className="field">
          <span>
            {props.label}
            {props.required ? ' (required)' : ' (optional)'}
          </span>
          <textarea
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-autofocus
            aria-invalid={problem !== null}
            maxLength={4000}
          />
        </label>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel <Keys binding="escape" />
          </button>
          <button type="submit" className="primary">
            {props.submitLabel} <Keys binding="mod+enter" />
          </button>
        </div>
      </form>
    </Dialog>
  )
}
