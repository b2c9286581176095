// agent.intake_per_s (issue 12): proposals accepted per second by the intake, several agents at
// once, each agent a process of its own filing through the SDK with a few requests in flight (as
// agents run apart from the server and from any console), each request made alone
// (requestApproval, which files those made while its previous call is on its way together;
// requests_per_call says how many went per call). Under agent.intake_one_per_call_* the same with
// that off: one call per request. With `batch` > 1, agent.intake_batch<N>_*: N requests per call
// made by the agent itself (requestApprovals, agent_propose_many). Beside it, where the CPU went per
// accepted proposal: the agents' processes (the SDK and its HTTP), the stack's gateway process
// (HTTP, JWT, pool, and its Realtime server fanning the pokes out), PostgreSQL (every process of
// the cluster: the RPCs, the Realtime listener, WAL and background work) and the bench's own
// process (a console that pulls the new requests as they arrive, when one is running). On a
// machine of C cores, 1000 × C / (their sum) is the rate the machine could reach (machine_ceiling_per_s).
import { spawn } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createAgentCredentials } from '../../src/agent-sdk/provision'
import { supabaseClient } from '../../src/stack/fixtures'
import { apiKeys } from '../../src/stack/keys'
import { TENANT } from './agents'
import { stackCpu } from './cpu'
import type { Backend } from './consoles'
import type { Results } from './report'
import { round } from './stats'

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'intake-child.ts')

interface AgentRun {
  accepted: number
  replayed: number
  refused: number
  calls: number
  cpuMs: number
}

function startAgent(job: object): { ready: Promise<void>; go(): void; done: Promise<AgentRun> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`bench intake agent exited with code ${code}`))))
  exited.catch(() => {})
  const line = async () => {
    const next = await Promise.race([lines.next(), exited])
    if (next.done) throw new Error('bench intake agent closed its output')
    return next.value as string
  }
  child.stdin.write(`${JSON.stringify(job)}\n`)
  const ready = line().then(() => undefined)
  let go!: () => void
  const started = new Promise<void>((resolve) => (go = resolve))
  const done = (async () => {
    await ready
    await started
    child.stdin.write('go\n')
    return JSON.parse(await line()) as AgentRun
  })()
  return { ready, go, done }
}

export async function measureIntake(
  backend: Backend,
  stackPid: number,
  opts: { proposals: number; agents: number; concurrency: number; batch: number; fileTogether?: boolean },
): Promise<Results> {
  const fileTogether = opts.fileTogether ?? true
  const key = opts.batch > 1 ? `agent.intake_batch${opts.batch}` : fileTogether ? 'agent.intake' : 'agent.intake_one_per_call'
  const { serviceRoleKey } = await apiKeys()
  const service = supabaseClient(backend, serviceRoleKey)
  const agents = []
  for (let i = 0; i < opts.agents; i++) {
    const creds = await createAgentCredentials(service, { tenant: TENANT, agent: `Bench intake ${i + 1}`, autonomy: 'A3', riskTier: 5 })
    agents.push(startAgent({
      url: backend.apiUrl,
      anonKey: backend.anonKey,
      email: creds.email,
      password: creds.password,
      proposals: Math.ceil(opts.proposals / opts.agents),
      concurrency: Math.max(1, Math.round(opts.concurrency / opts.agents)),
      batch: opts.batch,
      fileTogether,
    }))
  }
  await Promise.all(agents.map((a) => a.ready))

  const load0 = loadavg()[0]!
  const stack0 = stackCpu(stackPid)
  const bench0 = process.cpuUsage()
  const t0 = performance.now()
  for (const a of agents) a.go()
  const runs = await Promise.all(agents.map((a) => a.done))
  const seconds = (performance.now() - t0) / 1000
  const stack1 = stackCpu(stackPid)
  const bench = process.cpuUsage(bench0)

  const accepted = runs.reduce((n, r) => n + r.accepted, 0)
  const perProposal = (ms: number) => round(ms / accepted, 2)
  const client = perProposal(runs.reduce((n, r) => n + r.cpuMs, 0))
  const gateway = perProposal(stack1.gateway - stack0.gateway)
  const postgres = perProposal(stack1.postgres - stack0.postgres)
  const console = perProposal((bench.user + bench.system) / 1000)
  return {
    [`${key}_per_s`]: Math.round(accepted / seconds),
    [`${key}.accepted`]: accepted,
    // Fresh keys every time: anything but accepted is a fault of the run, shown rather than hidden.
    [`${key}.not_accepted`]: runs.reduce((n, r) => n + r.replayed + r.refused, 0),
    [`${key}.seconds`]: round(seconds, 2),
    [`${key}.requests_per_call`]: round(runs.reduce((n, r) => n + r.accepted + r.replayed + r.refused, 0) / runs.reduce((n, r) => n + r.calls, 0), 2),
    [`${key}.cpu_ms.agents`]: client,
    [`${key}.cpu_ms.gateway`]: gateway,
    [`${key}.cpu_ms.postgres`]: postgres,
    [`${key}.cpu_ms.bench_console`]: console,
    [`${key}.cpu_ms.total`]: round(client + gateway + postgres + console, 2),
    // What this machine would reach if every core did nothing but this: the bar's headroom at this
    // CPU per proposal, whatever else shares the cores meanwhile.
    [`${key}.machine_ceiling_per_s`]: Math.round((1000 * availableParallelism()) / (client + gateway + postgres + console)),
    // The machine's load beside the figure (others' work shares its cores).
    [`${key}.load_1m_before`]: round(load0, 2),
    [`${key}.load_1m_after`]: round(loadavg()[0]!, 2),
  }
}
