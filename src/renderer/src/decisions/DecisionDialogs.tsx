// Shows the decision dialog the overlay store names, for the items it names.
import { useEffect, useState } from 'react'
import { closeOverlay, useOverlay } from '../app/overlay-store'
import { ensureDetail, useDetails } from '../detail/detail-store'
import { itemsById } from '../inbox/inbox-store'
import { Dialog } from '../ui/Dialog'
import { CONFIRM_RISK } from '../../../shared/confirm-risk'
import { EditDialog } from './EditDialog'
import { ReasonDialog } from './ReasonDialog'
import { SnoozeDialog } from './SnoozeDialog'
import { submitDelegate, submitEscalate, submitMessage, submitReject } from './actions'
import './dialogs.css'

function Gone({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Request no longer here" onClose={onClose}>
      <p>It was decided or changed meanwhile.</p>
      <div className="dialog-actions">
        <button type="button" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  )
}

function EditHost({ approvalId }: { approvalId: string }) {
  const item = itemsById([approvalId])[0]
  const entry = useDetails((s) => s.entries.get(approvalId))
  useEffect(() => ensureDetail(approvalId), [approvalId])
  if (!item) return <Gone onClose={closeOverlay} />
  if (!entry?.detail) {
    return (
      <Dialog title="Approve with edits" onClose={closeOverlay}>
        <p aria-busy="true">{entry?.error ?? 'Reading the request…'}</p>
      </Dialog>
    )
  }
  return <EditDialog item={item} detail={entry.detail} onClose={closeOverlay} />
}

function DelegateHost({ approvalId }: { approvalId: string }) {
  const item = itemsById([approvalId])[0]
  const [delegate, setDelegate] = useState('')
  if (!item) return <Gone onClose={closeOverlay} />
  return (
    <ReasonDialog
      title="Delegate"
      description={item.title}
      label="Note"
      submitLabel="Delegate"
      required={false}
      canSubmit={() => (delegate.trim() ? null : 'Name the colleague to hand it to.')}
      onSubmit={(note) => submitDelegate(item, delegate.trim(), note)}
      onClose={closeOverlay}
    >
      <label className="field">
        <span>Delegate to (name or email)</span>
        <input value={delegate} onChange={(e) => setDelegate(e.target.value)} data-autofocus />
      </label>
    </ReasonDialog>
  )
}

export function DecisionDialogs() {
  const overlay = useOverlay((s) => s.overlay)
  if (!overlay) return null
  switch (overlay.kind) {
    case 'reject': {
      const items = itemsById(overlay.approvalIds)
      if (items.length === 0) return <Gone onClose={closeOverlay} />
      const high = items.some((i) => i.riskLevel >= CONFIRM_RISK)
      return (
        <ReasonDialog
          title={items.length > 1 ? `Reject ${items.length} requests` : 'Reject'}
          description={items.length === 1 ? items[0]?.title : `${items.length} selected requests`}
          label="Reason"
          submitLabel="Reject"
          required={high}
          requiredMessage={`A reason is required to reject at risk ${CONFIRM_RISK} or higher.`}
          onSubmit={(reason) => submitReject(items, reason)}
          onClose={closeOverlay}
        />
      )
    }
    case 'escalate': {
      const item = itemsById([overlay.approvalId])[0]
      if (!item) return <Gone onClose={closeOverlay} />
      return (
        <ReasonDialog
          title="Escalate"
          description={item.title}
          label="Why escalate"
          submitLabel="Escalate"
          required
          requiredMessage="Say what the next reviewer should look at."
          onSubmit={(reason) => submitEscalate(item, reason)}
          onClose={closeOverlay}
        />
      )
    }
    case 'message': {
      const item = itemsById([overlay.approvalId])[0]
      if (!item) return <Gone onClose={closeOverlay} />
      return (
        <ReasonDialog
          title={`Message ${item.agentName ?? 'the agent'}`}
          description={item.title}
          label="Message"
          submitLabel="Send"
          required
          requiredMessage="Write a message first."
          onSubmit={(body) => void submitMessage(item, body)}
          onClose={closeOverlay}
        />
      )
    }
    case 'delegate':
      return <DelegateHost approvalId={overlay.approvalId} />
    case 'edit':
      return <EditHost approvalId={overlay.approvalId} />
    case 'snooze': {
      const items = itemsById(overlay.approvalIds)
      if (items.length === 0) return <Gone onClose={closeOverlay} />
      return <SnoozeDialog items={items} onClose={closeOverlay} />
    }
    default:
      return null
  }
}
