// Shows the decision dialog the overlay store names, for the items it names.
import { useEffect } from 'react'
import { closeOverlay, useOverlay } from '../state/overlay-store'
import { ensureDetail, useDetails } from '../detail/detail-store'
import { itemsById } from '../inbox/inbox-store'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import { EditDialog } from './EditDialog'
import { ReasonDialog } from './ReasonDialog'
import { RejectDialog } from './RejectDialog'
import { SnoozeDialog } from './SnoozeDialog'
import { submitEscalate, submitMessage, submitReject } from './actions'
import { DelegateDialog } from './DelegateDialog'
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
  if (!item) return <Gone onClose={closeOverlay} />
  return <DelegateDialog item={item} onClose={closeOverlay} />
}

/**
 * A refused text-box command: the dialog the key would have opened, holding the refusal instead of
 * a field. The focus sits on the explanation, so whatever the reviewer goes on typing stays here.
 */
function RefusedDialog({ title, subject, message }: { title: string; subject: string; message: string }) {
  return (
    <Dialog title={title} description={subject} onClose={closeOverlay}>
      <p className="refusal" role="alert" tabIndex={-1} data-autofocus data-testid="refusal">
        {message}
      </p>
      <p className="muted">Nothing will be sent.</p>
      <div className="dialog-actions">
        <button type="button" onClick={closeOverlay}>
          Close <Keys binding="escape" />
        </button>
      </div>
    </Dialog>
  )
}

export function DecisionDialogs() {
  const overlay = useOverlay((s) => s.overlay)
  if (!overlay) return null
  switch (overlay.kind) {
    case 'reject': {
      const items = itemsById(overlay.approvalIds)
      if (items.length === 0) return <Gone onClose={closeOverlay} />
      return (
        <RejectDialog
          title={items.length > 1 ? `Reject ${items.length} requests` : 'Reject'}
          description={items.length === 1 ? items[0]?.title : `${items.length} selected requests`}
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
          onSubmit={(body) => submitMessage(item, body)}
          onClose={closeOverlay}
        />
      )
    }
    case 'refused':
      return <RefusedDialog title={overlay.title} subject={overlay.subject} message={overlay.message} />
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
