// The Electron main process: one instance, one hardened window, the core started in its own
// utility process for the stored session, the contract bound to IPC (checked here, run there),
// deep links, badge, notifications and menu — and a quit that waits for the core to close its
// replica cleanly. A core that dies is started again and the window is told (core.restarted).
import { app, dialog, ipcMain, Menu, powerMonitor, safeStorage, session, shell, type BrowserWindow } from 'electron'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CallOutcome, EmitEvent, MethodArgs, MethodName } from '../shared/contract'
import { backendFromEnv } from '../core/backend'
import { startCoreHost, type CoreHost } from '../core/thread/host'
import { utilityProcessSpawner } from './core-process'
import { registerAppScheme, serveRenderer } from './app-protocol'
import { deepLinkFromArgv, parseDeepLink, DEEP_LINK_SCHEME, type DeepLinkTarget } from './deep-link'
import { showInboxCount, showNotice } from './desktop'
import { createInboxWatch, type InboxWatch } from './inbox-watch'
import { bindIpc, createEventForwarder, fanOut, type Dispatch } from './ipc'
import { buildMenuTemplate } from './menu'
import { contentSecurityPolicy } from '../shell-common/renderer-assets'
import { createSenderGuard, createUrlPolicy, denyAllPermissions, guardDownloads, hardenContents } from './security'
import { SafeStorageSessionStore } from './session-store'
import { createMainWindow, type MainWindow } from './window'

// The dev server is trusted only in an unpackaged build started by `npm run dev`.
const devServerUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null
const policy = createUrlPolicy({ devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : null })
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url))

let main: MainWindow | null = null
let core: CoreHost | null = null
let watch: InboxWatch | null = null
let unbindIpc: (() => void) | null = null
let pendingTarget: DeepLinkTarget | null = deepLinkFromArgv(process.argv)

const currentWindow = (): BrowserWindow | null => (main && !main.window.isDestroyed() ? main.window : null)
const toRenderer = createEventForwarder(() => currentWindow()?.webContents)
const emit: EmitEvent = fanOut(toRenderer, (event, payload) => watch?.onEvent(event, payload))

const dispatch: Dispatch = (method, args) =>
  core ? core.dispatch(method, args) : Promise.resolve({ ok: false, error: { code: 'internal', message: 'The console is still starting.' } })
const call = <M extends MethodName>(method: M, args: MethodArgs<M>) => dispatch(method, args) as Promise<CallOutcome<M>>

function focusWindow(): void {
  const win = currentWindow()
  if (!win) return
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

function goTo(target: DeepLinkTarget): void {
  if (!currentWindow()) {
    pendingTarget = target
    return
  }
  focusWindow()
  emit('navigate', { view: target.view, approvalId: target.approvalId })
}

function registerDeepLinks(): void {
  // Unpackaged (`electron .`), the OS must be told how to start this app with its entry script.
  // Links are only ever parsed by parseDeepLink: one host, one uuid, nothing else acted on.
  if (process.defaultApp && process.argv[1]) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])]) // eng-disable PROTOCOL_HANDLER_JS_CHECK
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME) // eng-disable PROTOCOL_HANDLER_JS_CHECK
  }
  app.on('open-url', (event, url) => {
    event.preventDefault()
    const target = parseDeepLink(url)
    if (target) goTo(target)
  })
  app.on('second-instance', (_event, argv) => {
    focusWindow()
    const target = deepLinkFromArgv(argv)
    if (target) goTo(target)
  })
}

function installDevCsp(): void {
  if (!devServerUrl) return
  // The dev server sends no CSP; give its pages the dev policy (inline styles and the React
  // refresh preamble allowed). The packaged app's policy comes with every app:// response and
  // sits in the built page; this one is built at run time from the dev origin, so
  // electronegativity cannot read it (its "failed to parse" note is about that, not the policy).
  const origin = new URL(devServerUrl).origin
  const csp = contentSecurityPolicy({ dev: { origin } })
  session.defaultSession.webRequest.onHeadersReceived({ urls: [`${origin}/*`] }, (details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }) // eng-disable CSP_GLOBAL_CHECK
  })
}

