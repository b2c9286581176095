// Renders the toasts above the status bar and retires them when their time is up. Their words are
// announced by the live region (toast-store), so this region itself stays quiet.
import { useEffect } from 'react'
import { dismissToast, expireToasts, useToasts } from '../state/toast-store'
import { Keys } from './Kbd'

/** More would cover the list the reviewer is working through; the newest are the ones shown. */
const MAX_VISIBLE = 2

export function Toasts() {
  const all = useToasts((s) => s.toasts)
  const toasts = all.slice(-MAX_VISIBLE)
  const hidden = all.length - toasts.length
  useEffect(() => {
    if (all.length === 0) return
    const timer = setInterval(() => expireToasts(), 250)
    return () => clearInterval(timer)
  }, [all.length])
  return (
    <div className="toasts" aria-live="off">
      {hidden > 0 && (
        <div className="toast-more muted" data-testid="toast-more">
          +{hidden} earlier
        </div>
      )}
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast" data-tone={t.tone}>
          <span className="toast-icon" aria-hidden="true">
            {t.tone === 'success' ? '✓' : t.tone === 'error' ? '×' : t.tone === 'warning' ? '!' : 'i'}
          </span>
          <div className="toast-text">
            <div className="toast-message">{t.message}</div>
            {t.detail && <div className="toast-detail">{t.detail}</div>}
          </div>
          {t.action && (
            <button
              type="button"
              className="toast-action"
              onClick={() => {
                t.action?.run()
                dismissToast(t.id)
              }}
            >
              {t.action.label}
              {t.action.binding && <Keys binding={t.action.binding} />}
            </button>
          )}
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
