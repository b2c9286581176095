// `npm test`: every test, in two lanes at once. The machines this runs on have two cores and one
// test file rarely keeps both busy (a browser test mostly waits on the page, a database test on
// PostgreSQL), yet two files of one kind at once made load-sensitive waits time out. So the lanes
// are of different kinds: the browser lane (end-to-end tests through Chromium and the crash
// suite's child processes) and the core lane (everything else, then the schema, push and Realtime
// suites again on PostgreSQL 15 and 17). Each lane runs its files one at a time against a stack
// of its own (free ports). Every command runs even after one fails, so a run reports every failure;
// the exit code is non-zero if any did. Arguments after `--` go to every vitest command.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** The browser lane's files (a folder ends in /); the core lane runs all others. */
const BROWSER_LANE = ['test/e2e/', 'test/core/crash.test.ts', 'test/shell/web-shell-browser.test.ts']
/**
 * Run last in the browser lane, once the core lane is done: 100k rows through a first sync and the
 * page, with waits sized for a machine that is not also running other tests; and the decision
 * latency, whose figures go into the bench JSON (measured beside the core lane, they measured that
 * lane: p95 53 ms and p50 18 in one run, against 9–12 and 5 alone).
 */
const ALONE_AT_THE_END = ['test/e2e/inbox-scale.test.ts', 'test/e2e/decision-latency.test.ts']
const PG_MAJOR_SUITES = ['test/schema', 'test/push', 'test/stack/realtime.test.ts']

interface Command {
  args: string[]
  env?: Record<string, string>
}

const extra = process.argv.slice(2)
const browserLane: Command = { args: [...BROWSER_LANE, ...ALONE_AT_THE_END.flatMap((f) => ['--exclude', f]), ...extra] }
const alone: Command = { args: [...ALONE_AT_THE_END, ...extra] }
const coreLane: Command[] = [
  { args: [...BROWSER_LANE.flatMap((f) => ['--exclude', f.endsWith('/') ? `${f}**` : f]), ...extra] },
  ...['15', '17'].map((major) => ({ args: [...PG_MAJOR_SUITES, ...extra], env: { STACK_PG_MAJOR: major } })),
]

function run(lane: string, command: Command): Promise<number> {
  const label = command.env?.STACK_PG_MAJOR ? `${lane}/pg${command.env.STACK_PG_MAJOR}` : lane
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...command.args], {
      env: { ...process.env, ...command.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${label}] ${line}\n`))
    }
    child.on('error', (err) => {
      process.stdout.write(`[${label}] could not start vitest: ${err.message}\n`)
      resolve(1)
    })
    child.on('close', (code) => resolve(code ?? 1))
  })
}

async function runLane(lane: string, commands: Command[]): Promise<number[]> {
  const codes: number[] = []
  for (const command of commands) codes.push(await run(lane, command))
  return codes
}

const started = performance.now()
const core = runLane('core', coreLane)
const browser = (async () => {
  const codes = [await run('browser', browserLane)]
  await core
  codes.push(await run('browser', alone))
  return codes
})()
const results = await Promise.all([browser, core])
const failed = results.flat().filter((code) => code !== 0).length
const seconds = Math.round((performance.now() - started) / 1000)
process.stdout.write(`\nnpm test: ${failed === 0 ? 'every command passed' : `${failed} command(s) failed`} in ${seconds} s\n`)
process.exit(failed === 0 ? 0 : 1)
