// The split inbox for every reviewer role: Needs me lists what this reviewer may decide now, Others
// what they see but may not (another approver's, their own request, above their limit or risk
// ceiling, read-only). The header badge and the window title count Needs me only; a viewer sees no
// count. Tab on the list moves to Others and Shift+Tab back, and past the ends Tab is Tab again;
// Esc on another view stays there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createAgent, createApproval, createTenant, type TenantRef } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { openConsole, signIn, until } from './helpers/console'
import { createReviewer, type Reviewer } from './helpers/workspace'

const skip = chromiumUnavailable()

interface Expected {
  mine: string[]
  others: string[]
}

async function laneTitles(page: Page, lane: 'mine' | 'others', n: number): Promise<string[]> {
  const tab = page.getByTestId(`lane-${lane}`)
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click()
  return until(async () => {
    const titles = await page.locator('[data-testid="inbox-list"] [role="option"] .row-title').allInnerTexts()
    const empty = await page.locator('.list-empty').count()
    if (n === 0) return empty > 0 ? ['(empty)'] : null
    return titles.length === n ? titles.sort() : null
  }, `${n} rows in ${lane}`).catch(async (err: unknown) => {
    throw new Error(`${String(err)}; the list pane shows: ${(await page.locator('.inbox-view').innerText().catch(() => 'no inbox view')).slice(0, 600)}`)
  })
}

async function signOut(page: Page): Promise<void> {
  await page.keyboard.press('Control+k')
  await page.keyboard.type('Sign out')
  await page.keyboard.press('Enter')
  await page.getByRole('dialog', { name: 'Sign out' }).getByRole('button', { name: /^Sign out/ }).click()
  await page.getByLabel('Email').waitFor()
}

describe.skipIf(skip)('Needs me and Others for every role', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let tenant: TenantRef
  const people: Record<string, Reviewer> = {}
  const expected: Record<string, Expected> = {}

  beforeAll(async () => {
    tenant = await createTenant({ name: 'Lanes Ltd' })
    people.finance = await createReviewer(tenant.id, 'lanes-finance', { role: 'finance', approvalLimit: 1000 })
    people.ops = await createReviewer(tenant.id, 'lanes-ops', { role: 'ops', approvalLimit: 100, maxRisk: 3 })
    people.manager = await createReviewer(tenant.id, 'lanes-manager', { role: 'manager', approvalLimit: null })
    people.admin = await createReviewer(tenant.id, 'lanes-admin', { role: 'admin', approvalLimit: null })
    people.viewer = await createReviewer(tenant.id, 'lanes-viewer', { role: 'viewer' })
    const agent = await createAgent(tenant.id, { name: 'Lane Bot' })
    const base = { agentId: agent.id, riskLevel: 2, amount: '50.00' }
    await createApproval(tenant.id, { ...base, title: 'Small refund' })
    await createApproval(tenant.id, { ...base, amount: '500.00', title: 'Medium payout' })
    await createApproval(tenant.id, { ...base, riskLevel: 4, title: 'Risky refund' })
    await createApproval(tenant.id, { ...base, approverIds: [people.finance.id], title: 'For Finance only' })
    await createApproval(tenant.id, { ...base, agentId: null, requestedByUserId: people.finance.id, title: 'Finance’s own claim' })
    const all = ['Small refund', 'Medium payout', 'Risky refund', 'For Finance only', 'Finance’s own claim']
    const split = (others: string[]): Expected => ({ mine: all.filter((t) => !others.includes(t)).sort(), others: [...others].sort() })
    expected.finance = split(['Finance’s own claim'])
    expected.ops = split(['Medium payout', 'Risky refund', 'For Finance only']) // over 100, above risk 3, named
    expected.manager = split(['For Finance only'])
    expected.admin = split(['For Finance only'])
    expected.viewer = split(all)
    rig = await startConsoleRig()
    // It signs out and in again: the core keeps a spare replica in reserve for that, as the app does.
    shell = await rig.shell({ reserveSpare: true })
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('splits the inbox and counts Needs me only, for finance, ops, manager, admin and viewer', async () => {
    const { context, page } = await openConsole(rig.browser, shell.url)
    try {
      for (const role of ['finance', 'ops', 'manager', 'admin', 'viewer']) {
        const want = expected[role]!
        // After a sign-out the core builds a spare replica first: on a loaded machine that takes a while.
        await signIn(page, people[role]!.email, undefined, 120_000).catch(async (err: unknown) => {
          throw new Error(`${role}: ${String(err)}; page: ${(await page.locator('body').innerText()).slice(0, 500)}`)
        })
        const mine = await laneTitles(page, 'mine', want.mine.length)
        expect(mine, `${role}: Needs me`).toEqual(want.mine.length ? want.mine : ['(empty)'])
        expect(await laneTitles(page, 'others', want.others.length), `${role}: Others`).toEqual(want.others)
        await until(
          async () => (await page.getByTestId('lane-others').innerText()).includes(String(want.others.length)),
          `${role}: Others counting ${want.others.length}`,
        )
        const badge = page.getByTestId('tab-inbox').locator('.badge')
        if (want.mine.length > 0) {
          await until(async () => (await badge.count()) === 1 && (await badge.innerText()) === String(want.mine.length), `${role}: badge ${want.mine.length}`)
          expect(await page.title(), role).toBe(`(${want.mine.length}) Operator Console`)
        } else {
          expect(await badge.count(), `${role}: no badge`).toBe(0)
          expect(await page.title(), role).toBe('Operator Console')
        }
        await signOut(page)
      }
    } finally {
      await context.close()
    }
  }, 600_000)

  it('moves between the lanes with Tab and Shift+Tab on the list, and lets Tab leave past the last lane', async () => {
    const { context, page } = await openConsole(rig.browser, shell.url)
    try {
      await signIn(page, people.finance!.email)
      await laneTitles(page, 'mine', expected.finance!.mine.length)
      const list = page.getByTestId('inbox-list')
      await list.focus()
      await page.keyboard.press('Tab')
      await until(async () => (await page.getByTestId('lane-others').getAttribute('aria-selected')) === 'true', 'Others after Tab')
      await until(async () => (await list.locator('[role="option"]').count()) === 1, 'the one request in Others')
      expect(await list.locator('[role="option"]').first().innerText()).toMatch(/raised yourself/i)
      // Past the last lane Tab moves the focus on, as everywhere else.
      await list.focus()
      await page.keyboard.press('Tab')
      expect(await page.getByTestId('lane-others').getAttribute('aria-selected')).toBe('true')
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).not.toBe('inbox-list')
      await list.focus()
      await page.keyboard.press('Shift+Tab')
      await until(async () => (await page.getByTestId('lane-mine').getAttribute('aria-selected')) === 'true', 'Needs me after Shift+Tab')
      await until(async () => (await list.locator('[role="option"]').count()) === 4, 'the four in Needs me')

      // Esc on another view stays on that view (it used to jump to the Inbox).
      await page.keyboard.press('g')
      await page.keyboard.press('q')
      await until(async () => (await page.getByTestId('tab-queue').getAttribute('aria-current')) === 'page', 'the Queue')
      await page.keyboard.press('Escape')
      await page.keyboard.press('Escape')
      expect(await page.getByTestId('tab-queue').getAttribute('aria-current')).toBe('page')
    } finally {
      await context.close()
    }
  }, 120_000)
})
