// The renderer's entry: makes sure `window.api` exists (the preload sets it in Electron; in a
// browser the web shell's bridge is installed first), then renders the console.
// The base styles come first so each feature's own CSS, imported by its components, refines them.
import './ui/tokens.css'
import './ui/base.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { inboxDiagnostics } from './inbox/inbox-store'

async function boot(): Promise<void> {
  if (!(window as { api?: unknown }).api) {
    const { installWebBridge } = await import('../../web/bridge/install')
    installWebBridge()
    // The web shell is the development and test shell (never packaged): there, what the inbox's
    // refresh machinery is doing can be read, so a test that waits on the list can say why.
    Object.defineProperty(window, 'consoleDiagnostics', { value: Object.freeze({ inbox: inboxDiagnostics }), enumerable: false })
  }
  const root = document.getElementById('root')
  if (!root) throw new Error('index.html has no #root')
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}

void boot()
