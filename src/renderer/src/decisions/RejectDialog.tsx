// Reject always asks why: a quick pick the agent can act on (wrong amount, wrong counterparty,
// policy, duplicate, needs info — Alt+1…5, so the reason box keeps every digit) and the reviewer's
// words; at least one of them. The box has the focus, so a reason can be typed at once; ⌘/Ctrl+Enter
// submits (ReasonDialog, with the picks above its text).
import { useState, type KeyboardEvent } from 'react'
import { REJECT_REASON_CODES, REJECT_REASONS, encodeRejectReason, type RejectReasonCode } from '../../../shared/reject-reasons'
import { Keys } from '../ui/Kbd'
import { ReasonDialog } from './ReasonDialog'

export interface RejectDialogProps {
  title: string
  description?: string
  onSubmit: (reason: string) => void
  onClose: () => void
}

export function RejectDialog(props: RejectDialogProps) {
  const [code, setCode] = useState<RejectReasonCode | null>(null)
  const pickByKey = (e: KeyboardEvent): boolean => {
    // e.code, not e.key: Alt+digit types another character on some layouts (⌥1 is ¡ on a Mac).
    const digit = /^Digit([1-9])$/.exec(e.code)?.[1]
    const c = digit && e.altKey && !e.ctrlKey && !e.metaKey ? REJECT_REASON_CODES[Number(digit) - 1] : undefined
    if (c) setCode(c)
    return c !== undefined
  }
  return (
    <ReasonDialog
      title={props.title}
      description={props.description}
      label="Reason for the agent"
      submitLabel="Reject"
      required={code === null}
      requiredMessage="A reason is required: pick what is wrong (Alt+1…5) or say it in words, so the agent learns from it."
      onSubmit={(text) => props.onSubmit(encodeRejectReason(code, text))}
      onClose={props.onClose}
      onKeyDown={pickByKey}
    >
      <fieldset className="reason-picks">
        <legend>What is wrong</legend>
        {REJECT_REASON_CODES.map((c, i) => (
          <label key={c} className="reason-pick">
            <input type="radio" name="reject-reason" value={c} checked={code === c} onChange={() => setCode(c)} />
            {REJECT_REASONS[c]} <Keys binding={`alt+${i + 1}`} />
          </label>
        ))}
      </fieldset>
    </ReasonDialog>
  )
}
