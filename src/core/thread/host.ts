// The shell's side of the core's own thread: starts it, checks every call against the contract
// before posting it (validation stays at the edge), routes answers and events, serves the session
// store, and starts the core again when its thread dies — saying so with a `core.restarted` event,
// and answering a call that was in flight with `core_restarted` rather than leaving it hanging.
// The thread itself comes from a spawner: a worker_threads worker (worker-spawner.ts) or Electron's
// utilityProcess (src/main/core-process.ts).
import type { CallOutcome, EmitEvent, EventName, EventPayload, MethodName } from '../../shared/contract'
import { ApiError } from '../../shared/errors'
import type { SessionStore } from '../auth/session-store'
import { checkCall, type Dispatch } from '../dispatch'
import type { EnginePhase } from '../sync/phases'
import type { CoreThreadConfig, FromCore, ToCore } from './protocol'

/** A running core thread or process, as its spawner hands it over. */
export interface CoreProcess {
  post(message: ToCore): void
  onMessage(listener: (message: FromCore) => void): void
  /** Called once, whatever ended it (a clean close, a crash, a kill). */
  onExit(listener: (reason: string) => void): void
  /** Stops it at once (no clean close): a hung core, or a test simulating a crash. */
  kill(): void
}

export type CoreSpawner = () => CoreProcess

export interface CoreHostOptions {
  spawn: CoreSpawner
  config: CoreThreadConfig
  sessionStore: SessionStore
  emit: EmitEvent
  log?: (line: string) => void
  /** Engine phases (with config.reportPhases): the crash suite stops the core at chosen ones. */
  onPhase?: (phase: EnginePhase) => void
  now?: () => number
}

export interface CoreHost {
  /** The contract's one entry point, checked here and run in the core's thread. Never throws. */
  dispatch: Dispatch
  setFocused(focused: boolean): void
  wake(): void
  /** Stops the current core abruptly, as a crash would (tests); the host restarts it. */
  kill(): void
  /** How many times the core was started again after dying. */
  restarts(): number
  close(): Promise<void>
}

/** How long a clean close may take before the core is stopped anyway. */
const CLOSE_TIMEOUT_MS = 10_000
/** Restart delays after consecutive crashes: at once, then slower, so a core that dies on start does not spin. */
const RESTART_DELAYS_MS = [0, 250, 1000, 5000]
/** A core that ran this long counts as healthy: the next crash restarts it at once again. */
const HEALTHY_AFTER_MS = 30_000

const failure = (err: ApiError): CallOutcome<MethodName> => ({ ok: false, error: err.toJSON() })

