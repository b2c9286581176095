// The executor's configuration: which executor runs which tool, and the delivery policy (lease,
// attempts, backoff, batch). Read from a JSON file; secrets never live in it — a webhook route
// names the environment variable that holds its signing secret.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { BackoffPolicy } from '../core/sync/backoff'
import type { McpEndpoint } from './mcp-client'
import { McpExecutor } from './mcp'
import { WebhookExecutor } from './webhook'
import type { ToolExecutor } from './types'

const toolPattern = z
  .string()
  .regex(/^(\*|[a-z0-9_-]+\.(\*|[a-z0-9_-]+))$/, 'a tool is "app.key", "app.*" or "*"')

const WebhookRoute = z.strictObject({
  kind: z.literal('webhook'),
  url: z.url(),
  /** Environment variable holding the HMAC secret. */
  secret_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/),
  timeout_ms: z.number().int().min(100).max(600_000).default(10_000),
})

const McpRoute = z
  .strictObject({
    kind: z.literal('mcp'),
    url: z.url().optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
  })
  .refine((r) => (r.url === undefined) !== (r.command === undefined), 'an mcp route has either url or command')

export const ExecutorConfig = z.strictObject({
  routes: z.array(z.strictObject({ tools: z.array(toolPattern).min(1), executor: z.union([WebhookRoute, McpRoute]) })).min(1),
  /** Attempts before an action is dead-lettered (a lost lease counts as one). */
  max_attempts: z.number().int().min(1).max(100).default(5),
  /** How long a claim is held; every call's timeout must end well inside it. */
  lease_seconds: z.number().int().min(2).max(3600).default(60),
  batch_size: z.number().int().min(1).max(500).default(16),
  backoff_base_ms: z.number().int().min(1).default(1000),
  backoff_max_ms: z.number().int().min(1).default(5 * 60_000),
  /** Claim only these tenants' envelopes (a pool with its own credentials); absent = all. */
  tenant_ids: z.array(z.uuid()).min(1).optional(),
  /** Fallback poll when no notification arrives. */
  poll_ms: z.number().int().min(10).default(1000),
})
export type ExecutorConfig = z.infer<typeof ExecutorConfig>

export function loadConfig(path: string): ExecutorConfig {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read the executor config ${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return parseConfig(raw)
}

export function parseConfig(raw: unknown): ExecutorConfig {
  const parsed = ExecutorConfig.safeParse(raw)
  if (!parsed.success) throw new Error(`invalid executor config: ${z.prettifyError(parsed.error)}`)
  const config = parsed.data
  for (const route of config.routes) {
    if (route.executor.timeout_ms >= config.lease_seconds * 1000 * 0.8) {
      throw new Error(
        `invalid executor config: a call timeout (${route.executor.timeout_ms} ms) must end well inside the lease ` +
          `(${config.lease_seconds} s), or a slow call would be run again by another worker while still in flight`,
      )
    }
  }
  return config
}

export function backoffPolicy(config: ExecutorConfig): BackoffPolicy {
  return { baseMs: config.backoff_base_ms, maxMs: config.backoff_max_ms }
}

/** Picks the executor for a tool: the first route whose pattern matches. */
export class Router {
  private readonly routes: { patterns: string[]; executor: ToolExecutor }[]

  constructor(config: ExecutorConfig, env: NodeJS.ProcessEnv = process.env) {
    this.routes = config.routes.map((route) => ({ patterns: route.tools, executor: buildExecutor(route.executor, env) }))
  }

  executorFor(tool: { app: string; key: string }): ToolExecutor | undefined {
    return this.routes.find((r) =>
      r.patterns.some((p) => p === '*' || p === `${tool.app}.*` || p === `${tool.app}.${tool.key}`),
    )?.executor
  }

  async close(): Promise<void> {
    await Promise.all(this.routes.map((r) => r.executor.close?.()))
  }
}

function buildExecutor(route: ExecutorConfig['routes'][number]['executor'], env: NodeJS.ProcessEnv): ToolExecutor {
  if (route.kind === 'webhook') {
    const secret = env[route.secret_env]
    if (!secret) throw new Error(`the webhook route to ${route.url} needs its secret in $${route.secret_env}`)
    return new WebhookExecutor({ url: route.url, secret, timeoutMs: route.timeout_ms })
  }
  const endpoint: McpEndpoint = route.url ? { url: route.url } : { command: route.command ?? '', args: route.args }
  return new McpExecutor(endpoint, route.timeout_ms)
}
