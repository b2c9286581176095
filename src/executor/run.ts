// Starts N worker loops in this process from a config and a database URL; `npm run executor`,
// the dev stack and the benchmark all start workers here.
import { backoffPolicy, Router, type ExecutorConfig } from './config'
import { ExpirySweep } from './expiry-sweep'
import { EXECUTOR_ROLE, OutboxWorker } from './worker'

export interface ExecutorHandle {
  workers: OutboxWorker[]
  stop(): Promise<void>
}

export function startExecutor(opts: {
  dbUrl: string
  config: ExecutorConfig
  workers?: number
  role?: string | null
  log?: (line: string) => void
  env?: NodeJS.ProcessEnv
}): ExecutorHandle {
  const router = new Router(opts.config, opts.env)
  const workers = Array.from(
    { length: opts.workers ?? 1 },
    () =>
      new OutboxWorker({
        dbUrl: opts.dbUrl,
        router,
        leaseSeconds: opts.config.lease_seconds,
        maxAttempts: opts.config.max_attempts,
        batchSize: opts.config.batch_size,
        backoff: backoffPolicy(opts.config),
        pollMs: opts.config.poll_ms,
        tenantIds: opts.config.tenant_ids,
        role: opts.role,
        log: opts.log,
      }),
  )
  for (const w of workers) void w.start()
  // The executor runs all the time wherever approvals are acted on: it also expires the overdue.
  const sweep = new ExpirySweep({
    dbUrl: opts.dbUrl,
    role: opts.role === undefined ? EXECUTOR_ROLE : opts.role,
    tenantIds: opts.config.tenant_ids,
    log: opts.log,
  })
  sweep.start()
  let stopping: Promise<void> | undefined
  return {
    workers,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([...workers.map((w) => w.stop()), sweep.stop()])
        await router.close()
      })()),
  }
}
