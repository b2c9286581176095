// Everyday tool calls (Slack, HubSpot, Gmail, Zendesk, Shopify, DocuSign, Linear), each with
// arguments that satisfy the tool's schema and the edit a reviewer would make.
import type { BuildEnv, Draft, EvidenceRef, Outcome } from './draft'
import { DAY, formatMoney, isoDate, type Currency } from './model'
import { companyEmail } from './people'
import { drawCurrency, paidOrder } from './records'
import type { ToolName } from './tools'
import { DEAL_STAGES, SLACK_CHANNELS, VENDORS } from './vocab'
import type { Row } from './writer'

type CallTool = Exclude<
  ToolName,
  | 'stripe_refund'
  | 'stripe_payout'
  | 'netsuite_journal_post'
  | 'github_open_pr'
  | 'ramp_create_purchase'
  | 'netsuite_read_record'
>

interface Call {
  tool: CallTool
  title: string
  taskTitle: string
  summary: string
  args: Record<string, unknown>
  edit?: (args: Record<string, unknown>) => Record<string, unknown>
  editReason?: string
  amount: number | null
  currency: Currency | null
  counterparty: string | null
  riskBase: number
  bands: readonly number[]
  evidenceRows?: [string, Row][]
  result: Record<string, unknown>
}

function slackCall(env: BuildEnv): Call {
  const { rng } = env
  const channel = rng.pick(SLACK_CHANNELS)
  const n = rng.int(3, 60)
  const text = rng.pick([
    `Heads-up: ${n} refunds over $500 are waiting for review; oldest is ${rng.int(2, 20)}h old.`,
    `Payout run completed: ${n} payouts, ${formatMoney(rng.logNormal(250000, 0.6, 10000, 2e6), env.tenant.base)} in total.`,
    `Month-end close: ${n} of ${n + rng.int(2, 12)} checklist items done. Accruals go in tomorrow.`,
    `Carrier delays in the North region: ${n} orders will ship late. Customers have been notified.`,
    `Deployed refund-guard v${rng.int(1, 4)}.${rng.int(0, 12)} to production; no errors in the first hour.`,
  ])
  const customerVisible = channel === '#ops-alerts' || channel === '#general'
  return {
    tool: 'slack_post',
    title: `Post to ${channel}: “${text.slice(0, 60)}${text.length > 60 ? '…' : ''}”`,
    taskTitle: `Update ${channel}`,
    summary: `Message for **${channel}**${customerVisible ? ' (visible to partners through Slack Connect)' : ''}:\n\n> ${text}`,
    args: { channel, text, unfurl_links: false },
    edit: (a) => ({
      ...a,
      text: `${String(a.text).replace(/Heads-up: /, '')} (posted by ${env.agent.name})`,
    }),
    editReason: 'Toned down the wording before it goes to a shared channel.',
    amount: null,
    currency: null,
    counterparty: channel,
    riskBase: customerVisible ? 1 : 0,
    bands: [],
    result: {
      ok: true,
      channel,
      ts: `${Math.floor(env.createdAt / 1000)}.${String(rng.int(0, 999999)).padStart(6, '0')}`,
    },
  }
}

function hubspotCall(env: BuildEnv): Call {
  const { rng } = env
  const company = rng.pick(VENDORS)
  const stage = rng.pick(DEAL_STAGES)
  const currency = env.tenant.base
  const amount = env.want?.amount ?? Math.round(rng.logNormal(24000, 1, 1500, 900000))
  const dealId = String(rng.int(1_000_000, 9_999_999_999))
  const close = isoDate(env.createdAt + rng.int(3, 60) * DAY)
  return {
    tool: 'hubspot_update_deal',
    title: `Move HubSpot deal “${company} renewal” to ${stage}`,
    taskTitle: `Keep the ${company} deal current`,
    summary: `Deal **${company} renewal** (#${dealId}): stage → \`${stage}\`, amount ${formatMoney(amount, currency)}, close date ${close}.`,
    args: {
      deal_id: dealId,
      properties: {
        dealstage: stage,
        amount: amount.toFixed(2),
        closedate: close,
        dealname: `${company} renewal`,
      },
    },
    edit: (a) => ({
      ...a,
      properties: {
        ...(a.properties as Record<string, unknown>),
        closedate: isoDate(env.createdAt + 90 * DAY),
      },
    }),
    editReason: 'Pushed the close date to next quarter; procurement is slow there.',
    amount,
    currency,
    counterparty: company,
    riskBase: 1,
    bands: [50000, 250000],
    result: { id: dealId, updatedAt: new Date(env.createdAt).toISOString() },
  }
}

