// A stand-in for Electron's IPC plumbing, faithful where the binding depends on it: ipcMain.handle
// takes one handler per channel, every argument and answer crosses by structured clone, each
// invoke carries the sender's frame, and webContents.send reaches the window's ipcRenderer.
import type { IpcMainLike, InvokeEventLike } from '../../../src/main/ipc'
import type { SenderFrame } from '../../../src/main/security'
import type { IpcRendererLike } from '../../../src/preload/bridge'

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>
type RendererListener = (event: unknown, ...args: unknown[]) => void

export const APP_FRAME: SenderFrame = { url: 'app://console/index.html', parent: null, processId: 3, routingId: 1 }

export class FakeIpc {
  private readonly handlers = new Map<string, Handler>()
  private readonly rendererListeners = new Map<string, Set<RendererListener>>()
  /** The main window's top frame; the sender guard compares against it. */
  mainFrame: SenderFrame = APP_FRAME

  readonly ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      this.handlers.set(channel, listener)
    },
    removeHandler: (channel) => {
      this.handlers.delete(channel)
    },
  }

  /** The main window's webContents, as the event forwarder sees it. */
  readonly webContents = {
    isDestroyed: () => false,
    send: (channel: string, ...args: unknown[]) => {
      const cloned = structuredClone(args)
      for (const listener of this.rendererListeners.get(channel) ?? []) listener({ sender: 'ipcRenderer' }, ...cloned)
    },
  }

  /** The ipcRenderer of a page in the given frame (the main window's by default). */
  renderer(frame: SenderFrame | null = APP_FRAME): IpcRendererLike {
    return {
      invoke: async (channel, ...args) => {
        const handler = this.handlers.get(channel)
        if (!handler) throw new Error(`No handler registered for '${channel}'`)
        return structuredClone(await handler({ senderFrame: frame }, ...structuredClone(args)))
      },
      on: (channel, listener) => {
        let set = this.rendererListeners.get(channel)
        if (!set) this.rendererListeners.set(channel, (set = new Set()))
        set.add(listener)
      },
    }
  }

  /** Raw invoke with any arguments, as a compromised page or another frame could send them. */
  invokeRaw(frame: SenderFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    return this.renderer(frame).invoke(channel, ...args)
  }
}
