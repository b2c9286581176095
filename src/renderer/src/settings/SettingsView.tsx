// The Settings view, with sign-out (which warns when decisions are still queued).
import { openOverlay } from '../state/overlay-store'
import { useSession } from '../state/session-store'
import { SettingsForm } from './SettingsForm'

export function SettingsView() {
  const user = useSession((s) => s.session?.user)
  return (
    <div className="page settings-view">
      <h1 tabIndex={-1} data-home-focus>
        Settings
      </h1>
      <SettingsForm />
      <div className="form-section">
        <h2>Account</h2>
        <p>
          Signed in as <strong>{user?.fullName ?? user?.email}</strong> <span className="muted">{user?.email}</span>
        </p>
        <button type="button" onClick={() => openOverlay({ kind: 'signout' })}>
          Sign out…
        </button>
      </div>
    </div>
  )
}