function gmailCall(env: BuildEnv): Call {
  const { rng } = env
  const vendor = rng.pick(VENDORS)
  const invoice = `INV-${new Date(env.createdAt).getUTCFullYear()}-${String(env.nextNumber('invoice')).padStart(4, '0')}`
  const days = rng.int(7, 45)
  const subject = rng.pick([
    `Payment reminder: ${invoice} is ${days} days overdue`,
    `Remittance advice for ${invoice}`,
    `Question about ${invoice}`,
  ])
  const to = companyEmail(rng, vendor)
  return {
    tool: 'gmail_send',
    title: `Email ${vendor}: ${subject}`,
    taskTitle: `Follow up with ${vendor} on ${invoice}`,
    summary: `To **${to}** — _${subject}_\n\n> Hello ${vendor} team, regarding ${invoice}: ${subject.startsWith('Payment') ? 'our records show it unpaid; could you confirm the remittance date?' : 'please find the details attached.'}`,
    args: {
      to: [to],
      subject,
      body_text: `Hello ${vendor} team,\n\nRegarding ${invoice}: ${subject.startsWith('Payment') ? 'our records show it unpaid. Could you confirm when we can expect payment?' : 'please find the details below.'}\n\nKind regards,\n${env.tenant.name} finance`,
    },
    edit: (a) => ({ ...a, cc: ['finance@demo.test'] }),
    editReason: 'Copied the finance mailbox so the reply lands with us.',
    amount: null,
    currency: null,
    counterparty: vendor,
    riskBase: 1,
    bands: [],
    result: {
      id: rng.token(16, '0123456789abcdef'),
      threadId: rng.token(16, '0123456789abcdef'),
      labelIds: ['SENT'],
    },
  }
}

function zendeskCall(env: BuildEnv): Call {
  const { rng } = env
  const currency = drawCurrency(env)
  const rec = paidOrder(env, currency, rng.logNormal(80, 0.8, 10, 2000))
  const ticket = 40000 + env.nextNumber('ticket')
  const reply = `Hi ${rec.customerName.split(' ')[0]}, thanks for your patience — your order ${rec.number} ${rng.pick(['has shipped again with express delivery', 'is eligible for a replacement, which is on its way', 'was delivered to a neighbour according to the carrier'])}.`
  return {
    tool: 'zendesk_update_ticket',
    title: `Reply and solve Zendesk #${ticket} (${rec.customerName})`,
    taskTitle: `Resolve ticket #${ticket}`,
    summary: `Public reply to **${rec.customerName}** about order ${rec.number}:\n\n> ${reply}`,
    args: { ticket_id: ticket, status: 'solved', public_reply: reply, tags: ['agent_reply', 'order_status'] },
    edit: (a) => ({ ...a, status: 'pending' }),
    editReason: 'Keep it pending until the customer confirms.',
    amount: null,
    currency: null,
    counterparty: rec.customerName,
    riskBase: 1,
    bands: [],
    evidenceRows: [
      ['orders', rec.order],
      ['payments', rec.payment],
    ],
    result: { ticket: { id: ticket, status: 'solved' } },
  }
}

function shopifyCall(env: BuildEnv): Call {
  const { rng } = env
  const currency = drawCurrency(env)
  const rec = paidOrder(env, currency, env.want?.amount ?? rng.logNormal(120, 0.9, 15, 4000), 'paid')
  const reason = rng.weighted([
    ['customer', 6],
    ['fraud', 2],
    ['inventory', 2],
  ] as const)
  const gid = `gid://shopify/Order/${rec.order.source_id as string}`
  return {
    tool: 'shopify_cancel_order',
    title: `Cancel order ${rec.number} (${formatMoney(rec.totalCents / 100, currency)}, ${reason})`,
    taskTitle: `Cancel ${rec.number} before it ships`,
    summary: `Cancel unfulfilled order **${rec.number}** for ${rec.customerName} — reason \`${reason}\`; restock and notify the customer.`,
    args: { order_id: gid, reason, restock: true, notify_customer: reason !== 'fraud' },
    edit: (a) => ({ ...a, notify_customer: true }),
    editReason: 'Always tell the customer.',
    amount: rec.totalCents / 100,
    currency,
    counterparty: rec.customerName,
    riskBase: reason === 'fraud' ? 3 : 2,
    bands: [500, 2000],
    evidenceRows: [
      ['orders', rec.order],
      ['payments', rec.payment],
    ],
    result: { order: { id: gid, cancelledAt: new Date(env.createdAt).toISOString() } },
  }
}

