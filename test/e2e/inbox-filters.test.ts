// Issue 15's inbox filters from the keyboard: saved views (save, recall with 1–9, rename, delete;
// kept per reviewer), kind and risk keys, and a palette that applies typed filters ("refunds >
// 10k", "payouts risk 4+", "agent payout-runner", "eur < 500") and jumps to a request found by
// title, counterparty or amount.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createAgent, createApproval, type ApprovalRow } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { openConsole, shownApprovalId, signIn, until, waitForInbox, withSignedIn } from './helpers/console'
import { createReviewer, createWorkspace, type Reviewer, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

/** The titles the inbox lists now, sorted. */
async function titles(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="inbox-list"] .row-title').allInnerTexts()).sort()
}

async function waitForTitles(page: Page, expected: string[], what: string): Promise<void> {
  const want = JSON.stringify([...expected].sort())
  await until(async () => JSON.stringify(await titles(page)) === want, `${what}: ${want}`)
}

async function signOut(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const api = (window as unknown as { api: { call(m: string, a: unknown): Promise<{ ok: boolean }> } }).api
    if (!(await api.call('session.signOut', { force: false })).ok) throw new Error('sign-out refused')
  })
  await page.getByLabel('Email').waitFor()
}

const savedViewChips = (page: Page) => page.getByRole('group', { name: 'Saved views' }).locator('button:not(:has-text("Views…"))')

async function palette(page: Page, text: string): Promise<ReturnType<Page['getByRole']>> {
  await page.keyboard.press('Control+k')
  const dialog = page.getByRole('dialog', { name: 'Command palette' })
  await dialog.waitFor()
  await page.keyboard.type(text)
  return dialog
}

