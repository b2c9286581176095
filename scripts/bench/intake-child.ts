// One agent's process for the intake throughput (scripts/bench/intake.ts): an agent runs on its own
// machine, so its SDK's work must not share the bench's event loop (which also runs a console).
// Reads {url, anonKey, email, password, proposals, concurrency, batch, fileTogether} as one JSON
// line on stdin, signs in, prints "ready", waits for "go", files its proposals through the SDK with
// `concurrency` requests in flight — one at a time each (requestApproval, which files those made
// meanwhile together unless fileTogether is false) when batch is 1, else `batch` per call
// (requestApprovals) — then prints one JSON line: {accepted, replayed, refused, calls, cpuMs}
// (calls: intake calls made; cpuMs: this process's CPU while filing).
import { createInterface } from 'node:readline'
import { AgentClient, AgentRefusal } from '../../src/agent-sdk/index'
import { benchRefund } from './refund'

interface Job {
  url: string
  anonKey: string
  email: string
  password: string
  proposals: number
  concurrency: number
  batch: number
  fileTogether: boolean
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  const job = JSON.parse(((await lines.next()).value as string | undefined) ?? '') as Job
  const agent = await AgentClient.signIn({ url: job.url, anonKey: job.anonKey, email: job.email, password: job.password, fileTogether: job.fileTogether })
  let calls = 0
  const call = agent.call.bind(agent)
  agent.call = (fn, params) => {
    if (fn.startsWith('agent_propose')) calls++
    return call(fn, params)
  }
  process.stdout.write('ready\n')
  await lines.next()
  const cpu0 = process.cpuUsage()
  let next = 0
  let accepted = 0
  let replayed = 0
  let refused = 0
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.proposals) {
        const size = Math.min(job.batch, job.proposals - next)
        const requests = Array.from({ length: size }, () => benchRefund(100 + (++next % 5000)))
        const answers = job.batch === 1 ? [await agent.requestApproval(requests[0]!)] : await agent.requestApprovals(requests)
        for (const a of answers) {
          if (a instanceof AgentRefusal) refused++
          else if (a.replayed) replayed++
          else accepted++
        }
      }
    }),
  )
  const cpu = process.cpuUsage(cpu0)
  process.stdout.write(`${JSON.stringify({ accepted, replayed, refused, calls, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`)
  await agent.close()
  process.exit(0)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  process.exit(1)
})
