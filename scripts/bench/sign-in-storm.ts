// `npx tsx scripts/bench/sign-in-storm.ts [--many-accounts]`: how a burst of 150 parallel bad
// password sign-ins (distinct guesses at one account, or at 150 e-mails with --many-accounts)
// affects everyone else's calls: latency of GET /auth/v1/user, called in a loop by a signed-in
// reviewer while the burst runs, against a quiet baseline.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStack } from '../../src/stack/index'
import { percentile } from './stats'

const BURST = 150
const EMAIL = 'finance@demo.test'
const manyAccounts = process.argv.includes('--many-accounts')

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-storm-'))
  const stack = await startStack({ port: 0, dataDir: dir, fresh: true, seed: true })
  const headers = { apikey: stack.anonKey, 'content-type': 'application/json' }
  const signIn = (password: string, email = EMAIL) =>
    fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email, password }),
    })
  try {
    const session = (await (await signIn('demo-password')).json()) as { access_token: string }
    const probe = async (): Promise<number> => {
      const start = performance.now()
      const res = await fetch(`${stack.apiUrl}/auth/v1/user`, {
        headers: { ...headers, authorization: `Bearer ${session.access_token}` },
      })
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`GET /user answered ${res.status}`)
      return performance.now() - start
    }
    const quiet: number[] = []
    for (let i = 0; i < 50; i++) quiet.push(await probe())

    const during: number[] = []
    let running = true
    const prober = (async () => {
      while (running) during.push(await probe())
    })()
    const started = performance.now()
    const statuses = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        signIn(`wrong-guess-${i}`, manyAccounts ? `guess-${i}@demo.test` : EMAIL).then(
          async (r) => (await r.arrayBuffer(), r.status),
        ),
      ),
    )
    const burstMs = performance.now() - started
    running = false
    await prober
    const count = (s: number) => statuses.filter((x) => x === s).length
    const ms = (v: number) => `${v.toFixed(1)} ms`
    console.log(
      `burst of ${BURST} bad sign-ins: ${ms(burstMs)}; 400: ${count(400)}, 429: ${count(429)}, other: ${BURST - count(400) - count(429)}`,
    )
    console.log(
      `GET /auth/v1/user quiet:  n=${quiet.length} p50 ${ms(percentile(quiet, 50))} p95 ${ms(percentile(quiet, 95))}`,
    )
    console.log(
      `GET /auth/v1/user burst:  n=${during.length} p50 ${ms(percentile(during, 50))} p95 ${ms(percentile(during, 95))} max ${ms(Math.max(...during))}`,
    )
  } finally {
    await stack.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
