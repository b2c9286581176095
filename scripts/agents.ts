// `npm run agents`: a few simulated agents that file requests of every kind against the local stack
// (or any Supabase: SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY) at a steady rate and
// react to each decision — run the approved args, take a rejection's code to heart (and now and
// then ask again anyway, which the loop guard refuses and flags), note expiries — so the console
// shows work arriving and leaving live. Each agent signs in with its own credential, issued at start.
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { AgentClient, AgentRefusal, type ApprovalHandle, type ApprovalRequest } from '../src/agent-sdk/index'
import { createAgentCredentials } from '../src/agent-sdk/provision'
import { supabaseClient } from '../src/stack/fixtures'
import { serviceTarget } from './agent-create'

const USAGE = `usage: npm run agents -- [--tenant SLUG] [--rate N] [--duration S] [--policy]
  --tenant SLUG   tenant the agents work for; default northwind-retail
  --rate N        proposals per minute per agent; default 4
  --duration S    stop after S seconds; default: until Ctrl-C
  --policy        first install a demo refund policy (tiny refunds auto-approved, large ones
                  four-eyes, huge ones denied) as the tenant admin ADMIN_EMAIL / ADMIN_PASSWORD
                  (default grace.okafor@demo.test / demo-password on the local stack)`

type Rng = () => number
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!
const between = (rng: Rng, lo: number, hi: number) => Math.round(lo + rng() * (hi - lo))
const token = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => pick(rng, [...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'])).join('')

/** One simulated agent: who it is and what it asks for. */
export interface DemoProfile {
  name: string
  autonomy: 'A2' | 'A3'
  riskTier: number
  propose(rng: Rng): Omit<ApprovalRequest, 'idempotencyKey'>
}

const today = () => new Date().toISOString().slice(0, 10)
const period = () => new Date().toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' })

export const DEMO_PROFILES: DemoProfile[] = [
  {
    name: 'Refund Desk (demo)',
    autonomy: 'A3',
    riskTier: 4,
    propose: (rng) => {
      // Mostly small refunds, some large, a few huge: every policy route shows up.
      const cents = pick(rng, [between(rng, 300, 2500), between(rng, 3000, 90_000), between(rng, 150_000, 900_000)])
      const order = `#${between(rng, 1000, 9999)}`
      return {
        tool: 'stripe.refund',
        kind: 'refund',
        title: `Refund ${(cents / 100).toFixed(2)} USD for order ${order}`,
        summary: `Customer reported a ${pick(rng, ['duplicate charge', 'damaged item', 'late delivery'])} on order ${order}.`,
        args: {
          charge: `ch_${token(rng, 20)}`,
          amount: cents,
          currency: 'usd',
          reason: pick(rng, ['duplicate', 'requested_by_customer'] as const),
          metadata: { order_number: order },
        },
      }
    },
  },
  {
    name: 'Treasury Runner (demo)',
    autonomy: 'A2',
    riskTier: 4,
    propose: (rng) => {
      if (rng() < 0.5) {
        const cents = between(rng, 50_000, 4_000_000)
        const beneficiary = pick(rng, ['Globex GmbH', 'Initech Ltd', 'Umbrella Supplies', 'Hooli Freight'])
        return {
          tool: 'stripe.payout',
          kind: 'payout',
          title: `Payout ${(cents / 100).toFixed(2)} USD to ${beneficiary}`,
          args: {
            amount: cents,
            currency: 'usd',
            destination: `ba_${token(rng, 16)}`,
            method: pick(rng, ['standard', 'instant'] as const),
            metadata: { beneficiary, payout_ref: `PO-${between(rng, 10000, 99999)}` },
          },
        }
      }
      const amount = between(rng, 100, 20_000)
      return {
        tool: 'netsuite.journal_post',
        kind: 'journal_posting',
        title: `Accrue ${amount} USD of ${pick(rng, ['hosting', 'contractor', 'freight'])} costs`,
        args: {
          subsidiary_id: '1',
          tran_date: today(),
          posting_period: period(),
          currency: 'USD',
          memo: 'Month-end accrual prepared by the treasury agent',
          lines: [
            { account: '6100', account_name: 'Operating expenses', debit: amount },
            { account: '2100', account_name: 'Accrued liabilities', credit: amount },
          ],
        },
      }
    },
  },
  {
    name: 'Ops Helper (demo)',
    autonomy: 'A3',
    riskTier: 3,
    propose: (rng) => {
      const roll = rng()
      if (roll < 0.35) {
        return {
          tool: 'slack.post',
          title: 'Post the daily refunds summary',
          args: { channel: '#finance-ops', text: `Refunds today: ${between(rng, 3, 40)}` },
        }
      }
      if (roll < 0.7) {
        return {
          tool: 'gmail.send',
          title: 'Email a customer about their refund',
          args: {
            to: [`customer${between(rng, 1, 999)}@example.com`],
            subject: 'Your refund is on its way',
            body_text: 'Hello, we have processed your refund. It should arrive within 5 business days.',
          },
        }
      }
      const amount = between(rng, 20, 3000)
      return {
        tool: 'ramp.create_purchase',
        kind: 'spend',
        title: `Buy ${pick(rng, ['a monitoring add-on', 'design licences', 'a team offsite venue'])}`,
        args: {
          vendor: pick(rng, ['Datadog', 'Figma', 'Notion', 'Venue Co']),
          amount,
          currency: 'USD',
          category: pick(rng, ['software', 'services'] as const),
          justification: 'Requested by the operations team for the next quarter.',
          recurring: pick(rng, ['one_time', 'monthly'] as const),
        },
      }
    },
  },
]

/** The demo refund policy: every route of a policy in one tool. */
export const DEMO_REFUND_POLICY = {
  name: 'demo refunds',
  approval: 'required',
  rules: [
    { name: 'tiny refunds', route: 'auto', when: { amount_at_most: 25 } },
    { name: 'huge refunds', route: 'deny', when: { amount_above: 5000 } },
    { name: 'large refunds', route: 'four_eyes', when: { amount_above: 500 } },
  ],
}

export interface RunOptions {
  url: string
  anonKey: string
  serviceRoleKey: string
  tenant: string
  /** Proposals per minute per agent. */
  rate: number
  /** Stop after this many ms (undefined = until stop()). */
  durationMs?: number
  log?: (line: string) => void
  profiles?: DemoProfile[]
  pollIntervalMs?: number
}

export interface DemoRun {
  agents: { name: string; agentId: string; client: AgentClient }[]
  /** Resolves when the run ends (duration over or stop()). */
  done: Promise<void>
  stop(): Promise<void>
}

/** Starts the simulated agents; each proposes at the rate and reacts to every decision. */
export async function runDemoAgents(opts: RunOptions): Promise<DemoRun> {
  const log = opts.log ?? ((line: string) => console.log(line))
  const service = supabaseClient({ apiUrl: opts.url, anonKey: opts.anonKey }, opts.serviceRoleKey)
  const profiles = opts.profiles ?? DEMO_PROFILES
  const agents = await Promise.all(
    profiles.map(async (p) => {
      const creds = await createAgentCredentials(service, { tenant: opts.tenant, agent: p.name, autonomy: p.autonomy, riskTier: p.riskTier })
      const client = await AgentClient.signIn({ url: opts.url, anonKey: opts.anonKey, email: creds.email, password: creds.password, pollIntervalMs: opts.pollIntervalMs })
      return { profile: p, name: p.name, agentId: creds.agentId, client }
    }),
  )
  let stopped = false
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const waits = new Set<Promise<unknown>>()
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))

  const react = async (agent: (typeof agents)[number], req: ApprovalRequest, handle: ApprovalHandle) => {
    const d = await handle.decision()
    const what = `${agent.name}: ${req.title ?? String(req.tool)}`
    if (d.outcome === 'approved') {
      log(`✔ ${what} — approved${d.route === 'auto' ? ` by rule "${d.rule}"` : ''}${d.edited ? ' with edits' : ''}; running with ${JSON.stringify(d.args).slice(0, 80)}`)
    } else if (d.outcome === 'rejected') {
      log(`✖ ${what} — ${d.reasonCode}${d.reason ? `: ${d.reason}` : ''}`)
      // Agents do misbehave: now and then one asks for exactly the same thing again.
      if (d.reasonCode === 'reviewer_rejected' && Math.random() < 0.3) {
        try {
          await agent.client.requestApproval({ ...req, idempotencyKey: randomUUID() })
        } catch (err) {
          if (err instanceof AgentRefusal) log(`⚑ ${agent.name} asked again after a rejection: ${err.code}`)
        }
      }
    } else {
      log(`… ${what} — ${d.outcome}`)
    }
  }

  const tick = async (agent: (typeof agents)[number]) => {
    if (stopped) return
    const req: ApprovalRequest = { ...agent.profile.propose(Math.random), idempotencyKey: randomUUID() }
    try {
      const handle = await agent.client.requestApproval(req)
      log(`→ ${agent.name}: ${req.title ?? String(req.tool)} (${handle.view.route}${handle.view.rule !== 'default' ? `, rule "${handle.view.rule}"` : ''})`)
      const w = react(agent, req, handle).catch((err: Error) => {
        if (!stopped) log(`! ${agent.name}: ${err.message}`)
      })
      waits.add(w)
      void w.finally(() => waits.delete(w))
    } catch (err) {
      log(`! ${agent.name}: ${err instanceof AgentRefusal ? err.code : (err as Error).message}`)
    }
    // Poisson arrivals around the configured rate.
    const meanMs = 60_000 / opts.rate
    const t = setTimeout(() => {
      timers.delete(t)
      void tick(agent)
    }, -Math.log(1 - Math.random()) * meanMs)
    timers.add(t)
  }

  const stop = async () => {
    if (stopped) return done
    stopped = true
    for (const t of timers) clearTimeout(t)
    await Promise.all(agents.map((a) => a.client.close().catch(() => {})))
    finish()
    return done
  }
  for (const a of agents) void tick(a)
  if (opts.durationMs !== undefined) {
    const t = setTimeout(() => void stop(), opts.durationMs)
    timers.add(t)
  }
  return { agents: agents.map(({ name, agentId, client }) => ({ name, agentId, client })), done, stop }
}