async function startCore(): Promise<void> {
  const userDataDir = app.getPath('userData')
  const sessionStore = new SafeStorageSessionStore({
    filePath: join(userDataDir, 'session.bin'),
    safeStorage,
    onRefused: (message) => {
      void dialog.showMessageBox({ type: 'warning', title: 'Sign-in not saved', message: 'Your sign-in will not be remembered', detail: message })
    },
  })
  core = await startCoreHost({
    spawn: utilityProcessSpawner(fileURLToPath(new URL('./core.js', import.meta.url))),
    config: { userDataDir, backend: backendFromEnv(process.env) },
    sessionStore,
    emit,
  })
  watch = createInboxWatch({
    call,
    setBadge: (count) => showInboxCount(count, currentWindow()),
    notify: (notice) => showNotice(notice, (approvalId) => goTo({ view: 'inbox', approvalId })),
  })
  void watch.refresh()
}

async function openWindow(): Promise<void> {
  main = await createMainWindow({ stateFile: join(app.getPath('userData'), 'window-state.json'), devServerUrl })
  // Sync polls about every second while the reviewer looks at the console, slower behind other windows.
  main.window.on('focus', () => core?.setFocused(true))
  main.window.on('blur', () => core?.setFocused(false))
  main.window.webContents.once('did-finish-load', () => {
    const target = pendingTarget
    pendingTarget = null
    if (target) goTo(target)
  })
}

function installMenu(): void {
  const template = buildMenuTemplate(process.platform, app.getName(), {
    navigate: (view) => {
      focusWindow()
      emit('navigate', { view, approvalId: null })
    },
    command: (command) => emit('command', { command }),
    syncNow: () => void call('sync.now', {}),
    toggleWorkOffline: () =>
      void call('sync.status', {}).then(async (status) => {
        if (status.ok) await call('sync.setWorkOffline', { offline: !status.value.workOffline })
      }),
  })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

let shutdown: Promise<void> | null = null
let closed = false

async function closeEverything(): Promise<void> {
  watch?.stop()
  unbindIpc?.()
  await main?.saveState().catch(() => {})
  // A replica mid-write must reach its file; a hung close must not keep the app alive forever.
  await Promise.race([core?.close(), new Promise((r) => setTimeout(r, 5_000))]).catch(() => {})
}

function start(): void {
  registerAppScheme()
  app.enableSandbox()
  registerDeepLinks()
  app.on('web-contents-created', (_event, contents) => {
    // Only what policy.externalUrl lets through reaches openExternal: https, an exact host on the
    // allow-list, no credentials, re-serialised by URL (security.ts, tested with tricky URLs).
    hardenContents(contents, policy, (url) => void shell.openExternal(url)) // eng-disable OPEN_EXTERNAL_JS_CHECK
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (!currentWindow() && core) void openWindow()
  })
  app.on('before-quit', (event) => {
    if (closed) return
    event.preventDefault()
    shutdown ??= closeEverything().finally(() => {
      closed = true
      app.quit()
    })
  })

  app.whenReady().then(async () => {
    if (process.platform === 'win32') app.setAppUserModelId('com.operatorconsole.app')
    denyAllPermissions(session.defaultSession)
    guardDownloads(session.defaultSession, policy)
    serveRenderer(session.defaultSession.protocol, rendererDir)
    installDevCsp()
    await startCore()
    const guard = createSenderGuard(() => currentWindow()?.webContents.mainFrame, policy)
    unbindIpc = bindIpc({ ipcMain, dispatch, isTrustedSender: guard, onInternalError: (err) => console.error(err) })
    installMenu()
    // After sleep the network is usually back: sync at once rather than at the next poll.
    powerMonitor.on('resume', () => core?.wake())
    powerMonitor.on('unlock-screen', () => core?.wake())
    await openWindow()
  }).catch((err: unknown) => {
    // Without a core there is nothing to show; say why instead of idling with no window.
    dialog.showErrorBox('Operator Console could not start', err instanceof Error ? err.message : String(err))
    app.exit(1)
  })
}

// Tests and side-by-side profiles of an unpackaged build keep their data apart; set before the
// single-instance lock, which lives in the userData folder.
if (!app.isPackaged && process.env.OPS_CONSOLE_USER_DATA) app.setPath('userData', process.env.OPS_CONSOLE_USER_DATA)
if (app.requestSingleInstanceLock()) start()
else app.quit()
