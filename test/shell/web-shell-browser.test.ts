// The web shell in a real browser (Debian's Chromium): the printed address opens the renderer, the
// bridge takes the token from the fragment and clears it from the address bar, the page reaches the
// real core through `window.api` and a reviewer signs in to see the inbox; without the token the
// page gets a plain typed refusal; and the CSP forbids eval and foreign connections.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { chromiumUnavailable, launchChromium, startWebShell, type HarnessShell } from '../e2e/harness'
import { createAgent, createApproval, createMember, createTenant, type UserRef } from '../support/fixtures'

const noChromium = chromiumUnavailable()
if (noChromium) console.info(`test/shell/web-shell-browser.test.ts skipped: ${noChromium}`)

describe.skipIf(!!noChromium)(`web shell in Chromium${noChromium ? ` — skipped: ${noChromium}` : ''}`, () => {
  let shell: HarnessShell
  let browser: Browser
  let reviewer: UserRef

  beforeAll(async () => {
    const tenant = await createTenant({ name: 'Browser Shell Ltd' })
    reviewer = await createMember(tenant.id, 'finance', { label: 'browser' })
    const agent = await createAgent(tenant.id)
    await createApproval(tenant.id, { agentId: agent.id, title: 'Refund for the browser test', riskLevel: 2 })
    const stack = inject('stack')
    ;[shell, browser] = await Promise.all([startWebShell({ apiUrl: stack.apiUrl, anonKey: stack.anonKey }), launchChromium()])
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  it('opens from the printed address, clears the token from it, and signs in to the inbox', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(err.message))
    await page.goto(shell.url)
    await expect.poll(() => page.url()).toBe(`${shell.origin}/`)
    await page.waitForFunction(() => 'api' in window)
    const session = await page.evaluate(() => (window as unknown as { api: { call(m: string, a: object): Promise<unknown> } }).api.call('session.get', {}))
    expect(session).toMatchObject({ ok: true, value: { status: 'signed_out', backend: { isLocalStack: true } } })

    await page.getByLabel('Email').fill(reviewer.email)
    await page.getByLabel('Password').fill('demo-password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect.poll(() => page.getByRole('option').filter({ hasText: 'Refund for the browser test' }).count(), { timeout: 30_000 }).toBe(1)
    // A reload keeps the connection: the token stays in this tab's session storage.
    await page.reload()
    await expect.poll(() => page.getByRole('option').filter({ hasText: 'Refund for the browser test' }).count(), { timeout: 30_000 }).toBe(1)
    expect(problems).toEqual([])
    await page.close()
  })

  it('without the token the page is told how to get in, and the core is never reached', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${shell.origin}/`)
    await page.waitForFunction(() => 'api' in window)
    const outcome = await page.evaluate(() => (window as unknown as { api: { call(m: string, a: object): Promise<unknown> } }).api.call('session.get', {}))
    expect(outcome).toMatchObject({ ok: false, error: { code: 'backend_unreachable', message: expect.stringContaining('npm run dev:web') } })
    await context.close()
  })

  it('enforces the CSP: no eval, no connections to other origins, no inline script', async () => {
    const page = await browser.newPage()
    // A same-origin script (allowed by script-src 'self') that tries eval: DevTools' own evaluate
    // is exempt from CSP, so the probe must run as page code.
    await page.route('**/csp-probe.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: "try { eval('1 + 1'); window.__evalVerdict = 'ran' } catch { window.__evalVerdict = 'blocked' }",
      }),
    )
    await page.goto(shell.url)
    await page.addScriptTag({ url: '/csp-probe.js' })
    const verdicts = await page.evaluate(async () => {
      const w = window as unknown as { __evalVerdict?: string; __inline?: boolean }
      const out: Record<string, string | undefined> = { eval: w.__evalVerdict }
      try {
        await fetch('http://127.0.0.1:9/')
        out.fetch = 'ran'
      } catch {
        out.fetch = 'blocked'
      }
      const script = document.createElement('script')
      script.textContent = 'window.__inline = true'
      document.body.appendChild(script)
      out.inline = w.__inline ? 'ran' : 'blocked'
      return out
    })
    expect(verdicts).toEqual({ eval: 'blocked', fetch: 'blocked', inline: 'blocked' })
    await page.close()
  })
})
