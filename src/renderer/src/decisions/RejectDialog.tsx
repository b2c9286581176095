// Reject always asks why: a quick pick the agent can act on (wrong amount, wrong counterparty,
// policy, duplicate, needs info — Alt+1…5, so the reason box keeps every digit) and the reviewer's
// words; at least one of them. The box has the focus, so a reason can be typed at once; ⌘/Ctrl+Enter
// submits.
import { useState, type FormEvent, type KeyboardEvent } from 'react'
import { REJECT_REASON_CODES, REJECT_REASONS, encodeRejectReason, type RejectReasonCode } from '../../../shared/reject-reasons'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'

export interface RejectDialogProps {
  title: string
  description?: string
  onSubmit: (reason: string) => void
  onClose: () => void
}

export function RejectDialog(props: RejectDialogProps) {
  const [code, setCode] = useState<RejectReasonCode | null>(null)
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<string | null>(null)

  const submit = (e?: FormEvent) => {
    e?.preventDefault()
    if (!code && text.trim() === '') {
      setProblem('A reason is required: pick what is wrong (Alt+1…5) or say it in words, so the agent learns from it.')
      return
    }
    props.onClose()
    props.onSubmit(encodeRejectReason(code, text))
  }
  const pick = (c: RejectReasonCode) => {
    setCode(c)
    setProblem(null)
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault()
      submit()
      return
    }
    // e.code, not e.key: Alt+digit types another character on some layouts (⌥1 is ¡ on a Mac).
    const digit = /^Digit([1-9])$/.exec(e.code)?.[1]
    const c = digit && e.altKey && !e.ctrlKey && !e.metaKey ? REJECT_REASON_CODES[Number(digit) - 1] : undefined
    if (c) {
      e.preventDefault()
      pick(c)
    }
  }
  return (
    <Dialog title={props.title} description={props.description} onClose={props.onClose}>
      <form onSubmit={submit} onKeyDown={onKeyDown}>
        <fieldset className="reason-picks">
          <legend>What is wrong</legend>
          {REJECT_REASON_CODES.map((c, i) => (
            <label key={c} className="reason-pick">
              <input
                type="radio"
                name="reject-reason"
                value={c}
                checked={code === c}
                onChange={() => pick(c)}
              />
              {REJECT_REASONS[c]} <Keys binding={`alt+${i + 1}`} />
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Reason for the agent{code ? ' (optional)' : ''}</span>
          <textarea
            rows={3}
            data-autofocus
            value={text}
            onChange={(e) => {
              setText(e.target.value)
              setProblem(null)
            }}
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
            Reject <Keys binding="mod+enter" />
          </button>
        </div>
      </form>
    </Dialog>
  )
}
