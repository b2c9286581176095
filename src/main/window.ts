// The one main window: hardened web preferences, the renderer loaded from app://console/ (or the
// Vite dev server in development), and its size and position restored and remembered.
import { BrowserWindow, screen } from 'electron'
import { fileURLToPath } from 'node:url'
import { APP_URL } from './security'
import { MIN_SIZE, loadWindowState, placeWindow, saveWindowState, type WindowState } from './window-state'

export interface MainWindowOptions {
  stateFile: string
  /** Development only: the Vite dev server's URL. */
  devServerUrl?: string | null
}

export interface MainWindow {
  window: BrowserWindow
  /** Saves the current bounds now (on quit). */
  saveState(): Promise<void>
}

export async function createMainWindow(opts: MainWindowOptions): Promise<MainWindow> {
  const saved = await loadWindowState(opts.stateFile)
  const bounds = placeWindow(
    saved,
    [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea),
  )
  const window = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Operator Console',
    webPreferences: {
      // The preload exposes only window.api's call/on over one validated channel (src/preload/bridge.ts).
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would otherwise ask for a new window (refused anyway by the open handler).
      disableBlinkFeatures: 'Auxclick',
    },
  })
  if (saved.maximized) window.maximize()
  window.once('ready-to-show', () => window.show())

  let current: WindowState = saved
  const capture = () => {
    if (window.isDestroyed()) return current
    const normal = window.getNormalBounds()
    current = { ...normal, maximized: window.isMaximized() }
    return current
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const saveSoon = () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void saveWindowState(opts.stateFile, capture()).catch(() => {}), 500)
  }
  window.on('resize', saveSoon)
  window.on('move', saveSoon)
  window.on('maximize', saveSoon)
  window.on('unmaximize', saveSoon)
  window.on('close', () => {
    capture()
    if (timer) clearTimeout(timer)
  })

  await window.loadURL(opts.devServerUrl ?? `${APP_URL}index.html`)
  return {
    window,
    saveState: () => saveWindowState(opts.stateFile, current),
  }
}
