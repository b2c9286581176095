// The desktop app's core in Electron's utilityProcess: a Node process of its own, started and
// watched by the main process, so a first sync or a slow query never makes the window wait and a
// crash of the core takes down neither the window nor the main process (the host starts it again).
// Messages cross through the process's parentPort (src/core/thread/entry.ts on the other side).
import { utilityProcess, type UtilityProcess } from 'electron'
import type { CoreProcess, CoreSpawner } from '../core/thread/host'
import type { FromCore, ToCore } from '../core/thread/protocol'

/** `entry` is the built core entry (out/main/core.js), next to the main bundle. */
export function utilityProcessSpawner(entry: string): CoreSpawner {
  return () => {
    const child: UtilityProcess = utilityProcess.fork(entry, [], { serviceName: 'Operator Console core', stdio: 'inherit' })
    // Messages posted before the process has spawned wait here, then go out in order.
    let spawned = false
    const early: ToCore[] = []
    child.once('spawn', () => {
      spawned = true
      for (const m of early.splice(0)) child.postMessage(m)
    })
    let exited = false
    const exitListeners: ((reason: string) => void)[] = []
    const exit = (reason: string) => {
      if (exited) return
      exited = true
      for (const fn of exitListeners) fn(reason)
    }
    // 'error' (a fatal V8 error) is always followed by 'exit'; it only says more about why.
    let fatal: string | null = null
    child.on('error', (type, location) => {
      fatal = `${type} at ${location}`
    })
    child.on('exit', (code) => exit(fatal ?? `exit code ${code}`))
    const proc: CoreProcess = {
      post: (message) => {
        if (spawned) child.postMessage(message)
        else early.push(message)
      },
      onMessage: (fn) => child.on('message', (m: FromCore) => fn(m)),
      onExit: (fn) => exitListeners.push(fn),
      kill: () => void child.kill(),
    }
    return proc
  }
}
