// Sign-out confirmation: lists the decisions that signing out would lose — those still waiting to be
// sent and those the server refused that the reviewer has not read — before anything is deleted.
import { useEffect, useState } from 'react'
import type { Intent } from '../../../shared/contract-domain'
import { closeOverlay } from '../state/overlay-store'
import { go } from '../state/router-store'
import { refreshQueue, useQueue } from '../queue/queue-store'
import { Dialog } from '../ui/Dialog'
import { signOut } from '../state/session-store'

const REFUSED = new Set<Intent['state']>(['rejected', 'conflict'])

function LostDecisions({ intents }: { intents: readonly Intent[] }) {
  const refused = intents.filter((i) => REFUSED.has(i.state))
  const unsent = intents.filter((i) => !REFUSED.has(i.state))
  return (
    <div className="banner banner-warning" data-testid="signout-lost">
      <p>Signing out deletes the local replica. These decisions would be lost:</p>
      {unsent.length > 0 && (
        <>
          <h3>Not sent yet ({unsent.length})</h3>
          <ul>
            {unsent.map((i) => (
              <li key={i.clientMutationId}>{i.label}</li>
            ))}
          </ul>
        </>
      )}
      {refused.length > 0 && (
        <>
          <h3>Refused by the server, not yet read ({refused.length})</h3>
          <ul>
            {refused.map((i) => (
              <li key={i.clientMutationId}>
                {i.label}
                {i.refusal ? ` — ${i.refusal.message}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}

export function SignOutDialog() {
  const intents = useQueue((s) => s.intents)
  const loaded = useQueue((s) => s.loaded)
  const [forced, setForced] = useState(false)
  useEffect(() => void refreshQueue(), [])
  const atRisk = intents.length > 0 || forced
  const leave = async () => {
    const r = await signOut(atRisk)
    if (r === 'confirm') {
      // The core knows of decisions this list did not show yet: show them before asking again.
      await refreshQueue()
      setForced(true)
    } else if (r === 'done') closeOverlay()
  }
  const review = () => {
    closeOverlay()
    go('queue')
  }
  return (
    <Dialog title="Sign out" onClose={closeOverlay}>
      {intents.length > 0 ? <LostDecisions intents={intents} /> : <p>Your local replica is removed from this computer.</p>}
      <div className="dialog-actions">
        <button type="button" onClick={closeOverlay} data-autofocus>
          Stay signed in
        </button>
        {intents.length > 0 && (
          <button type="button" onClick={review}>
            Open the Queue
          </button>
        )}
        <button type="button" className={atRisk ? 'danger' : 'primary'} onClick={() => void leave()} disabled={!loaded}>
          {atRisk ? 'Sign out and discard' : 'Sign out'}
        </button>
      </div>
    </Dialog>
  )
}
