// The two ways a page reaches the core — Electron IPC (the real binding and preload bridge over a
// faithful fake IPC) and the web shell (the real server and browser bridge over a real WebSocket)
// — each in front of its own real core, running in its own worker thread as the shells host it,
// signed in against the test stack.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BridgeApi, EmitEvent } from '../../../src/shared/contract'
import { MemorySessionStore } from '../../../src/core'
import { startCoreHost, type CoreHost } from '../../../src/core/thread/host'
import { workerSpawner } from '../../../src/core/thread/worker-spawner'
import { bindIpc, createEventForwarder } from '../../../src/main/ipc'
import { createSenderGuard, createUrlPolicy } from '../../../src/main/security'
import { createPreloadApi } from '../../../src/preload/bridge'
import { createWebShellServer } from '../../../src/web/server/server'
import { bridgeTo } from '../../e2e/support/ws-client'
import { FakeIpc } from './fake-ipc'

export interface Backend {
  apiUrl: string
  anonKey: string
}

export interface Transport {
  name: 'ipc' | 'websocket'
  api: BridgeApi
  core: CoreHost
  /** IPC only: the fake plumbing, for sender tests. */
  ipc?: FakeIpc
  /** Web shell only: where it listens and its token, for raw-socket tests. */
  address?: { port: number; token: string }
  close(): Promise<void>
}

async function startCore(backend: Backend, emit: EmitEvent): Promise<{ core: CoreHost; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oc-transport-'))
  const core = await startCoreHost({
    spawn: workerSpawner(),
    config: { userDataDir: dataDir, backend: { url: backend.apiUrl, anonKey: backend.anonKey, isLocalStack: true } },
    sessionStore: new MemorySessionStore(),
    emit,
  })
  return { core, dataDir }
}

export async function startIpcTransport(backend: Backend): Promise<Transport> {
  const ipc = new FakeIpc()
  const forward = createEventForwarder(() => ipc.webContents)
  const { core, dataDir } = await startCore(backend, (event, payload) => forward(event, payload))
  const unbind = bindIpc({
    ipcMain: ipc.ipcMain,
    dispatch: core.dispatch,
    isTrustedSender: createSenderGuard(() => ipc.mainFrame, createUrlPolicy()),
  })
  return {
    name: 'ipc',
    api: createPreloadApi(ipc.renderer()),
    core,
    ipc,
    close: async () => {
      unbind()
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function startWebSocketTransport(backend: Backend, rendererDir: string): Promise<Transport> {
  let forward: EmitEvent = () => {}
  const { core, dataDir } = await startCore(backend, (event, payload) => forward(event, payload))
  const server = await createWebShellServer({ port: 0, rendererDir, dispatch: core.dispatch })
  forward = server.emit
  const bridge = bridgeTo(server)
  return {
    name: 'websocket',
    api: bridge,
    core,
    address: { port: server.port, token: server.token },
    close: async () => {
      bridge.close()
      await server.close()
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls fn until check passes or the deadline ends; returns the last value. */
export async function until<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (check(value) || Date.now() > deadline) return value
    await new Promise((r) => setTimeout(r, 50))
  }
}
