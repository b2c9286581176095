// The core in a worker_threads worker: the web shell, the bench and the tests host it this way.
import type { CoreProcess, CoreSpawner } from './host'
import type { FromCore } from './protocol'
import { startCoreWorker } from './worker'

export function workerSpawner(): CoreSpawner {
  return () => {
    const worker = startCoreWorker({ role: 'core' })
    let exited = false
    const exitListeners: ((reason: string) => void)[] = []
    const exit = (reason: string) => {
      if (exited) return
      exited = true
      for (const fn of exitListeners) fn(reason)
    }
    worker.on('error', (err) => exit(`error: ${err.message}`))
    worker.on('exit', (code) => exit(`exit code ${code}`))
    const proc: CoreProcess = {
      post: (message) => worker.postMessage(message),
      onMessage: (fn) => worker.on('message', (m: FromCore) => fn(m)),
      onExit: (fn) => exitListeners.push(fn),
      kill: () => void worker.terminate(),
    }
    return proc
  }
}
