// The tools catalog the demo agents call, each with the JSON Schema its arguments must satisfy —
// what the console validates an approve-with-edits payload against.

export type JsonSchema = Record<string, unknown>

/**
 * Where a tool's arguments say how much money the call moves (a JSON Schema annotation, ignored by
 * validators): JSON pointers to the amount and currency (none: the tenant's base currency), and
 * whether the amount is in minor units (cents) or major ones. One `*` step sums over an array.
 * The decision rules check limits on this amount of the payload that will run
 * (src/shared/decision-rules.ts payloadMoney, public.payload_money).
 */
export interface MoneyAnnotation {
  amount: string
  currency?: string
  unit: 'minor' | 'major'
}

export interface ToolSpec {
  app: string
  key: string
  category: string
  description: string
  risk_default: number
  approval_default: 'auto' | 'required' | 'never'
  write_allowed: boolean
  rate_bucket: string
  json_schema: JsonSchema
}

const currency = { type: 'string', enum: ['usd', 'eur', 'gbp'] }
const CURRENCY = { type: 'string', enum: ['USD', 'EUR', 'GBP'] }
const money = { type: 'number', minimum: 0.01, maximum: 1e10 }
const minorUnits = { type: 'integer', minimum: 1, maximum: 1e12 }
const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }
const email = { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', maxLength: 254 }

function object(properties: Record<string, unknown>, required: string[]): JsonSchema {
  return { type: 'object', additionalProperties: false, properties, required }
}

const spec = (s: Omit<ToolSpec, 'json_schema'> & { schema: JsonSchema; money?: MoneyAnnotation }): ToolSpec => {
  const { schema, money, ...rest } = s
  return {
    ...rest,
    json_schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: `${s.app}.${s.key}`,
      ...schema,
      ...(money ? { 'x-money': money } : {}),
    },
  }
}

