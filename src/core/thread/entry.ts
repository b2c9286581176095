// Where the core's own thread starts: a worker_threads worker (web shell, bench, tests) or, in the
// desktop app, Electron's utilityProcess (whose `process.parentPort` carries the messages).
import { parentPort } from 'node:worker_threads'
import type { Channel, FromCore, ToCore } from './protocol'
import { serveCore } from './serve'

/** The part of Electron's ParentPort used here (no electron import: this file also runs in plain Node). */
interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (e: { data: unknown }) => void): void
}

const electronPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort

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

// A worker ends when its port closes; a utility process must exit itself once the core has closed.
serveCore(channel(), (code) => {
  if (electronPort) process.exit(code)
  else parentPort?.close()
})
