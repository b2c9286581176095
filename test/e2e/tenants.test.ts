// The tenant switcher of a holding manager: "All tenants", the holding and its two subsidiaries
// (indented under it), each with its inbox count equal to the server's count of pending approvals
// the manager may decide there. Choosing a subsidiary from the keyboard (g t, arrows, Enter) leaves
// only its rows in the inbox and its count on the badge; the counts follow a decision; Esc leaves
// the scope alone; the scope survives a reload. A reviewer of one tenant sees its name, no control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { createMember } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig } from './harness'
import { screenshot, until, waitForInbox, withSignedIn } from './helpers/console'
import { createHoldingGroup, seedPending, serverDecidableCount, type HoldingGroup } from './helpers/tenant-fixtures'

const skip = chromiumUnavailable()

/** The approvals the inbox list shows (every row is rendered: the lists here are short). */
function inboxIds(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="inbox-list"] [role="option"][data-approval-id]')].map((el) => el.getAttribute('data-approval-id')!),
  )
}

async function inboxBadge(page: Page): Promise<number> {
  const text = await page.getByTestId('tab-inbox').innerText()
  return Number(/(\d[\d,]*)/.exec(text)?.[1]?.replace(/,/g, '') ?? '0')
}

interface ShownOption {
  id: string
  name: string
  count: number
  indent: string
  selected: boolean
}

/** The switcher's options as shown, in order (the list must be open). */
function shownOptions(page: Page): Promise<ShownOption[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="tenant-options"] [role="option"]')].map((el) => ({
      id: el.dataset['tenantId']!,
      name: el.querySelector('.tenant-option-name')?.firstChild?.textContent ?? '',
      count: Number(el.dataset['count']),
      indent: el.style.paddingLeft,
      selected: el.getAttribute('aria-selected') === 'true',
    })),
  )
}

function activeOption(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const list = document.querySelector('[data-testid="tenant-options"]')
    const id = list?.getAttribute('aria-activedescendant')
    return id ? (document.getElementById(id)?.getAttribute('data-tenant-id') ?? null) : null
  })
}

/** `g t`, then arrows to the tenant and Enter — no mouse. */
async function chooseByKeyboard(page: Page, tenantId: string | 'all'): Promise<void> {
  await page.keyboard.press('g')
  await page.keyboard.press('t')
  const list = page.getByTestId('tenant-options')
  await list.waitFor()
  expect(await list.evaluate((el) => el === document.activeElement)).toBe(true)
  const order = (await shownOptions(page)).map((o) => o.id)
  const from = order.indexOf((await activeOption(page)) ?? 'all')
  const to = order.indexOf(tenantId)
  for (let i = from; i !== to; i += Math.sign(to - from)) await page.keyboard.press(to > from ? 'ArrowDown' : 'ArrowUp')
  await until(async () => (await activeOption(page)) === tenantId, `${tenantId} active in the switcher`, 5000, 20)
  await page.keyboard.press('Enter')
  await list.waitFor({ state: 'detached' })
}