/** Installs the demo refund policy as a tenant admin, through sync_push like the console would. */
async function installDemoPolicy(url: string, anonKey: string, tenant: string, log: (l: string) => void): Promise<void> {
  const email = process.env.ADMIN_EMAIL ?? 'grace.okafor@demo.test'
  const password = process.env.ADMIN_PASSWORD ?? 'demo-password'
  const reviewer = supabaseClient({ apiUrl: url, anonKey })
  const signedIn = await reviewer.auth.signInWithPassword({ email, password })
  if (signedIn.error) throw new Error(`sign-in as ${email} failed: ${signedIn.error.message}`)
  // The console's own feed finds the tool, page by page (tools stream early).
  type Row = { id: string; slug?: string; app?: string; tool_key?: string; tenant_id?: string }
  let cursors: unknown = {}
  let tenantId: string | undefined
  let refund: Row | undefined
  for (let page = 0; page < 50 && !refund; page++) {
    const pulled = await reviewer.rpc('sync_pull', { p_cursors: cursors, p_limit: 1000 })
    if (pulled.error) throw new Error(`reading the tools failed: ${pulled.error.message}`)
    const answer = pulled.data as { changes: Record<string, Row[]>; cursors: unknown; has_more: boolean }
    tenantId ??= answer.changes.tenants?.find((t) => t.slug === tenant || t.id === tenant)?.id
    refund = answer.changes.tools?.find((t) => t.app === 'stripe' && t.tool_key === 'refund' && t.tenant_id === tenantId)
    cursors = answer.cursors
    if (!answer.has_more) break
  }
  if (!refund) throw new Error(`no stripe.refund tool visible to ${email} in ${tenant}`)
  const pushed = await reviewer.rpc('sync_push', {
    p_mutations: [{ client_mutation_id: randomUUID(), kind: 'policy.set', client_created_at: new Date().toISOString(),
                    args: { tool_id: refund.id, policy: DEMO_REFUND_POLICY } }],
  })
  const result = (pushed.data as { results?: { status: string; code?: string; message?: string }[] } | null)?.results?.[0]
  if (pushed.error || result?.status !== 'applied') {
    throw new Error(`policy.set refused: ${pushed.error?.message ?? `${result?.code} ${result?.message}`}`)
  }
  log(`Installed the "${DEMO_REFUND_POLICY.name}" policy on stripe.refund as ${email}.`)
  await reviewer.auth.signOut()
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string', default: 'northwind-retail' },
      rate: { type: 'string', default: '4' },
      duration: { type: 'string' },
      policy: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const rate = Number(values.rate)
  if (!(rate > 0 && rate <= 6000)) throw new Error('--rate must be a number of proposals per minute, 0 < N ≤ 6000')
  const duration = values.duration === undefined ? undefined : Number(values.duration)
  if (duration !== undefined && !(duration > 0)) throw new Error('--duration must be a number of seconds')
  const target = await serviceTarget()
  if (values.policy) await installDemoPolicy(target.url, target.anonKey, values.tenant, console.log)
  const run = await runDemoAgents({ ...target, tenant: values.tenant, rate, durationMs: duration === undefined ? undefined : duration * 1000 })
  console.log(`${run.agents.length} agents working for ${values.tenant} at ${rate}/min each against ${target.url}; Ctrl-C stops them.`)
  const onSignal = () => void run.stop()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  await run.done
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exitCode = 1
  })
}
