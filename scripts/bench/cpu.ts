// CPU time of the bench's stack, read from /proc (Linux): its gateway process and every
// PostgreSQL process below it, ended ones included.
import { readdirSync, readFileSync } from 'node:fs'

/**
 * CPU milliseconds used so far by each process, from /proc (Linux): `own` (user + system) and
 * `reaped`, what its children that ended and were waited for had used (cutime + cstime).
 */
function cpuByProcess(): Map<number, { ppid: number; own: number; reaped: number }> {
  const out = new Map<number, { ppid: number; own: number; reaped: number }>()
  const ticksPerSecond = 100 // USER_HZ, the unit of /proc's times: 100 on Linux's usual builds
  const ms = (ticks: string | undefined) => (Number(ticks) * 1000) / ticksPerSecond
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the command name (which may hold spaces): state ppid … utime(12) stime(13)
      // cutime(14) cstime(15).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(entry), { ppid: Number(f[1]), own: ms(f[11]) + ms(f[12]), reaped: ms(f[13]) + ms(f[14]) })
    } catch {
      // The process ended meanwhile.
    }
  }
  return out
}

/**
 * The stack's own CPU (its process) and its PostgreSQL's: every descendant process, and what the
 * ones that ended had used. The gateway's pool closes connections idle for 30 s, and a backend
 * that ends mid-run must not take its CPU out of the sum (it moves to its parent's reaped time).
 */
export function stackCpu(stackPid: number): { gateway: number; postgres: number } {
  const all = cpuByProcess()
  let postgres = 0
  const walk = (pid: number) => {
    for (const [child, p] of all) {
      if (p.ppid !== pid) continue
      postgres += p.own + p.reaped
      walk(child)
    }
  }
  walk(stackPid)
  return { gateway: all.get(stackPid)?.own ?? Number.NaN, postgres }
}
