// Sign-in: email and password, or one click on a demo reviewer when connected to the local stack.
// The backend can be changed here before signing in.
import { useState, type FormEvent } from 'react'
import { SettingsForm } from '../settings/SettingsForm'
import { signIn, useSession } from '../state/session-store'
import './signin.css'

export function SignInScreen() {
  const session = useSession((s) => s.session)
  const busy = useSession((s) => s.busy)
  const error = useSession((s) => s.error)
  const [email, setEmail] = useState(session?.user?.email ?? '')
  const [password, setPassword] = useState('')
  const [showBackend, setShowBackend] = useState(false)
  const demoPassword = session?.demoPassword ?? null

  const submit = (e: FormEvent) => {
    e.preventDefault()
    void signIn(email.trim(), password)
  }

  return (
    <main className="signin">
      <div className="signin-card">
        <h1>Operator Console</h1>
        <p className="muted">Review what your agents ask to do.</p>
        {session?.status === 'sign_in_required' && (
          <p className="banner banner-warning" role="alert">
            Your session ended. Sign in again; your queued decisions are kept.
          </p>
        )}
        <form onSubmit={submit} aria-label="Sign in">
          <label className="field">
            <span>Email</span>
            <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required data-autofocus autoFocus />
          </label>
          <label className="field">
            <span>Password</span>
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          {error && (
            <p className="banner banner-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        {session && session.demoUsers.length > 0 && demoPassword && (
          <section className="demo-users" aria-label="Demo reviewers">
            <h2>Demo reviewers on the local stack</h2>
            <ul>
              {session.demoUsers.map((u) => (
                <li key={u.email}>
                  <button type="button" disabled={busy} onClick={() => void signIn(u.email, demoPassword)} data-testid="demo-user">
                    <span className="demo-label">{u.label}</span>
                    <span className="muted">{u.email}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        <p className="backend-line">
          <span className="muted">Backend: </span>
          <code>{session?.backend.url ?? '…'}</code>
          {session?.backend.isLocalStack && <span className="tag">local stack</span>}{' '}
          <button type="button" className="link" aria-expanded={showBackend} onClick={() => setShowBackend((v) => !v)}>
            {showBackend ? 'Hide settings' : 'Change'}
          </button>
        </p>
        {showBackend && <SettingsForm showPreferences={false} />}
      </div>
    </main>
  )
}
