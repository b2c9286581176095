// The messages between a shell and its core running in another thread (a worker_threads worker) or
// process (Electron's utilityProcess). Plain, structured-cloneable data only. The shell has already
// checked every call against the contract (checkCall) before it posts it; the core runs it and
// answers with the same CallOutcome dispatch() gives in-process. The session store stays with the
// shell (Electron's safeStorage exists only in the main process), so the core asks for it by message.
import type { CallOutcome, EventName, MethodName } from '../../shared/contract'
import type { BackendConfig } from '../backend'
import type { SyncTuning } from '../core'
import type { EngineOptions } from '../sync/loop'
import type { EnginePhase } from '../sync/phases'

/**
 * Sync tuning that can cross a thread boundary (no functions). Realtime's socket class does not
 * cross: the core's thread opens its sockets itself with `ws`.
 */
export type ThreadSyncTuning = Partial<
  Pick<EngineOptions, 'pullLimit' | 'firstPullLimit' | 'pushBatch' | 'focusedIntervalMs' | 'backgroundIntervalMs' | 'backoff'>
> &
  Pick<SyncTuning, 'realtime'>

export interface CoreThreadConfig {
  userDataDir: string
  backend: BackendConfig
  sync?: ThreadSyncTuning
  /** Post every engine phase to the shell (the crash suite stops the core at chosen ones). */
  reportPhases?: boolean
  /** See CoreOptions.reserveSpare. */
  reserveSpare?: boolean
}

export type SessionOp = 'load' | 'save' | 'clear'

/** Shell → core. */
export type ToCore =
  | { type: 'start'; config: CoreThreadConfig }
  | { type: 'call'; id: number; method: MethodName; args: unknown }
  | { type: 'focus'; focused: boolean }
  | { type: 'wake' }
  | { type: 'close' }
  | { type: 'session'; id: number; ok: true; value: string | null }
  | { type: 'session'; id: number; ok: false; message: string }

/** Core → shell. */
export type FromCore =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; outcome: CallOutcome<MethodName> }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'phase'; phase: EnginePhase }
  | { type: 'session'; id: number; op: SessionOp; value?: string }
  | { type: 'closed' }

/** One end of the channel, whatever carries it. */
export interface Channel<In, Out> {
  post(message: Out): void
  onMessage(listener: (message: In) => void): void
}
