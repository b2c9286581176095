// Settings: the Supabase backend (URL and anon key), theme, and the hold window for undo. Used as
// a view when signed in and on the sign-in screen to point the console at another backend.
import { useState, type FormEvent } from 'react'
import type { Settings } from '../../../shared/contract'
import { showToast } from '../state/toast-store'
import { updateSettings, useSettings } from '../state/settings-store'
import { useSession } from '../state/session-store'

type Theme = Settings['theme']

export function SettingsForm({ showBackend = true, showPreferences = true }: { showBackend?: boolean; showPreferences?: boolean }) {
  const settings = useSettings((s) => s.settings)
  const backend = useSession((s) => s.session?.backend)
  const [url, setUrl] = useState(settings?.supabaseUrl ?? '')
  const [anonKey, setAnonKey] = useState(settings?.supabaseAnonKey ?? '')
  const [hold, setHold] = useState(String(settings?.holdSeconds ?? 5))
  const [error, setError] = useState<string | null>(null)
  if (!settings) return <p className="muted">Loading settings…</p>

  const saveBackend = async (e: FormEvent) => {
    e.preventDefault()
    const err = await updateSettings({ supabaseUrl: url.trim() || null, supabaseAnonKey: anonKey.trim() || null })
    setError(err)
    if (!err) showToast({ tone: 'success', message: 'Backend saved', ms: 3000 })
  }
  const saveTheme = (theme: Theme) => void updateSettings({ theme })
  const saveHold = async (value: string) => {
    setHold(value)
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0 || n > 60) {
      setError('The hold window is a whole number of seconds from 0 to 60.')
      return
    }
    setError(await updateSettings({ holdSeconds: n }))
  }

  return (
    <div className="settings-form">
      {showBackend && (
        <form onSubmit={saveBackend} className="form-section" aria-label="Backend">
          <h2>Backend</h2>
          <label className="field">
            <span>Supabase URL</span>
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://xyz.supabase.co" autoComplete="off" />
          </label>
          <label className="field">
            <span>Anon key</span>
            <input value={anonKey} onChange={(e) => setAnonKey(e.target.value)} autoComplete="off" spellCheck={false} />
          </label>
          <p className="muted">
            Now connected to <code>{backend?.url ?? '…'}</code>
            {backend?.isLocalStack ? ' (the local stack)' : ''}. Leave both empty to use the local stack.
          </p>
          <button type="submit">Save backend</button>
        </form>
      )}
      {showPreferences && (
        <div className="form-section">
          <h2>Appearance and decisions</h2>
          <fieldset className="field">
            <legend>Theme</legend>
            <div className="radios">
              {(['system', 'light', 'dark'] as const).map((t) => (
                <label key={t}>
                  <input type="radio" name="theme" value={t} checked={settings.theme === t} onChange={() => saveTheme(t)} />{' '}
                  {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="field">
            <span>Hold window (seconds to undo before a decision is sent; doubled at risk 4 and 5)</span>
            <input type="number" min={0} max={60} value={hold} onChange={(e) => void saveHold(e.target.value)} />
          </label>
        </div>
      )}
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
