// The signed-in console: header, the current view, the status bar, toasts, overlays, and the
// global key handler fed by the keymap registry.
import { useEffect, useState } from 'react'
import { createDispatcher } from '../keyboard/dispatcher'
import { StatusBar } from '../statusbar/StatusBar'
import { focusHome } from '../ui/focus'
import { Toasts } from '../ui/Toasts'
import { AppHeader } from './AppHeader'
import { registerAppCommands } from './commands'
import { Overlays } from './Overlays'
import { useRouter } from '../state/router-store'
import { viewById } from './views'
import { startSignedIn } from './wiring'
import './layout.css'

export function Workspace() {
  const view = useRouter((s) => s.view)
  const [pending, setPending] = useState<string | null>(null)

  useEffect(() => startSignedIn(), [])
  useEffect(() => registerAppCommands(), [])
  useEffect(() => {
    const dispatcher = createDispatcher({ onPendingChange: setPending })
    const handler = (e: KeyboardEvent) => dispatcher.handle(e)
    window.addEventListener('keydown', handler)
    return () => window.removeEventListener('keydown', handler)
  }, [])
  // A new view takes the focus to its home element, so keys work at once.
  useEffect(() => {
    requestAnimationFrame(() => focusHome())
  }, [view])

  const { Component, title } = viewById(view)
  return (
    <div className="workspace">
      <AppHeader />
      <main className="view" aria-label={title}>
        <Component />
      </main>
      {pending && (
        <div className="key-hint" aria-hidden="true">
          <kbd>{pending.toUpperCase()}</kbd> then…
        </div>
      )}
      <Toasts />
      <StatusBar />
      <Overlays />
    </div>
  )
}
