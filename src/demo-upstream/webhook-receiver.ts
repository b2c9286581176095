// The demo webhook receiver: what a provider's side of the executor's webhook looks like. It
// checks the HMAC signature, applies each action once per idempotency key through the ledger and
// answers with the result. Tests can inject faults (a status before applying, a delay after) to
// make the executor retry or to widen the window in which a worker can be killed mid-call.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook, WORKER_HEADER } from '../executor/webhook'
import { DemoLedger, IdempotencyConflict } from './ledger'
import { argumentErrors, findTool } from './tools'

export interface WebhookBody {
  action_id: string
  tenant_id: string
  tool: { app: string; key: string }
  args: Record<string, unknown>
  idempotency_key: string
  attempt: number
}

export interface ReceiverFaults {
  /** Answer this status instead of applying (e.g. 503 to force a retry). */
  before?(body: WebhookBody): number | null | Promise<number | null>
  /** Runs after the effect is applied and before the answer is sent; `worker` names the caller. */
  after?(body: WebhookBody, worker: string | undefined): Promise<void>
}

export interface WebhookReceiver {
  url: string
  ledger: DemoLedger
  close(): Promise<void>
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export async function startWebhookReceiver(opts: {
  secret: string
  ledger?: DemoLedger
  port?: number
  faults?: ReceiverFaults
}): Promise<WebhookReceiver> {
  const ledger = opts.ledger ?? new DemoLedger()
  const http = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    void (async () => {
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/hooks/actions') {
        return answer(404, { error: 'not found: POST /hooks/actions' })
      }
      const raw = await readBody(req)
      const header = (name: string) => {
        const v = req.headers[name]
        return Array.isArray(v) ? v[0] : v
      }
      if (!verifyWebhook(opts.secret, { signature: header(SIGNATURE_HEADER), timestamp: header(TIMESTAMP_HEADER) }, raw)) {
        return answer(401, { error: 'bad signature' })
      }
      let body: WebhookBody
      try {
        body = JSON.parse(raw) as WebhookBody
      } catch {
        return answer(400, { error: 'body is not JSON' })
      }
      const key = header(IDEMPOTENCY_HEADER)
      if (!key || key !== body.idempotency_key) return answer(400, { error: 'Idempotency-Key header missing or not the body’s' })
      const injected = await opts.faults?.before?.(body)
      if (injected) return answer(injected, { error: `injected ${injected}` })
      const name = `${body.tool.app}_${body.tool.key}`
      const tool = findTool(name)
      // Tools the demo does not simulate are still recorded, so any action can be exercised.
      const invalid = tool ? argumentErrors(tool, body.args) : null
      if (invalid) return answer(422, { error: `invalid arguments: ${invalid}` })
      let result: unknown
      let replayed: boolean
      try {
        ;({ result, replayed } = ledger.write(name, body.args, key, 'webhook', () =>
          tool ? tool.run(body.args, key) : { accepted: true, action_id: body.action_id },
        ))
      } catch (err) {
        if (err instanceof IdempotencyConflict) return answer(409, { error: err.message })
        throw err
      }
      await opts.faults?.after?.(body, header(WORKER_HEADER))
      res.setHeader('idempotent-replayed', String(replayed))
      answer(200, result)
    })().catch((err: unknown) => {
      if (!res.headersSent) answer(500, { error: err instanceof Error ? err.message : 'internal error' })
    })
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = http.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/actions`,
    ledger,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections()
        http.close(() => resolve())
      }),
  }
}
