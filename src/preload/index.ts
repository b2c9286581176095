// The preload: puts exactly one object on the page, `window.api` — the shared contract's
// BridgeApi over IPC — and nothing else.
import { contextBridge, ipcRenderer } from 'electron'
import { createPreloadApi } from './bridge'

contextBridge.exposeInMainWorld('api', createPreloadApi(ipcRenderer))
