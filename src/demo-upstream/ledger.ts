// What the demo upstream was asked to do and what it did. A write carrying an idempotency key is
// applied once: a repeat with the same key and arguments gets the first answer back (as Stripe
// does), with other arguments it is refused. Tests read the ledger to prove what really ran.
import { canonicalJson } from '../shared/audit-chain'

export interface Effect {
  seq: number
  tool: string
  args: Record<string, unknown>
  idempotencyKey: string | null
  result: unknown
  via: 'mcp' | 'webhook'
  at: string
}

export interface Call {
  tool: string
  idempotencyKey: string | null
  via: 'mcp' | 'webhook'
  outcome: 'applied' | 'replayed' | 'read' | 'refused'
}

export class IdempotencyConflict extends Error {
  constructor(key: string) {
    super(`idempotency key ${key} was already used with other arguments`)
    this.name = 'IdempotencyConflict'
  }
}

export class DemoLedger {
  /** Every side effect, once per idempotency key. */
  readonly effects: Effect[] = []
  /** Every request, replays and reads included. */
  readonly calls: Call[] = []
  private readonly byKey = new Map<string, Effect>()
  private readonly listeners = new Set<(e: Effect) => void>()

  /** Applies a write once per key; a replay returns the first result without running `run` again. */
  write(
    tool: string,
    args: Record<string, unknown>,
    idempotencyKey: string | null,
    via: Effect['via'],
    run: () => unknown,
  ): { result: unknown; replayed: boolean } {
    if (idempotencyKey !== null) {
      const prior = this.byKey.get(idempotencyKey)
      if (prior) {
        if (prior.tool !== tool || canonicalJson(prior.args) !== canonicalJson(args)) {
          this.calls.push({ tool, idempotencyKey, via, outcome: 'refused' })
          throw new IdempotencyConflict(idempotencyKey)
        }
        this.calls.push({ tool, idempotencyKey, via, outcome: 'replayed' })
        return { result: prior.result, replayed: true }
      }
    }
    const effect: Effect = {
      seq: this.effects.length + 1,
      tool,
      args,
      idempotencyKey,
      result: run(),
      via,
      at: new Date().toISOString(),
    }
    this.effects.push(effect)
    if (idempotencyKey !== null) this.byKey.set(idempotencyKey, effect)
    this.calls.push({ tool, idempotencyKey, via, outcome: 'applied' })
    for (const listener of this.listeners) listener(effect)
    return { result: effect.result, replayed: false }
  }

  read(tool: string, via: Effect['via'], run: () => unknown): unknown {
    this.calls.push({ tool, idempotencyKey: null, via, outcome: 'read' })
    return run()
  }

  effectsFor(idempotencyKey: string): Effect[] {
    return this.effects.filter((e) => e.idempotencyKey === idempotencyKey)
  }

  /** Called for every new effect (not for replays). Returns the unsubscribe. */
  onEffect(listener: (e: Effect) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
