// Sign-out confirmation: warns when decisions are still queued (they would not be sent).
import { useState } from 'react'
import { closeOverlay } from '../app/overlay-store'
import { useSync } from '../statusbar/sync-store'
import { Dialog } from '../ui/Dialog'
import { signOut } from './session-store'

export function SignOutDialog() {
  const depth = useSync((s) => s.status?.queueDepth ?? 0)
  const [needsForce, setNeedsForce] = useState(depth > 0)
  const go = async () => {
    const r = await signOut(needsForce)
    if (r === 'confirm') setNeedsForce(true)
    else closeOverlay()
  }
  return (
    <Dialog title="Sign out" onClose={closeOverlay}>
      {needsForce ? (
        <p className="banner banner-warning">
          {depth > 0 ? `${depth} decision${depth === 1 ? ' is' : 's are'}` : 'Decisions are'} still waiting to be sent. Signing out now
          deletes the local replica and they will not reach the server.
        </p>
      ) : (
        <p>Your local replica is removed from this computer.</p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={closeOverlay} data-autofocus>
          Stay signed in
        </button>
        <button type="button" className={needsForce ? 'danger' : 'primary'} onClick={() => void go()}>
          {needsForce ? 'Sign out and discard' : 'Sign out'}
        </button>
      </div>
    </Dialog>
  )
}
