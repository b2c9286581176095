// The core's side of a thread boundary: waits for its configuration, starts the core, runs each
// (already checked) call, and posts events and answers back. Used by the worker_threads entry and
// Electron's utilityProcess entry alike (entry.ts), and by nothing that shares the shell's thread.
import type { SessionStore } from '../auth/session-store'
import { runCall } from '../dispatch'
import { createCore, type Core } from '../index'
import type { Channel, FromCore, SessionOp, ToCore } from './protocol'

/** The session store of the shell, reached by message. */
class ShellSessionStore implements SessionStore {
  private next = 1
  private readonly waiting = new Map<number, { resolve(v: string | null): void; reject(e: Error): void }>()

  constructor(private readonly channel: Channel<ToCore, FromCore>) {}

  answer(message: Extract<ToCore, { type: 'session' }>): void {
    const w = this.waiting.get(message.id)
    if (!w) return
    this.waiting.delete(message.id)
    if (message.ok) w.resolve(message.value)
    else w.reject(new Error(message.message))
  }

  private ask(op: SessionOp, value?: string): Promise<string | null> {
    const id = this.next++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.channel.post({ type: 'session', id, op, ...(value === undefined ? {} : { value }) })
    })
  }

  load = () => this.ask('load')
  save = async (value: string) => void (await this.ask('save', value))
  clear = async () => void (await this.ask('clear'))
}

export function serveCore(channel: Channel<ToCore, FromCore>, exit: (code: number) => void): void {
  const sessions = new ShellSessionStore(channel)
  let core: Core | null = null
  // Calls that arrive while the core starts wait for it, in order.
  let started: Promise<Core | null> = new Promise(() => {})

  channel.onMessage((message) => {
    switch (message.type) {
      case 'start': {
        const { config } = message
        started = createCore({
          userDataDir: config.userDataDir,
          backend: config.backend,
          sessionStore: sessions,
          reserveSpare: config.reserveSpare,
          emit: (event, payload) => channel.post({ type: 'event', event, payload }),
          sync: { ...config.sync, ...(config.reportPhases ? { onPhase: (phase) => channel.post({ type: 'phase', phase }) } : {}) },
        }).then(
          (c) => {
            core = c
            channel.post({ type: 'ready' })
            return c
          },
          (err: unknown) => {
            channel.post({ type: 'failed', message: err instanceof Error ? err.message : String(err) })
            return null
          },
        )
        return
      }
      case 'call': {
        const { id, method, args } = message
        void started
          .then((c) => (c ? runCall(c.handlers, method, args) : { ok: false as const, error: { code: 'internal' as const, message: 'The core did not start.' } }))
          .then((outcome) => channel.post({ type: 'result', id, outcome }))
        return
      }
      case 'session':
        sessions.answer(message)
        return
      case 'focus':
        core?.setFocused(message.focused)
        return
      case 'wake':
        core?.wake()
        return
      case 'close':
        void started
          .then((c) => c?.close())
          .catch(() => {})
          .finally(() => {
            channel.post({ type: 'closed' })
            exit(0)
          })
        return
    }
  })
}
