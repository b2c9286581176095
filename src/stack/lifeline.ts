// Stops a foreground stack when the command that launched it is gone. `npm run stack` and
// `npx tsx` start it through npm → sh → tsx; a SIGTERM sent to npm alone kills npm and sh but
// reaches neither tsx nor the stack, which would then run on, unowned, with its PostgreSQL.
import { existsSync, readFileSync } from 'node:fs'

/** The parent of a process, from /proc (Linux); undefined when it cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command: state, then the parent pid.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ppid = Number(fields[1])
    return Number.isInteger(ppid) ? ppid : undefined
  } catch {
    return undefined
  }
}

/** This process's launch chain: parent, grandparent, … up to `depth` processes, stopping at init. */
function ancestors(depth: number): { pid: number; parent: number }[] {
  const chain: { pid: number; parent: number }[] = []
  let pid = process.ppid
  while (chain.length < depth && pid > 1) {
    const parent = parentOf(pid)
    if (parent === undefined) break
    chain.push({ pid, parent })
    pid = parent
  }
  return chain
}

/**
 * Calls onGone once when one of the first `depth` launching processes is re-parented (the process
 * above it died). Two levels cover npm → sh → tsx → stack without tying the stack to the shell
 * that ran npm (`nohup npm run stack &` survives its terminal). Checks once a second; does
 * nothing where /proc does not exist.
 */
export function watchLauncher(onGone: () => void, depth = 2): () => void {
  if (!existsSync('/proc/self/stat')) return () => {}
  const chain = ancestors(depth)
  const timer = setInterval(() => {
    if (chain.some((link) => parentOf(link.pid) !== link.parent)) {
      clearInterval(timer)
      onGone()
    }
  }, 1_000)
  timer.unref()
  return () => clearInterval(timer)
}