export async function startCoreHost(opts: CoreHostOptions): Promise<CoreHost> {
  const log = opts.log ?? ((line: string) => console.error(line))
  const now = opts.now ?? Date.now
  let proc: CoreProcess | null = null
  let ready = false
  let closing = false
  let nextId = 1
  let restarts = 0
  let crashesInARow = 0
  let startedAt = 0
  let focused = true
  /** Calls sent to the current core, waiting for its answer. */
  const inFlight = new Map<number, (outcome: CallOutcome<MethodName>) => void>()
  /** Calls made while the core (re)starts: sent once it is ready. */
  let waiting: { method: MethodName; args: unknown; resolve: (o: CallOutcome<MethodName>) => void }[] = []
  let firstStart: { resolve(): void; reject(err: Error): void } | null = null
  let closed: (() => void) | null = null

  const send = (method: MethodName, args: unknown, resolve: (o: CallOutcome<MethodName>) => void) => {
    const id = nextId++
    inFlight.set(id, resolve)
    proc!.post({ type: 'call', id, method, args })
  }

  const onMessage = (message: FromCore) => {
    switch (message.type) {
      case 'ready': {
        ready = true
        proc!.post({ type: 'focus', focused })
        const queued = waiting
        waiting = []
        for (const c of queued) send(c.method, c.args, c.resolve)
        if (firstStart) {
          firstStart.resolve()
          firstStart = null
        }
        return
      }
      case 'failed':
        // The core could not start (a replica that will not open, a broken settings file): the
        // first start reports it to the shell; a restart that fails is retried like a crash.
        log(`core: could not start: ${message.message}`)
        if (firstStart) {
          firstStart.reject(new Error(message.message))
          firstStart = null
          closing = true
        }
        proc?.kill()
        return
      case 'result': {
        const resolve = inFlight.get(message.id)
        inFlight.delete(message.id)
        resolve?.(message.outcome)
        return
      }
      case 'event':
        opts.emit(message.event, message.payload as EventPayload<EventName>)
        return
      case 'phase':
        opts.onPhase?.(message.phase)
        return
      case 'session':
        void serveSession(message)
        return
      case 'closed':
        return
    }
  }

  const serveSession = async (message: Extract<FromCore, { type: 'session' }>) => {
    const target = proc
    try {
      const store = opts.sessionStore
      const value = message.op === 'load' ? await store.load() : message.op === 'save' ? (await store.save(message.value ?? ''), null) : (await store.clear(), null)
      target?.post({ type: 'session', id: message.id, ok: true, value })
    } catch (err) {
      target?.post({ type: 'session', id: message.id, ok: false, message: err instanceof Error ? err.message : String(err) })
    }
  }

  const onExit = (reason: string) => {
    proc = null
    ready = false
    // A call on its way may or may not have run: its caller hears so, never silence.
    for (const resolve of inFlight.values()) resolve(failure(new ApiError('core_restarted')))
    inFlight.clear()
    if (closing) {
      for (const c of waiting) c.resolve(failure(new ApiError('internal', 'The console is closing.')))
      waiting = []
      closed?.()
      return
    }
    crashesInARow = now() - startedAt > HEALTHY_AFTER_MS ? 1 : crashesInARow + 1
    const delay = RESTART_DELAYS_MS[Math.min(crashesInARow - 1, RESTART_DELAYS_MS.length - 1)]!
    log(`core: stopped unexpectedly (${reason}); starting it again${delay ? ` in ${delay} ms` : ''}`)
    setTimeout(() => {
      if (closing) return
      restarts += 1
      start()
      // Said once the new core runs: its own events (session, status) follow this one.
      const announce = (m: FromCore) => {
        if (m.type === 'ready') opts.emit('core.restarted', { at: new Date(now()).toISOString(), reason })
      }
      proc?.onMessage(announce)
    }, delay)
  }

  const start = () => {
    startedAt = now()
    const p = opts.spawn()
    proc = p
    p.onMessage(onMessage)
    p.onExit((reason) => {
      if (proc === p) onExit(reason)
    })
    p.post({ type: 'start', config: opts.config })
  }

  await new Promise<void>((resolve, reject) => {
    firstStart = { resolve, reject }
    start()
  })

  const dispatch: Dispatch = (method, args) => {
    const call = checkCall(method, args)
    if (!call.ok) return Promise.resolve(call.outcome)
    if (closing) return Promise.resolve(failure(new ApiError('internal', 'The console is closing.')))
    return new Promise((resolve) => {
      if (ready && proc) send(call.method, call.args, resolve)
      else waiting.push({ method: call.method, args: call.args, resolve })
    })
  }

  return {
    dispatch,
    setFocused: (f) => {
      focused = f
      if (ready) proc?.post({ type: 'focus', focused: f })
    },
    wake: () => {
      if (ready) proc?.post({ type: 'wake' })
    },
    kill: () => {
      // Calls from now on wait for the restarted core instead of going to the dying one.
      ready = false
      proc?.kill()
    },
    restarts: () => restarts,
    close: () => {
      if (closing && !proc) return Promise.resolve()
      closing = true
      const p = proc
      if (!p) return Promise.resolve()
      return new Promise<void>((resolve) => {
        closed = resolve
        const timer = setTimeout(() => p.kill(), CLOSE_TIMEOUT_MS)
        const done = closed
        closed = () => {
          clearTimeout(timer)
          done()
        }
        p.post({ type: 'close' })
      })
    },
  }
}