export const TOOLS = {
  stripe_refund: spec({
    app: 'stripe',
    key: 'refund',
    category: 'payments',
    risk_default: 2,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'stripe-write',
    description: 'Refund all or part of a captured charge.',
    money: { amount: '/amount', currency: '/currency', unit: 'minor' },
    schema: object(
      {
        charge: { type: 'string', pattern: '^ch_[A-Za-z0-9]{14,32}$' },
        amount: minorUnits,
        currency,
        reason: { type: 'string', enum: ['duplicate', 'fraudulent', 'requested_by_customer'] },
        metadata: object({ order_number: { type: 'string' }, ticket: { type: 'string' } }, ['order_number']),
      },
      ['charge', 'amount', 'currency', 'reason'],
    ),
  }),
  stripe_payout: spec({
    app: 'stripe',
    key: 'payout',
    category: 'payments',
    risk_default: 3,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'stripe-write',
    description: 'Send funds from the balance to a bank account.',
    money: { amount: '/amount', currency: '/currency', unit: 'minor' },
    schema: object(
      {
        amount: minorUnits,
        currency,
        destination: { type: 'string', pattern: '^(ba|acct)_[A-Za-z0-9]{14,32}$' },
        method: { type: 'string', enum: ['standard', 'instant'] },
        description: { type: 'string', maxLength: 200 },
        statement_descriptor: { type: 'string', maxLength: 22 },
        metadata: object({ payout_ref: { type: 'string' }, beneficiary: { type: 'string' } }, [
          'beneficiary',
        ]),
      },
      ['amount', 'currency', 'destination', 'method', 'metadata'],
    ),
  }),
  netsuite_journal_post: spec({
    app: 'netsuite',
    key: 'journal_post',
    category: 'accounting',
    risk_default: 3,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'netsuite',
    description: 'Post a balanced journal entry to the general ledger.',
    money: { amount: '/lines/*/debit', currency: '/currency', unit: 'major' },
    schema: object(
      {
        subsidiary_id: { type: 'string', pattern: '^[0-9]{1,6}$' },
        tran_date: isoDate,
        posting_period: { type: 'string', pattern: '^[A-Z][a-z]{2} \\d{4}$' },
        currency: CURRENCY,
        memo: { type: 'string', minLength: 3, maxLength: 300 },
        reversal_date: isoDate,
        lines: {
          type: 'array',
          minItems: 2,
          maxItems: 50,
          items: object(
            {
              account: { type: 'string', pattern: '^[0-9]{4}$' },
              account_name: { type: 'string' },
              debit: money,
              credit: money,
              department: { type: 'string' },
              memo: { type: 'string', maxLength: 200 },
            },
            ['account', 'account_name'],
          ),
        },
      },
      ['subsidiary_id', 'tran_date', 'posting_period', 'currency', 'memo', 'lines'],
    ),
  }),
  github_open_pr: spec({
    app: 'github',
    key: 'open_pr',
    category: 'engineering',
    risk_default: 2,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'github',
    description: 'Open a pull request from a reviewed change set.',
    schema: object(
      {
        repo: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' },
        base: { type: 'string', minLength: 1 },
        head: { type: 'string', pattern: '^[a-z0-9][a-z0-9/_.-]*$' },
        title: { type: 'string', minLength: 5, maxLength: 120 },
        body: { type: 'string', maxLength: 10000 },
        draft: { type: 'boolean' },
        changeset_id: { type: 'string', pattern: '^[0-9a-f-]{36}$' },
      },
      ['repo', 'base', 'head', 'title', 'changeset_id'],
    ),
  }),
  slack_post: spec({
    app: 'slack',
    key: 'post',
    category: 'messaging',
    risk_default: 0,
    approval_default: 'auto',
    write_allowed: true,
    rate_bucket: 'slack',
    description: 'Post a message to a channel.',
    schema: object(
      {
        channel: { type: 'string', pattern: '^#[a-z0-9_-]{1,80}$' },
        text: { type: 'string', minLength: 1, maxLength: 4000 },
        thread_ts: { type: 'string', pattern: '^[0-9]{10}\\.[0-9]{6}$' },
        unfurl_links: { type: 'boolean' },
      },
      ['channel', 'text'],
    ),
  }),
  hubspot_update_deal: spec({
    app: 'hubspot',
    key: 'update_deal',
    category: 'crm',
    risk_default: 1,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'hubspot',
    description: 'Change a deal’s stage, amount or close date.',
    schema: object(
      {
        deal_id: { type: 'string', pattern: '^[0-9]{6,12}$' },
        properties: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            dealstage: {
              type: 'string',
              enum: [
                'appointmentscheduled',
                'qualifiedtobuy',
                'presentationscheduled',
                'decisionmakerboughtin',
                'contractsent',
                'closedwon',
                'closedlost',
              ],
            },
            amount: { type: 'string', pattern: '^[0-9]+(\\.[0-9]{2})?$' },
            closedate: isoDate,
            dealname: { type: 'string', maxLength: 200 },
          },
        },
      },
      ['deal_id', 'properties'],
    ),
  }),
  gmail_send: spec({
    app: 'gmail',
    key: 'send',
    category: 'messaging',
    risk_default: 1,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'gmail',
    description: 'Send an email from the shared finance mailbox.',
    schema: object(
      {
        to: { type: 'array', minItems: 1, maxItems: 20, items: email },
        cc: { type: 'array', maxItems: 20, items: email },
        subject: { type: 'string', minLength: 1, maxLength: 200 },
        body_text: { type: 'string', minLength: 1, maxLength: 20000 },
      },
      ['to', 'subject', 'body_text'],
    ),
  }),
  zendesk_update_ticket: spec({
    app: 'zendesk',
    key: 'update_ticket',
    category: 'support',
    risk_default: 1,
    approval_default: 'auto',
    write_allowed: true,
    rate_bucket: 'zendesk',
    description: 'Reply to and change the status of a support ticket.',
    schema: object(
      {
        ticket_id: { type: 'integer', minimum: 1 },
        status: { type: 'string', enum: ['open', 'pending', 'solved', 'closed'] },
        public_reply: { type: 'string', maxLength: 8000 },
        tags: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9_]+$' }, maxItems: 10 },
      },
      ['ticket_id', 'status'],
    ),
  }),
  shopify_cancel_order: spec({
    app: 'shopify',
    key: 'cancel_order',
    category: 'commerce',
    risk_default: 2,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'shopify',
    description: 'Cancel an unfulfilled order.',
    schema: object(
      {
        order_id: { type: 'string', pattern: '^gid://shopify/Order/[0-9]+$' },
        reason: { type: 'string', enum: ['customer', 'fraud', 'inventory', 'declined', 'other'] },
        restock: { type: 'boolean' },
        notify_customer: { type: 'boolean' },
      },
      ['order_id', 'reason', 'restock', 'notify_customer'],
    ),
  }),
  ramp_create_purchase: spec({
    app: 'ramp',
    key: 'create_purchase',
    category: 'procurement',
    risk_default: 2,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'ramp',
    description: 'Buy from a vendor on a virtual card, against a budget.',
    money: { amount: '/amount', currency: '/currency', unit: 'major' },
    schema: object(
      {
        vendor: { type: 'string', minLength: 2, maxLength: 120 },
        amount: money,
        currency: CURRENCY,
        category: {
          type: 'string',
          enum: ['software', 'cloud', 'hardware', 'travel', 'marketing', 'services'],
        },
        justification: { type: 'string', minLength: 10, maxLength: 2000 },
        recurring: { type: 'string', enum: ['one_time', 'monthly', 'annual'] },
        budget_code: { type: 'string', pattern: '^[A-Z]{2,5}-[0-9]{2,4}$' },
      },
      ['vendor', 'amount', 'currency', 'category', 'justification', 'recurring'],
    ),
  }),
  docusign_send_envelope: spec({
    app: 'docusign',
    key: 'send_envelope',
    category: 'legal',
    risk_default: 3,
    approval_default: 'required',
    write_allowed: true,
    rate_bucket: 'docusign',
    description: 'Send a contract for signature.',
    schema: object(
      {
        template: { type: 'string', enum: ['msa', 'nda', 'order_form', 'dpa', 'sow'] },
        counterparty: { type: 'string', minLength: 2 },
        signer_email: email,
        contract_value: money,
        currency: CURRENCY,
      },
      ['template', 'counterparty', 'signer_email'],
    ),
  }),
  linear_create_issue: spec({
    app: 'linear',
    key: 'create_issue',
    category: 'engineering',
    risk_default: 0,
    approval_default: 'auto',
    write_allowed: true,
    rate_bucket: 'linear',
    description: 'File an issue for the engineering team.',
    schema: object(
      {
        team: { type: 'string', enum: ['FIN', 'OPS', 'ENG', 'DATA'] },
        title: { type: 'string', minLength: 5, maxLength: 200 },
        description: { type: 'string', maxLength: 10000 },
        priority: { type: 'integer', minimum: 0, maximum: 4 },
      },
      ['team', 'title'],
    ),
  }),
  netsuite_read_record: spec({
    app: 'netsuite',
    key: 'read_record',
    category: 'accounting',
    risk_default: 0,
    approval_default: 'never',
    write_allowed: false,
    rate_bucket: 'netsuite',
    description: 'Read a record (no side effects).',
    schema: object(
      { record_type: { type: 'string' }, internal_id: { type: 'string', pattern: '^[0-9]+$' } },
      ['record_type', 'internal_id'],
    ),
  }),
} as const satisfies Record<string, ToolSpec>

export type ToolName = keyof typeof TOOLS