describe.skipIf(skip)('inbox filters: saved views, keys and the palette', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let colleague: Reviewer
  const all: string[] = []
  let initech: ApprovalRow

  beforeAll(async () => {
    ws = await createWorkspace('filters')
    colleague = await createReviewer(ws.tenant.id, 'filters-colleague')
    const billing = await createAgent(ws.tenant.id, { name: 'Billing Bot' })
    const payouts = await createAgent(ws.tenant.id, { name: 'Payout Runner' })
    const make = async (o: Parameters<typeof createApproval>[1] & { title: string }) => {
      all.push(o.title)
      return createApproval(ws.tenant.id, o)
    }
    await make({ kind: 'refund', title: 'Refund Northwind order', amount: '12500.00', riskLevel: 2, agentId: billing.id })
    await make({ kind: 'refund', title: 'Refund small basket', amount: '90.00', riskLevel: 1, agentId: billing.id })
    await make({ kind: 'payout', title: 'Payout Globex', amount: '400.00', currency: 'EUR', riskLevel: 4, agentId: payouts.id, counterparty: 'Globex GmbH' })
    initech = await make({ kind: 'payout', title: 'Payout Initech', amount: '20000.00', riskLevel: 2, agentId: payouts.id, counterparty: 'Initech LLC' })
    await make({ kind: 'spend', title: 'Spend on SaaS seats', amount: '300.00', currency: 'EUR', riskLevel: 1, agentId: billing.id })
    rig = await startConsoleRig()
    // It signs out and in again: the core keeps a spare replica in reserve for that, as the app does.
    shell = await rig.shell({ reserveSpare: true })
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('saves filters as a view, recalls it with its number key, renames and deletes it; views are the reviewer’s own', async () => {
    const { context, page } = await openConsole(rig.browser, shell.url)
    try {
      // The shell's first sign-in builds its replica: slow on a loaded machine.
      await signIn(page, ws.reviewer.email, undefined, 90_000)
      await waitForInbox(page, all.length)
      await page.getByTestId('inbox-list').focus()

      // Kind and risk from the keyboard: t then r keeps refunds, + twice asks for risk 2 and above.
      await page.keyboard.press('t')
      await page.keyboard.press('r')
      await waitForTitles(page, ['Refund Northwind order', 'Refund small basket'], 'refunds only')
      await page.keyboard.press('+')
      await page.keyboard.press('+')
      await waitForTitles(page, ['Refund Northwind order'], 'refunds of risk 2+')

      await page.keyboard.press('Shift+V')
      const dialog = page.getByRole('dialog', { name: 'Saved views' })
      await dialog.waitFor()
      expect(await dialog.innerText()).toContain('Shows Refund · risk 2+')
      await page.keyboard.type('Big refunds')
      await page.keyboard.press('Enter')
      await dialog.getByLabel('Name of view 1').waitFor()
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })
      expect(await savedViewChips(page).allInnerTexts()).toEqual([expect.stringMatching(/1\s*Big refunds/)])
      expect(await savedViewChips(page).first().getAttribute('aria-pressed')).toBe('true')

      // Back to everything (t a, - twice), then 1 brings the view back.
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('t')
      await page.keyboard.press('a')
      await page.keyboard.press('-')
      await page.keyboard.press('-')
      await waitForTitles(page, all, 'every request')
      expect(await savedViewChips(page).first().getAttribute('aria-pressed')).toBe('false')
      await page.keyboard.press('1')
      await waitForTitles(page, ['Refund Northwind order'], 'the saved view recalled with 1')

      // The ? overlay and the palette both name it with its key.
      await page.keyboard.press('?')
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
      const row = help.locator('[data-command-id="savedView.1"]')
      await row.waitFor()
      expect(await row.innerText()).toContain('Saved view: Big refunds')
      expect(await row.getAttribute('data-keys')).toBe('1')
      expect(await help.locator('section').filter({ has: page.locator('[data-command-id="savedView.1"]') }).locator('h3').innerText()).toMatch(/In Inbox/i)
      await page.keyboard.press('Escape')
      const found = await palette(page, 'Big refunds')
      await found.locator('[data-command-id="savedView.1"]').waitFor()
      await page.keyboard.press('Escape')

      // Renamed in the dialog.
      await page.keyboard.press('Shift+V')
      await dialog.getByLabel('Name of view 1').fill('Large refunds')
      await dialog.getByRole('button', { name: 'Rename' }).click()
      await until(async () => (await savedViewChips(page).allInnerTexts()).join() .includes('Large refunds'), 'the renamed chip')
      await page.keyboard.press('Escape')

      // Another reviewer on this console has none; the key does nothing for them.
      await signOut(page)
      await signIn(page, colleague.email, undefined, 90_000)
      await waitForInbox(page, all.length)
      expect(await savedViewChips(page).count()).toBe(0)
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('1')
      await waitForTitles(page, all, 'every request for the colleague')

      // The first reviewer's view is back for them, and deleting it takes its key away.
      await signOut(page)
      await signIn(page, ws.reviewer.email, undefined, 90_000)
      await until(async () => (await savedViewChips(page).allInnerTexts()).join().includes('Large refunds'), 'the view back after sign-in')
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('Shift+V')
      await dialog.getByRole('button', { name: 'Delete view Large refunds' }).click()
      await dialog.getByText('No saved views yet.').waitFor()
      await page.keyboard.press('Escape')
      expect(await savedViewChips(page).count()).toBe(0)
    } finally {
      await context.close()
    }
  }, 240_000)

  it('applies filters typed in the palette and jumps to a request found by name or amount', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, {}, async (page) => {
      await waitForInbox(page, all.length)
      await page.getByTestId('inbox-list').focus()

      let dialog = await palette(page, 'refunds > 10k')
      expect(await dialog.locator('[data-palette-filter]').innerText()).toContain('Refund · 10,000.01 or more')
      await page.keyboard.press('Enter')
      await waitForTitles(page, ['Refund Northwind order'], 'refunds over 10k')
      expect(await page.getByLabel('Minimum amount').inputValue()).toBe('10000.01')
      expect(await page.getByRole('button', { name: 'Refund', exact: true }).getAttribute('aria-pressed')).toBe('true')

      await palette(page, 'payouts risk 4+')
      await page.keyboard.press('Enter')
      await waitForTitles(page, ['Payout Globex'], 'payouts of risk 4+')

      await palette(page, 'agent payout-runner')
      await page.keyboard.press('Enter')
      await waitForTitles(page, ['Payout Globex', 'Payout Initech'], 'the payout agent’s requests')
      expect(await page.getByRole('combobox', { name: 'Agent' }).locator('option:checked').innerText()).toBe('Payout Runner')

      await palette(page, 'eur < 500')
      await page.keyboard.press('Enter')
      await waitForTitles(page, ['Payout Globex', 'Spend on SaaS seats'], 'euro requests under 500')

      // A request outside the current filter, found by counterparty, then by its amount.
      dialog = await palette(page, 'Initech')
      const hit = dialog.locator(`[data-approval-id="${initech.id}"]`)
      await hit.waitFor()
      await hit.click()
      await until(async () => (await shownApprovalId(page)) === initech.id, 'Payout Initech in the detail')
      dialog = await palette(page, '20,000')
      await dialog.locator(`[data-approval-id="${initech.id}"]`).waitFor()
      await page.keyboard.press('Escape')
    })
  }, 180_000)
})
