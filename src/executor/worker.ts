// One outbox worker: claims due envelopes under a lease, runs each through its tool's executor and
// reports the outcome. Many workers (processes or loops) may run at once: claims skip locked rows,
// and a worker that dies mid-call loses nothing — its lease runs out, another worker claims the
// envelope and calls again with the same idempotency key, which the provider applies once.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import pg from 'pg'
import { payloadHash } from '../shared/audit-chain'
import { backoffDelay, type BackoffPolicy } from '../core/sync/backoff'
import { errorText, toolName, type ClaimedAction, type Outcome } from './types'
import type { Router } from './config'

/** The database role workers act as: it may only claim, complete and fail envelopes. */
export const EXECUTOR_ROLE = 'outbox_executor'

export interface WorkerOptions {
  dbUrl: string
  router: Pick<Router, 'executorFor'>
  leaseSeconds: number
  maxAttempts: number
  batchSize: number
  backoff: BackoffPolicy
  pollMs: number
  workerId?: string
  /** Claim only these tenants' envelopes (a dedicated pool); absent = every tenant. */
  tenantIds?: string[]
  /** Role taken at connection start; null keeps the URL's own (a login role already limited to it). */
  role?: string | null
  log?: (line: string) => void
}

interface ClaimRow {
  outbox_id: string
  claim_token: string
  action_id: string
  tenant_id: string
  tool: { app: string; key: string }
  args: Record<string, unknown>
  payload_hash: string
  idempotency_key: string
  attempt: number
}

export class OutboxWorker {
  readonly id: string
  private readonly pool: pg.Pool
  private listener: pg.Client | undefined
  private stopping = false
  private wake: (() => void) | undefined
  private loop: Promise<void> | undefined

  constructor(private readonly opts: WorkerOptions) {
    this.id = opts.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
    const role = opts.role === undefined ? EXECUTOR_ROLE : opts.role
    this.pool = new pg.Pool({
      connectionString: opts.dbUrl,
      max: Math.min(opts.batchSize, 8) + 1,
      // The role is taken in the startup packet, before any statement can run as anything else.
      ...(role ? { options: `-c role=${role}` } : {}),
    })
    this.pool.on('error', (err) => this.log(`database connection lost: ${err.message}`))
  }

  private log(line: string): void {
    this.opts.log?.(`[executor ${this.id}] ${line}`)
  }

  /** Runs until stop(): claims a batch, runs it, claims again; sleeps until notified or the poll interval. */
  start(): Promise<void> {
    this.loop ??= this.run()
    return this.loop
  }

  private async run(): Promise<void> {
    await this.listen()
    while (!this.stopping) {
      let claimed = 0
      try {
        claimed = await this.drainOnce()
      } catch (err) {
        this.log(`claim failed: ${errorText(err)}`)
      }
      if (claimed === 0 && !this.stopping) await this.idle(this.opts.pollMs)
    }
  }

