// The web shell: the core in its own worker thread (file session store kept here, data in its own
// folder) behind the loopback WebSocket bridge, serving the same renderer build as the desktop
// app. This thread only checks calls and routes them and the core's events; a core that dies is
// started again by the host. For development and end-to-end tests only; never packaged.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EmitEvent } from '../../shared/contract'
import type { BackendConfig } from '../../core/backend'
import { FileSessionStore } from '../../core/auth/session-store'
import { startCoreHost } from '../../core/thread/host'
import { workerSpawner } from '../../core/thread/worker-spawner'
import { createWebShellServer, type WebShellServer } from './server'
import { ensureRendererBuild } from './renderer-build'

export const DEFAULT_PORT = 5174
export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

export interface WebShellOptions {
  backend: BackendConfig
  /** The core's data folder (replica, settings, session). */
  dataDir: string
  /** Default 5174; 0 picks a free port. */
  port?: number
  /** Serve this folder instead of building out/renderer. */
  rendererDir?: string
  /**
   * Build a spare replica in reserve for the next sign-in once someone is signed in (default true,
   * as the desktop app does); end-to-end tests that never sign out save that initdb.
   */
  reserveSpare?: boolean
  log?(line: string): void
}

export interface WebShell {
  /** Open this: the token rides in the fragment. */
  url: string
  origin: string
  port: number
  token: string
  close(): Promise<void>
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const log = opts.log ?? (() => {})
  const rendererDir = opts.rendererDir ?? (await ensureRendererBuild(PROJECT_ROOT, log))
  await mkdir(opts.dataDir, { recursive: true })
  let forward: EmitEvent = () => {}
  const core = await startCoreHost({
    spawn: workerSpawner(),
    config: { userDataDir: opts.dataDir, backend: opts.backend, reserveSpare: opts.reserveSpare },
    sessionStore: new FileSessionStore(join(opts.dataDir, 'session.bin')),
    emit: (event, payload) => forward(event, payload),
    log,
  })
  let server: WebShellServer
  try {
    server = await createWebShellServer({
      port: opts.port ?? DEFAULT_PORT,
      rendererDir,
      dispatch: core.dispatch,
      log,
    })
  } catch (err) {
    await core.close()
    throw err
  }
  forward = server.emit
  const { url, origin, port, token } = server
  let closing: Promise<void> | undefined
  return {
    url,
    origin,
    port,
    token,
    close: () =>
      (closing ??= (async () => {
        await server.close()
        await core.close()
      })()),
  }
}
