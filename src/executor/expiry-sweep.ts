// Marks requests whose deadline passed as expired on the server (expire_due_approvals), every few
// seconds, so the agent, the console and the audit say `expired` without waiting for someone to
// look. The executor's process runs one (and the dev stack, which runs no executor by default);
// several running at once are harmless: each request is marked once (see the function).
import pg from 'pg'

export interface ExpirySweepOptions {
  dbUrl: string
  /** Role taken at connection start (the executor's); null keeps the URL's own. */
  role?: string | null
  intervalMs?: number
  /** Only these tenants' requests (an executor serving some tenants); all when absent. */
  tenantIds?: string[] | null
  log?: (line: string) => void
}

export const EXPIRY_SWEEP_MS = 5_000

export class ExpirySweep {
  private readonly pool: pg.Pool
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined

  constructor(private readonly opts: ExpirySweepOptions) {
    this.pool = new pg.Pool({
      connectionString: opts.dbUrl,
      max: 1,
      ...(opts.role ? { options: `-c role=${opts.role}` } : {}),
    })
    // An idle connection dropped by the server is replaced at the next run.
    this.pool.on('error', () => {})
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.runOnce(), this.opts.intervalMs ?? EXPIRY_SWEEP_MS)
    this.timer.unref()
  }

  /** One sweep (never two at once); answers how many requests it marked. */
  async runOnce(): Promise<number> {
    if (this.running) return 0
    let marked = 0
    this.running = (async () => {
      try {
        const { rows } = await this.pool.query<{ n: number }>(
          'select public.expire_due_approvals(500, $1) as n',
          [this.opts.tenantIds ?? null],
        )
        marked = rows[0]?.n ?? 0
        if (marked > 0) this.opts.log?.(`marked ${marked} request(s) expired`)
      } catch (err) {
        // The next run tries again; until then readers already see these requests as expired.
        this.opts.log?.(`expiry sweep failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    })()
    await this.running
    this.running = undefined
    return marked
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.running
    await this.pool.end()
  }
}
