// The reviewer's session as the core reports it: signed out, signed in, or asked to sign in again
// (a refused refresh keeps the queue).
import { create } from 'zustand'
import type { SessionState } from '../../../shared/contract'
import { call, errorCode, errorMessage } from './api'
import { resetCounts } from './counts-store'
import { useTenantScope } from './tenant-scope'
import { loadSettings, useSettings } from './settings-store'

interface SessionStore {
  session: SessionState | null
  busy: boolean
  error: string | null
}

export const useSession = create<SessionStore>(() => ({ session: null, busy: false, error: null }))

export async function loadSession(): Promise<void> {
  try {
    useSession.setState({ session: await call('session.get', {}), error: null })
  } catch (err) {
    useSession.setState({ error: errorMessage(err) })
  }
}

export async function signIn(email: string, password: string): Promise<boolean> {
  useSession.setState({ busy: true, error: null })
  try {
    const session = await call('session.signIn', { email, password })
    await setSession(session)
    useSession.setState({ busy: false })
    return session.status === 'signed_in'
  } catch (err) {
    useSession.setState({ busy: false, error: errorMessage(err) })
    return false
  }
}

/** Signs out; `queue_not_empty` comes back as 'confirm' so the caller can ask before forcing. */
export async function signOut(force = false): Promise<'done' | 'confirm' | 'failed'> {
  try {
    const session = await call('session.signOut', { force })
    await setSession(session)
    return 'done'
  } catch (err) {
    if (errorCode(err) === 'queue_not_empty') return 'confirm'
    useSession.setState({ error: errorMessage(err) })
    return 'failed'
  }
}

/**
 * Adopts the core's session. When the reviewer changes (sign-out, another user), nothing of the
 * previous one survives: counts are dropped and the settings (last view, tenant scope, which the
 * core forgets) are read again before the workspace opens on them.
 */
export async function setSession(session: SessionState): Promise<void> {
  const before = useSession.getState().session
  const changed = before?.user?.id !== session.user?.id || (before?.status === 'signed_in') !== (session.status === 'signed_in')
  if (changed && before) {
    resetCounts()
    await loadSettings()
    useTenantScope.setState({ tenantId: useSettings.getState().settings?.tenantScope ?? null })
  }
  useSession.setState({ session })
}
