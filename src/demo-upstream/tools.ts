// The demo upstream's tools: simulated Zendesk, Stripe, HubSpot and Slack (plus the NetSuite
// read of the seed catalog). Writes take the seed catalog's schemas (src/stack/seed/tools.ts), so
// what a reviewer may approve is exactly what the upstream accepts; reads are side-effect free.
// MCP names are `<app>_<key>`, the catalog's (app, tool_key) joined by the first underscore.
import { createHash } from 'node:crypto'
import { Ajv, type ValidateFunction } from 'ajv'
import { TOOLS, type JsonSchema } from '../stack/seed/tools'

export interface DemoTool {
  name: string
  description: string
  inputSchema: JsonSchema
  readOnly: boolean
  /** The simulated provider: what it answers. `seed` is stable per request, for stable ids. */
  run(args: Record<string, unknown>, seed: string): unknown
}

const id = (prefix: string, seed: string, length = 24) =>
  prefix + createHash('sha256').update(seed).digest('base64url').replace(/[-_]/g, '').slice(0, length)

/** A tool of the seed catalog, with its schema as MCP's inputSchema (no $schema/title wrapper). */
function fromCatalog(spec: (typeof TOOLS)[keyof typeof TOOLS], run: DemoTool['run']): DemoTool {
  const { $schema: _drop, title: _title, ...inputSchema } = spec.json_schema as JsonSchema & { $schema?: string; title?: string }
  return { name: `${spec.app}_${spec.key}`, description: spec.description, inputSchema, readOnly: !spec.write_allowed, run }
}

function read(name: string, description: string, properties: Record<string, unknown>, run: DemoTool['run']): DemoTool {
  return {
    name,
    description,
    inputSchema: { type: 'object', additionalProperties: false, properties, required: Object.keys(properties) },
    readOnly: true,
    run,
  }
}

export const DEMO_TOOLS: DemoTool[] = [
  fromCatalog(TOOLS.stripe_refund, (a, seed) => ({
    id: id('re_', seed),
    object: 'refund',
    charge: a.charge,
    amount: a.amount,
    currency: a.currency,
    reason: a.reason,
    status: 'succeeded',
  })),
  fromCatalog(TOOLS.stripe_payout, (a, seed) => ({
    id: id('po_', seed),
    object: 'payout',
    amount: a.amount,
    currency: a.currency,
    destination: a.destination,
    method: a.method,
    status: 'pending',
  })),
  fromCatalog(TOOLS.zendesk_update_ticket, (a, seed) => ({
    ticket: { id: a.ticket_id, status: a.status, tags: a.tags ?? [] },
    audit_id: Number.parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 8), 16),
  })),
  fromCatalog(TOOLS.hubspot_update_deal, (a) => ({
    id: a.deal_id,
    properties: a.properties,
    updatedAt: new Date().toISOString(),
  })),
  fromCatalog(TOOLS.slack_post, (a, seed) => ({
    ok: true,
    channel: a.channel,
    ts: `${Math.floor(Date.now() / 1000)}.${createHash('sha256').update(seed).digest('hex').replace(/\D/g, '').padEnd(6, '0').slice(0, 6)}`,
  })),
  read('stripe_get_charge', 'Read a charge (no side effects).', { charge: { type: 'string', pattern: '^ch_[A-Za-z0-9]{14,32}$' } }, (a) => ({
    id: a.charge,
    object: 'charge',
    amount: 12_550,
    currency: 'usd',
    refunded: false,
    status: 'succeeded',
  })),
  read('zendesk_get_ticket', 'Read a support ticket (no side effects).', { ticket_id: { type: 'integer', minimum: 1 } }, (a) => ({
    ticket: { id: a.ticket_id, status: 'open', subject: 'Refund for a duplicate charge', requester: 'jane@example.com' },
  })),
  read('hubspot_get_deal', 'Read a deal (no side effects).', { deal_id: { type: 'string', pattern: '^[0-9]{6,12}$' } }, (a) => ({
    id: a.deal_id,
    properties: { dealname: 'Northwind renewal', dealstage: 'contractsent', amount: '48000.00' },
  })),
  fromCatalog(TOOLS.netsuite_read_record, (a) => ({
    record_type: a.record_type,
    internal_id: a.internal_id,
    fields: { status: 'open' },
  })),
]

const ajv = new Ajv({ allErrors: true, strict: false })
const validators = new Map<string, ValidateFunction>(DEMO_TOOLS.map((t) => [t.name, ajv.compile(t.inputSchema)]))

export function findTool(name: string): DemoTool | undefined {
  return DEMO_TOOLS.find((t) => t.name === name)
}

/** Null when the arguments fit the tool's schema, else a readable list of what does not. */
export function argumentErrors(tool: DemoTool, args: unknown): string | null {
  const validate = validators.get(tool.name)
  if (!validate || validate(args)) return null
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ')
}