  private async listen(): Promise<void> {
    const role = this.opts.role === undefined ? EXECUTOR_ROLE : this.opts.role
    const client = new pg.Client({ connectionString: this.opts.dbUrl, ...(role ? { options: `-c role=${role}` } : {}) })
    client.on('notification', () => this.wake?.())
    client.on('error', (err) => {
      // Polling carries on; notifications only make it faster.
      this.log(`notification channel lost: ${err.message}`)
      this.listener = undefined
    })
    try {
      await client.connect()
      await client.query('listen outbox_pending')
      this.listener = client
    } catch (err) {
      this.log(`cannot listen for new work, polling only: ${errorText(err)}`)
      await client.end().catch(() => {})
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = () => {
        this.wake = undefined
        done()
      }
    })
  }

  /** Claims one batch and runs it to the end; returns how many envelopes it claimed. */
  async drainOnce(): Promise<number> {
    const { rows } = await this.pool.query<{ claim: ClaimRow }>(
      'select public.executor_claim($1, $2, $3, $4, $5) as claim',
      [this.id, this.opts.batchSize, this.opts.leaseSeconds, this.opts.maxAttempts, this.opts.tenantIds ?? null],
    )
    const claims = rows.map(({ claim }) => toClaimed(claim, this.id))
    // Calls run side by side; successes are reported together (one transaction), failures one by one.
    const outcomes = await Promise.all(claims.map((c) => this.execute(c, this.callSignal())))
    const sent: { action: ClaimedAction; result: unknown }[] = []
    const failures: Promise<void>[] = []
    claims.forEach((action, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) sent.push({ action, result: outcome.result })
      else failures.push(this.report(action, outcome))
    })
    await Promise.all([sent.length ? this.reportSent(sent) : undefined, ...failures])
    return claims.length
  }

  /** Stops a call well before the lease ends, so no other worker can be calling at the same time. */
  private callSignal(): AbortSignal {
    return AbortSignal.timeout(Math.max(500, this.opts.leaseSeconds * 1000 * 0.8))
  }

  private async execute(action: ClaimedAction, signal: AbortSignal): Promise<Outcome> {
    // The database checked the hash when it handed the action out; checking again here proves the
    // arguments about to leave this process are the approved ones, byte for byte.
    const hash = await payloadHash(action.args)
    if (hash !== action.payloadHash) {
      return { ok: false, transient: false, error: 'Refused: the arguments do not hash to the approved payload hash.' }
    }
    const executor = this.opts.router.executorFor(action.tool)
    if (!executor) {
      return { ok: false, transient: false, error: `No executor is configured for the tool ${toolName(action.tool)}.` }
    }
    try {
      return await executor.run(action, signal)
    } catch (err) {
      return { ok: false, transient: true, error: errorText(err) }
    }
  }

  /**
   * Records outcomes, retrying briefly if the database is unreachable. If they never get through,
   * the lease runs out and another worker runs the action again under the same idempotency key —
   * the provider answers with the first call's result, nothing runs twice.
   */
  private async record(what: string, write: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write()
      } catch (err) {
        if (attempt >= 5 || this.stopping) {
          this.log(`could not record ${what}: ${errorText(err)}; its lease will hand it on`)
          return
        }
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, { baseMs: 200, maxMs: 2000 })))
      }
    }
  }

  private reportSent(sent: { action: ClaimedAction; result: unknown }[]): Promise<void> {
    return this.record(`${sent.length} sent action(s)`, async () => {
      const items = sent.map((s) => ({ outbox_id: s.action.outboxId, claim_token: s.action.claimToken, result: s.result ?? null }))
      const { rows } = await this.pool.query<{ done: number }>('select public.executor_complete_batch($1) as done', [JSON.stringify(items)])
      const lost = sent.length - (rows[0]?.done ?? 0)
      if (lost > 0) this.log(`lost the claim on ${lost} envelope(s) before completing; their new holders report them`)
    })
  }

  private report(action: ClaimedAction, outcome: Extract<Outcome, { ok: false }>): Promise<void> {
    const retryIn = outcome.transient ? backoffDelay(action.attempt, this.opts.backoff) : null
    return this.record(`the failure of ${action.outboxId}`, async () => {
      await this.pool.query('select public.executor_fail($1, $2, $3, $4, $5)', [
        action.outboxId,
        action.claimToken,
        outcome.error,
        retryIn,
        this.opts.maxAttempts,
      ])
    })
  }

  /** Stops claiming, lets the batch in flight finish and report, then closes the connections. */
  async stop(): Promise<void> {
    this.stopping = true
    this.wake?.()
    await this.loop?.catch(() => {})
    await this.listener?.end().catch(() => {})
    await this.pool.end().catch(() => {})
  }
}

function toClaimed(row: ClaimRow, workerId: string): ClaimedAction {
  return {
    outboxId: row.outbox_id,
    claimToken: row.claim_token,
    actionId: row.action_id,
    tenantId: row.tenant_id,
    tool: row.tool,
    args: row.args,
    payloadHash: row.payload_hash,
    idempotencyKey: row.idempotency_key,
    attempt: row.attempt,
    workerId,
  }
}
