// The console from 1024×700 up: on every view nothing runs off the side (no horizontal overflow,
// every navigation item and header control on screen and clickable), and an accessibility pass with
// axe finds no serious or critical violation on any view or decision dialog, light and dark.
// Screenshots at 1024 and 1440, light and dark, are kept for people to look at.
import AxeBuilder from '@axe-core/playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createAgent } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { goToApproval, openConsole, screenshot, signIn, until, waitForInbox } from './helpers/console'
import { createWorkspace, seedRefundCalls, seedShowcase, type Showcase, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

interface Overflow {
  page: number
  viewport: number
  offenders: string[]
}

/** What sticks out to the right of the window: the page's own width, and header/nav controls cut off. */
function overflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth
    const offenders = [...document.querySelectorAll<HTMLElement>('.app-header button, .app-header [role="tab"], nav button, .filters *, .detail *')]
      .filter((el) => el.offsetParent !== null)
      .filter((el) => el.getBoundingClientRect().right > vw + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.trim().slice(0, 30) ?? ''}`)
    return { page: document.documentElement.scrollWidth, viewport: vw, offenders }
  })
}

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
}

async function navViews(page: Page): Promise<string[]> {
  return page.locator('nav[aria-label="Views"] [data-testid^="tab-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(4)))
}

async function showView(page: Page, view: string): Promise<void> {
  const tab = page.getByTestId(`tab-${view}`)
  await tab.click()
  await until(async () => (await tab.getAttribute('aria-current')) === 'page', `the ${view} view`)
}

describe.skipIf(skip)('layout from 1024×700 and accessibility', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let show: Showcase

  beforeAll(async () => {
    ws = await createWorkspace('layout')
    show = await seedShowcase(ws.tenant, ws.reviewer)
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    await seedRefundCalls(ws.tenant.id, 6, agent.id)
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('fits every view in 1024×700 with every navigation item reachable', async () => {
    const { context, page } = await openConsole(rig.browser, shell.url, { viewport: { width: 1024, height: 700 } })
    try {
      await signIn(page, ws.reviewer.email)
      await waitForInbox(page, 6)
      const views = await navViews(page)
      expect(views.length).toBeGreaterThanOrEqual(8)
      const problems: string[] = []
      for (const view of views) {
        await showView(page, view)
        const o = await overflow(page)
        if (o.page > o.viewport) problems.push(`${view}: page is ${o.page}px wide in ${o.viewport}px`)
        if (o.offenders.length) problems.push(`${view}: cut off: ${o.offenders.join('; ')}`)
        for (const v of views) {
          const box = await page.getByTestId(`tab-${v}`).boundingBox()
          if (!box || box.x < 0 || box.x + box.width > o.viewport || box.y + box.height > 700) problems.push(`${view}: tab ${v} off screen`)
        }
      }
      expect(problems).toEqual([])
      // The detail beside the list, at the narrowest supported width.
      await showView(page, 'inbox')
      await goToApproval(page, show.journal.id)
      const o = await overflow(page)
      expect(o.page).toBeLessThanOrEqual(o.viewport)
    } finally {
      await context.close()
    }
  }, 300_000)

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe violation on any view or dialog (${scheme}), with screenshots`, async () => {
      const { context, page } = await openConsole(rig.browser, shell.url, { colorScheme: scheme, viewport: { width: 1440, height: 900 } })
      try {
        await signIn(page, ws.reviewer.email)
        await waitForInbox(page, 6)
        const found: string[] = []
        const check = async (where: string) => found.push(...(await seriousViolations(page)).map((v) => `${where}: ${v}`))
        for (const view of await navViews(page)) {
          await showView(page, view)
          await check(view)
          await screenshot(page, `view-${view}-1440-${scheme}`)
        }
        await showView(page, 'inbox')
        await goToApproval(page, show.refund.id)
        await check('inbox detail')
        for (const [key, name] of [
          ['r', 'Reject'],
          ['d', 'Delegate / reassign'],
          ['s', 'Snooze'],
          ['Shift+E', 'Escalate'],
          ['?', 'Keyboard shortcuts'],
        ] as const) {
          await page.getByTestId('inbox-list').focus()
          await page.keyboard.press(key)
          const dialog = page.getByRole('dialog').first()
          await dialog.waitFor()
          await check(`${name} dialog`)
          await screenshot(page, `dialog-${name.replace(/\W+/g, '-').toLowerCase()}-${scheme}`)
          await page.keyboard.press('Escape')
          await dialog.waitFor({ state: 'detached' })
        }
        await page.setViewportSize({ width: 1024, height: 700 })
        await screenshot(page, `inbox-detail-1024-${scheme}`)
        expect(found).toEqual([])
      } finally {
        await context.close()
      }
    }, 300_000)
  }
})
