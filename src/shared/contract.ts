// The one API contract between the renderer and the core: every method the renderer may call and
// every event it receives, each with a zod schema. The Electron IPC binding and the web shell's
// WebSocket bridge both expose exactly this, and validate every payload against it in the core's
// process; the renderer gets the same types from it at compile time.
import { z } from 'zod'
import type { ApiErrorShape } from './errors'
import { domainMethods, domainEvents } from './contract-domain'

const strict = z.strictObject
const empty = strict({})

// ───────────── session, settings, sync ─────────────

export const SessionUser = strict({ id: z.guid(), email: z.string(), fullName: z.string().nullable() })

export const DemoUser = strict({ email: z.string(), label: z.string() })

export const SessionState = strict({
  /** signed_out: no session; signed_in: working; sign_in_required: a refresh was refused — the queue is kept. */
  status: z.enum(['signed_out', 'signed_in', 'sign_in_required']),
  user: SessionUser.nullable(),
  backend: strict({ url: z.string(), isLocalStack: z.boolean() }),
  /** Offered on the sign-in screen when connected to the local stack. */
  demoUsers: z.array(DemoUser),
  demoPassword: z.string().nullable(),
})
export type SessionState = z.infer<typeof SessionState>

export const Theme = z.enum(['system', 'light', 'dark'])

export const Settings = strict({
  supabaseUrl: z.url({ protocol: /^https?$/ }).max(500).nullable(),
  supabaseAnonKey: z.string().max(2000).nullable(),
  theme: Theme,
  /** Seconds a decision waits before it may be sent (undo window); risk ≥ 4 waits twice as long. */
  holdSeconds: z.number().int().min(0).max(60),
  lastView: z.string().max(40).nullable(),
  /** The tenant the views are scoped to (a holding member's switcher); null for all. Ignored when not visible. */
  tenantScope: z.guid().nullable(),
})
export type Settings = z.infer<typeof Settings>

export const ConnectivityState = z.enum(['online', 'offline', 'syncing', 'error'])

export const SyncStatus = strict({
  state: ConnectivityState,
  workOffline: z.boolean(),
  lastPullAt: z.string().nullable(),
  queueDepth: z.number().int().nonnegative(),
  oldestQueuedAt: z.string().nullable(),
  /** First sync of a fresh replica: rows so far / rows expected; null once complete. */
  initialSync: strict({ rows: z.number().int(), expected: z.number().int().nullable() }).nullable(),
  lastError: strict({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  /** How changes reach the replica: `live` while Realtime pokes arrive, else `polling` on an interval. */
  updates: z.enum(['live', 'polling']),
  /**
   * `opening` while a relaunch shows the last view saved at the previous run (the replica is still
   * opening: lists and counts are as they were then); `open` once every answer is live.
   */
  replica: z.enum(['opening', 'open']),
})
export type SyncStatus = z.infer<typeof SyncStatus>

const baseMethods = {
  'session.get': { args: empty, result: SessionState },
  'session.signIn': {
    args: strict({ email: z.email().max(320), password: z.string().min(1).max(1000) }),
    result: SessionState,
  },
  /** Refused with queue_not_empty unless force, when decisions are still queued. */
  'session.signOut': { args: strict({ force: z.boolean().optional() }), result: SessionState },
  'settings.get': { args: empty, result: Settings },
  'settings.update': { args: Settings.partial().strict(), result: Settings },
  'sync.status': { args: empty, result: SyncStatus },
  'sync.setWorkOffline': { args: strict({ offline: z.boolean() }), result: SyncStatus },
  'sync.now': { args: empty, result: SyncStatus },
} as const

/** The views a reviewer can go to (console.md); the app menu, deep links and notifications name them. */
export const ShellView = z.enum(['inbox', 'queue', 'escalations', 'flags', 'changesets', 'outbox', 'agents', 'audit', 'history'])
export type ShellView = z.infer<typeof ShellView>

/** Shell commands the renderer runs when the app menu asks for them. */
export const ShellCommand = z.enum(['palette', 'shortcuts', 'search'])
export type ShellCommand = z.infer<typeof ShellCommand>

const baseEvents = {
  'sync.status': SyncStatus,
  /** The shell asks the renderer to show a view, optionally focused on one approval (menu, deep link, notification). */
  navigate: strict({ view: ShellView, approvalId: z.guid().nullable() }),
  /** The app menu asks the renderer to open the palette, the shortcut overlay or search. */
  command: strict({ command: ShellCommand }),
  'session.changed': SessionState,
  /** The replica changed (pull applied, intent queued or resolved): views re-read what they show. */
  'data.changed': strict({ tables: z.array(z.string()) }),
  /**
   * The core's thread (or process) stopped unexpectedly and the shell started it again: what was
   * on screen may be stale, and a call in flight at that moment was answered with core_restarted.
   */
  'core.restarted': strict({ at: z.string(), reason: z.string() }),
} as const

export const methods = { ...baseMethods, ...domainMethods }
export const events = { ...baseEvents, ...domainEvents }

export type Methods = typeof methods
export type MethodName = keyof Methods
export type EventName = keyof typeof events
export type MethodArgs<M extends MethodName> = z.input<Methods[M]['args']>
export type MethodResult<M extends MethodName> = z.output<Methods[M]['result']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

/** What every call returns across a process boundary: a value, or a typed error — never a throw. */
export type CallOutcome<M extends MethodName> = { ok: true; value: MethodResult<M> } | { ok: false; error: ApiErrorShape }

/** The single object the preload (or the web bridge) puts on `window.api`. */
export interface BridgeApi {
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<CallOutcome<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** What the core implements: one handler per method, given already-validated arguments. */
export type CoreHandlers = {
  [M in MethodName]: (args: z.output<Methods[M]['args']>) => Promise<z.input<Methods[M]['result']>>
}

/** What the core emits; transports forward these to the renderer. */
export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name)
}
