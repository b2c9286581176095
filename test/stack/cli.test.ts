// `npm run stack` as a developer runs it: prints how to connect, keeps its data between runs,
// refuses a second copy on the same folder, and on SIGTERM (or after a crash) leaves no PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src/stack/database'
import { freePortPair } from '../../src/stack/ports'
import { eventually } from './support'

const dataDir = mkdtempSync(join(tmpdir(), 'oc-cli-stack-'))
const started: ChildProcess[] = []

afterAll(() => {
  // Only a failed test leaves a run behind; its whole process group goes.
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // that group is already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true })
})

interface Run {
  child: ChildProcess
  output: () => string
  /** Resolves when every process of the run has closed its stdout (npx, tsx and the stack). */
  closed: Promise<void>
}

/** Starts the CLI as its own process group, as a terminal job is. */
function runStack(port: number): Run {
  const child = spawn('npx', ['tsx', 'scripts/stack.ts', '--port', String(port), '--data', dataDir], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const closed = new Promise<void>((resolve) => child.stdout!.on('close', () => resolve()))
  return { child, output: () => out, closed }
}

/** Processes whose command line names this data folder (the stack and its PostgreSQL). */
function processesOn(dir: string): { pid: number; ppid: number; cmd: string }[] {
  const found: { pid: number; ppid: number; cmd: string }[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')
      // stat: "pid (comm) state ppid …", comm may hold spaces and parentheses: read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (cmd.includes(dir)) found.push({ pid: Number(entry), ppid, cmd })
    } catch {
      // the process ended while we looked
    }
  }
  return found
}

/**
 * The PostgreSQL servers on this data folder. A backend the server has just forked still carries
 * the server's command line until it sets its own title ("postgres: checkpointer", …): a process
 * whose parent is one of them is one of its backends, not another server.
 */
function postgresOn(dir: string): { pid: number; cmd: string }[] {
  const postgres = processesOn(dir).filter((p) => p.cmd.includes('bin/postgres'))
  const pids = new Set(postgres.map((p) => p.pid))
  return postgres.filter((p) => !pids.has(p.ppid))
}

describe('npm run stack', () => {
  it('prints the connection lines and demo users, then stops cleanly on SIGTERM', async () => {
    const port = await freePortPair()
    const run = runStack(port)
    await eventually(
      () => run.output().includes('Stack running'),
      () => `the stack to start; its output:\n${run.output()}`,
      60_000,
    )
    const lines = run.output().split('\n')
    expect(lines).toContain(`API URL: http://127.0.0.1:${port}`)
    expect(lines).toContain(`DB URL: postgresql://postgres:postgres@127.0.0.1:${port + 1}/postgres`)
    expect(lines.some((l) => /^anon key: eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(l))).toBe(true)
    expect(lines.some((l) => /^service_role key: eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(l))).toBe(true)
    for (const email of ['finance', 'ops', 'viewer', 'manager', 'outsider']) {
      expect(lines.some((l) => l.startsWith(`demo user: ${email}@demo.test / demo-password (`))).toBe(true)
    }
    expect(postgresOn(dataDir)).toHaveLength(1)

    const anonKey = lines.find((l) => l.startsWith('anon key: '))!.slice('anon key: '.length)
    const res = await fetch(`http://127.0.0.1:${port}/rest/v1/rpc/whoami`, {
      method: 'POST',
      headers: { apikey: anonKey },
    })
    expect(res.status).toBe(200)

    process.kill(-run.child.pid!, 'SIGTERM')
    await run.closed
    expect(run.output()).toContain('Stack stopped.')
    await eventually(() => processesOn(dataDir).length === 0, 'no process left on the data folder')
  }, 90_000)

  it('stops when only the launching npx is killed (npm does not pass SIGTERM on through sh)', async () => {
    const run = runStack(await freePortPair())
    await eventually(() => run.output().includes('Stack running'), 'the stack to start', 60_000)
    run.child.kill('SIGTERM')
    await run.closed
    expect(run.output()).toContain('Stack stopped.')
    await eventually(() => processesOn(dataDir).length === 0, 'no process left on the data folder')
  }, 90_000)

  it('refuses a second stack on the same folder while one runs', async () => {
    const first = runStack(await freePortPair())
    await eventually(() => first.output().includes('Stack running'), 'the first stack to start', 60_000)
    const second = runStack(await freePortPair())
    await second.closed
    expect(second.output()).toMatch(/a stack is already running from/)
    expect(postgresOn(dataDir)).toHaveLength(1)
    process.kill(-first.child.pid!, 'SIGINT')
    await first.closed
    await eventually(() => processesOn(dataDir).length === 0, 'no process left on the data folder')
  }, 90_000)

  it('recovers after a crash: the PostgreSQL a killed stack left behind is stopped on the next start', async () => {
    const crashed = runStack(await freePortPair())
    await eventually(() => crashed.output().includes('Stack running'), 'the stack to start', 60_000)
    // SIGKILL the stack's own process, as a crash would: PostgreSQL survives it.
    const record = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { pid: number }
    process.kill(record.pid, 'SIGKILL')
    await crashed.closed
    const orphan = postgresOn(dataDir)
    expect(orphan).toHaveLength(1)

    const next = runStack(await freePortPair())
    await eventually(
      () => next.output().includes('Stack running'),
      () => `the next stack to start; its output:\n${next.output()}`,
      60_000,
    )
    const now = postgresOn(dataDir)
    expect(now).toHaveLength(1)
    expect(now[0]!.pid).not.toBe(orphan[0]!.pid)
    process.kill(-next.child.pid!, 'SIGTERM')
    await next.closed
    await eventually(() => processesOn(dataDir).length === 0, 'no process left on the data folder')
  }, 120_000)
})
