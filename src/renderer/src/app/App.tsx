// The root: waits for the session, then shows sign-in or the workspace; applies the theme and
// keeps the live region mounted in both.
import { useEffect } from 'react'
import { Workspace } from './Workspace'
import { startAlways } from './wiring'
import { useTheme } from './theme'
import { SignInScreen } from '../signin/SignInScreen'
import { loadSession, useSession } from '../state/session-store'
import { LiveRegion } from '../ui/LiveRegion'

export function App() {
  const session = useSession((s) => s.session)
  const error = useSession((s) => s.error)
  useTheme()
  useEffect(() => {
    const stop = startAlways()
    void loadSession()
    return stop
  }, [])
  return (
    <>
      {session === null ? (
        <div className="splash" aria-busy="true">
          {error ?? 'Opening the console…'}
        </div>
      ) : session.status === 'signed_in' ? (
        <Workspace key={session.user?.id ?? 'user'} />
      ) : (
        <SignInScreen />
      )}
      <LiveRegion />
    </>
  )
}