describe.skipIf(skip)('tenant switcher', () => {
  let rig: ConsoleRig
  let g: HoldingGroup
  const rows: Record<'holding' | 'retail' | 'payments', string[]> = { holding: [], retail: [], payments: [] }

  beforeAll(async () => {
    g = await createHoldingGroup('Switch')
    rows.holding = (await seedPending(g.holding.id, 2, 'Group invoice')).map((a) => a.id)
    rows.retail = (await seedPending(g.retail.id, 5, 'Retail refund')).map((a) => a.id)
    rows.payments = (await seedPending(g.payments.id, 3, 'Payments payout')).map((a) => a.id)
    rig = await startConsoleRig()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('shows each subsidiary’s rows only, with counts equal to the server’s, from the keyboard', async () => {
    const s = await rig.shell()
    await withSignedIn(rig.browser, s.url, g.manager.email, { holdSeconds: 0 }, async (page) => {
      await waitForInbox(page, 10)
      expect(await page.getByTestId('tenant-switcher').getAttribute('data-scope')).toBe('all')

      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('g')
      await page.keyboard.press('t')
      await page.getByTestId('tenant-options').waitFor()
      const options = await shownOptions(page)
      // The holding first, its subsidiaries after it and indented.
      expect(options.map((o) => o.id)).toEqual(['all', g.holding.id, g.payments.id, g.retail.id])
      expect(options.map((o) => o.name)).toEqual(['All tenants', 'Switch Group', 'Switch Payments', 'Switch Retail'])
      expect(options[2]!.indent).not.toBe(options[1]!.indent)
      expect(options[0]!.selected).toBe(true)
      for (const t of [g.holding, g.payments, g.retail]) {
        expect(options.find((o) => o.id === t.id)!.count, t.name).toBe(await serverDecidableCount(g.manager.id, t.id))
      }
      expect(options[0]!.count).toBe(10)
      await screenshot(page, 'tenant-switcher-open-light')
      // Esc closes the list and changes nothing; the keyboard is back on the list.
      await page.keyboard.press('Escape')
      await page.getByTestId('tenant-options').waitFor({ state: 'detached' })
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('inbox-list')
      expect(await page.getByTestId('tenant-switcher').getAttribute('data-scope')).toBe('all')

      for (const [key, tenant] of [
        ['retail', g.retail],
        ['payments', g.payments],
      ] as const) {
        await chooseByKeyboard(page, tenant.id)
        await until(async () => {
          const ids = await inboxIds(page)
          return ids.length === rows[key].length && ids.every((id) => rows[key].includes(id))
        }, `only ${tenant.name}’s rows in the inbox`)
        expect(await page.getByTestId('tenant-switcher').getAttribute('data-scope')).toBe(tenant.id)
        const server = await serverDecidableCount(g.manager.id, tenant.id)
        await until(async () => (await inboxBadge(page)) === server, `the inbox badge at ${tenant.name}’s ${server}`)
        expect(await page.getByTestId('tenant-switcher').innerText()).toContain(tenant.name)
      }

      // A decision in the scoped inbox: the server, the switcher and the badge agree on what is left.
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('a')
      await until(
        async () => (await admin().query(`select 1 from public.approval_decisions where actor_id = $1`, [g.manager.id])).rowCount === 1,
        'the decision on the server',
      )
      const left = await serverDecidableCount(g.manager.id, g.payments.id)
      expect(left).toBe(rows.payments.length - 1)
      await until(async () => (await inboxBadge(page)) === left, 'the badge to follow the decision')
      await page.getByTestId('tenant-switcher').click()
      await until(async () => (await shownOptions(page)).find((o) => o.id === g.payments.id)?.count === left, 'the switcher count to follow')
      expect((await shownOptions(page)).find((o) => o.id === 'all')!.count).toBe(9)
      await screenshot(page, 'tenant-switcher-scoped-light')
      await page.keyboard.press('Escape')

      // The scope is kept: a reload opens on the same subsidiary.
      await page.reload()
      await page.locator('.workspace').waitFor()
      await until(async () => (await page.getByTestId('tenant-switcher').getAttribute('data-scope')) === g.payments.id, 'the scope restored')
      await until(async () => (await inboxIds(page)).length === left && (await inboxIds(page)).every((id) => rows.payments.includes(id)), 'the scoped inbox after reload')

      // Back to all tenants, by the palette this time.
      await page.keyboard.press('Control+k')
      await page.keyboard.type('Show all tenants')
      await page.keyboard.press('Enter')
      await until(async () => (await inboxIds(page)).length === 9, 'every tenant’s rows again')
      expect(await page.getByTestId('tenant-switcher').getAttribute('data-scope')).toBe('all')
    })
  }, 120_000)

  it('shows a reviewer of one tenant its name instead of a switcher', async () => {
    const reviewer = await createMember(g.retail.id, 'finance', { label: 'single' })
    const s = await rig.shell()
    await withSignedIn(rig.browser, s.url, reviewer.email, {}, async (page) => {
      await until(async () => (await page.getByTestId('tenant-name').count()) === 1, 'the tenant name in the header')
      expect(await page.getByTestId('tenant-name').innerText()).toBe('Switch Retail')
      expect(await page.getByTestId('tenant-switcher').count()).toBe(0)
      // `g t` has nothing to open.
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('g')
      await page.keyboard.press('t')
      expect(await page.getByTestId('tenant-options').count()).toBe(0)
    })
  }, 60_000)
})
