// Where the core's own thread starts: a worker_threads worker (web shell, bench, tests) or, in the
// desktop app, Electron's utilityProcess (whose `process.parentPort` carries the messages). The same
// file also runs the workers that build spare replicas (workerData.role 'spare').
import { fileURLToPath } from 'node:url'
import { parentPort, workerData } from 'node:worker_threads'
import { prepareSpare } from '../replica/spare'
import type { TableSpec } from '../replica/tables'
import type { Channel, FromCore, ToCore } from './protocol'
import { serveCore } from './serve'
import { setCoreEntry, type WorkerRole } from './worker'

setCoreEntry(fileURLToPath(import.meta.url))

/** The part of Electron's ParentPort used here (no electron import: this file also runs in plain Node). */
interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (e: { data: unknown }) => void): void
}

const electronPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort
const role = (workerData as WorkerRole | undefined)?.role ?? 'core'

function channel(): Channel<ToCore, FromCore> {
  if (electronPort) {
    return {
      post: (m) => electronPort.postMessage(m),
      onMessage: (fn) => electronPort.on('message', (e) => fn(e.data as ToCore)),
    }
  }
  if (!parentPort) throw new Error('the core thread was started outside a worker or utility process')
  const port = parentPort
  return {
    post: (m) => port.postMessage(m),
    onMessage: (fn) => port.on('message', (m: ToCore) => fn(m)),
  }
}

if (role === 'spare') {
  const { userDataDir, specs } = workerData as { userDataDir: string; specs: TableSpec[] }
  prepareSpare(userDataDir, specs).then(
    (dir) => parentPort?.postMessage({ ok: true, dir }),
    (err: unknown) => parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) }),
  )
} else {
  // A worker ends when its port closes; a utility process must exit itself once the core has closed.
  serveCore(channel(), (code) => {
    if (electronPort) process.exit(code)
    else parentPort?.close()
  })
}