function docusignCall(env: BuildEnv): Call {
  const { rng } = env
  const vendor = rng.pick(VENDORS)
  const template = rng.pick(['msa', 'nda', 'order_form', 'dpa', 'sow'] as const)
  const valued = template === 'order_form' || template === 'sow' || template === 'msa'
  const currency = env.tenant.base
  const value = valued ? (env.want?.amount ?? Math.round(rng.logNormal(30000, 1, 2000, 1_500_000))) : null
  const args: Record<string, unknown> = {
    template,
    counterparty: vendor,
    signer_email: companyEmail(rng, vendor).replace(/^[a-z]+@/, 'legal@'),
  }
  if (value !== null) Object.assign(args, { contract_value: value, currency })
  return {
    tool: 'docusign_send_envelope',
    title: `Send ${template.toUpperCase().replace('_', ' ')} to ${vendor} for signature${value !== null ? ` (${formatMoney(value, currency)})` : ''}`,
    taskTitle: `Paper the ${vendor} agreement`,
    summary: `Envelope **${template}** to ${vendor} (${args.signer_email as string}).${value !== null ? ` Contract value ${formatMoney(value, currency)}.` : ''}`,
    args,
    amount: value,
    currency: value !== null ? currency : null,
    counterparty: vendor,
    riskBase: template === 'nda' ? 1 : 3,
    bands: [50000, 250000],
    result: { envelopeId: env.rng.uuid(), status: 'sent' },
  }
}

function linearCall(env: BuildEnv): Call {
  const { rng } = env
  const title = rng.pick([
    'Stripe webhook retries pile up after 02:00 UTC',
    'Refund guard rejects partial refunds on bundles',
    'Payout report CSV has duplicated header row',
    'NetSuite sync skips orders with 0 tax lines',
    'Add currency to the approvals CSV export',
  ])
  const team = rng.pick(['FIN', 'OPS', 'ENG', 'DATA'] as const)
  return {
    tool: 'linear_create_issue',
    title: `File ${team} issue: ${title}`,
    taskTitle: `Report: ${title}`,
    summary: `New issue for **${team}**: ${title}.`,
    args: {
      team,
      title,
      description: `Observed by ${env.agent.name} while working a task. Steps and sample ids in the task log.`,
      priority: rng.int(1, 4),
    },
    edit: (a) => ({ ...a, priority: 1 }),
    editReason: 'This one is urgent.',
    amount: null,
    currency: null,
    counterparty: null,
    riskBase: 0,
    bands: [],
    result: {
      issue: {
        identifier: `${team}-${env.nextNumber('linear')}`,
        url: `https://linear.app/demo/issue/${team}`,
      },
    },
  }
}

export function toolCallDraft(env: BuildEnv): Draft {
  const { rng, tenant } = env
  const commerce = tenant.slug !== 'northwind-group'
  const make = rng.weighted<(e: BuildEnv) => Call>([
    [slackCall, 24],
    [hubspotCall, 14],
    [gmailCall, 14],
    [linearCall, 12],
    [docusignCall, 8],
    [zendeskCall, commerce ? 16 : 0],
    [shopifyCall, tenant.slug === 'northwind-retail' || tenant.slug === 'acme-logistics' ? 12 : 0],
  ])
  const call = make(env)
  return {
    kind: 'tool_call',
    tool: call.tool,
    amount: call.amount,
    currency: call.currency,
    counterparty: call.counterparty,
    flags: rng.chance(0.04) ? ['first_time_tool'] : [],
    riskBase: call.riskBase,
    bands: call.bands,
    taskTitle: call.taskTitle,
    finish(o: Outcome) {
      const rows = call.evidenceRows ?? []
      if (o.executed && call.tool === 'shopify_cancel_order') {
        for (const [table, row] of rows) if (table === 'orders') row.status = 'cancelled'
      }
      const evidence: EvidenceRef[] = rows.map(([table, row]) => ({ table, id: row.id as string }))
      const edited = o.edited && call.edit ? call.edit(call.args) : call.args
      return {
        title: call.title,
        summary: call.summary,
        args: call.args,
        finalArgs: edited,
        finalAmount: call.amount,
        editReason: o.edited ? call.editReason : undefined,
        evidence,
        rows,
        actionResult: o.executed
          ? call.result
          : o.failed
            ? { error: { status: 503, message: 'Upstream unavailable' } }
            : null,
        taskDescription: call.summary.replace(/\*\*/g, ''),
      }
    },
  }
}

/** Tools whose requests can be approved with edits (the reviewer changes something meaningful). */
export function canEdit(tool: ToolName): boolean {
  return tool !== 'docusign_send_envelope'
}
