// The header: the tenant switcher, the views as tabs with their badges (within the tenant scope)
// and keys, and the palette, help and settings.
import { useEffect } from 'react'
import { useCounts } from '../state/counts-store'
import { go, useRouter } from '../state/router-store'
import { openOverlay } from '../state/overlay-store'
import { TenantSwitcher } from '../tenants/TenantSwitcher'
import { VIEWS } from './views'
import { useSession } from '../state/session-store'
import { bindingText } from '../keyboard/chords'

export function AppHeader() {
  const view = useRouter((s) => s.view)
  const counts = useCounts((s) => s.counts)
  const user = useSession((s) => s.session?.user)
  const inbox = counts?.inbox ?? 0
  useEffect(() => {
    document.title = inbox > 0 ? `(${inbox.toLocaleString()}) Operator Console` : 'Operator Console'
  }, [inbox])
  return (
    <header className="app-header">
      <span className="brand">Operator Console</span>
      <TenantSwitcher />
      <nav aria-label="Views">
        <ul className="tabs">
          {VIEWS.filter((v) => v.inNav).map((v) => {
            const badge = counts && v.badge ? v.badge(counts) : null
            return (
              <li key={v.id}>
                <button
                  type="button"
                  className="tab"
                  aria-current={view === v.id ? 'page' : undefined}
                  onClick={() => go(v.id)}
                  title={`${v.title} (${bindingText(v.binding)})`}
                  data-testid={`tab-${v.id}`}
                >
                  {v.title}
                  {badge && badge.count > 0 && (
                    <span className={`badge${badge.alert ? ' badge-alert' : ''}`}>
                      {badge.count.toLocaleString()}
                      {badge.alert && <span className="visually-hidden"> including refusals</span>}
                    </span>
                  )}
                </button>
              </li>
            )
          })}
        </ul>
      </nav>
      <span className="header-spacer" />
      <button type="button" className="ghost" onClick={() => openOverlay({ kind: 'palette' })} title="Command palette">
        <span className="header-commands-label">Commands</span> <kbd>{bindingText('mod+k')}</kbd>
      </button>
      <button type="button" className="ghost" onClick={() => openOverlay({ kind: 'help' })} title="Keyboard shortcuts (?)">
        <kbd>?</kbd>
        <span className="visually-hidden">Keyboard shortcuts</span>
      </button>
      <button type="button" className="ghost" onClick={() => go('settings')} aria-current={view === 'settings' ? 'page' : undefined}>
        {user?.fullName ?? user?.email ?? 'Settings'}
      </button>
    </header>
  )
}
