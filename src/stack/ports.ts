// Port checks for the stack, which needs two neighbours: the gateway on N and PostgreSQL on N + 1.
import { createServer } from 'node:net'

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, host, () => probe.close(() => resolve(true)))
  })
}

/** A random N with N and N + 1 both free (tests run next to other stacks on the same machine). */
export async function freePortPair(from = 20_000, to = 60_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * ((to - from) / 2)) * 2
    if ((await portIsFree(port)) && (await portIsFree(port + 1))) return port
  }
  throw new Error(`no free pair of ports found between ${from} and ${to}`)
}
