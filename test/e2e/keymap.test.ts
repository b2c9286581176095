// The keyboard map: `?` lists every shortcut of console.md and agrees with the command palette
// (both read the one registry); the palette runs commands; keys never fire while typing in a field;
// a dialog keeps its keys from the page behind it and gives the focus back when it closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { activeElementInfo, nextShown, queuedIntents, shownApprovalId, until, waitForInbox, withSignedIn } from './helpers/console'
import { createWorkspace, seedRefundCalls, type Workspace } from './helpers/workspace'

/** The keyboard map of console.md, in the registry's spelling, for the views this build has. */
const CONSOLE_MD_KEYS = [
  'j', 'k', 'arrowdown', 'arrowup', 'enter', 'escape',
  'a', 'e', 'r', 'shift+e', 'd', 's', 'm', 'z', 'mod+z',
  'x', 'shift+j', 'shift+k', 'mod+a', 'shift+a', 'shift+r',
  '/', 'mod+k', '?', 'g i', 'g q', 'g e', 'g f', 'g c', 'g a', 'g l', 'g h',
]

const skip = chromiumUnavailable()

describe.skipIf(skip)('keymap, palette and the ? overlay', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace

  beforeAll(async () => {
    ws = await createWorkspace('keymap')
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    await seedRefundCalls(ws.tenant.id, 8, agent.id)
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('lists every shortcut in the ? overlay, the same as the palette, and runs commands from the palette', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, {}, async (page) => {
      await waitForInbox(page, 8)
      await page.getByTestId('inbox-list').focus()

      // The focused row is announced: moving with j reads the next row's title out.
      const top = await until(() => shownApprovalId(page), 'a shown item')
      await page.keyboard.press('j')
      await nextShown(page, top)
      const title = await page.locator('.detail-title').innerText()
      await until(async () => (await page.getByTestId('live-region').innerText()).includes(title), 'the focused row announced')
      expect(await page.getByTestId('live-region').innerText()).toMatch(/risk \d \w+, 2 of \d+/)
      await page.keyboard.press('k')

      // A count badge is a filled accent pill, never mistaken for a keycap (an outlined box).
      const looks = await page.evaluate(() => {
        const probe = document.body.appendChild(document.createElement('span'))
        probe.style.background = 'var(--accent)'
        const accent = getComputedStyle(probe).backgroundColor
        probe.remove()
        const badge = getComputedStyle(document.querySelector('nav .badge')!)
        const kbd = getComputedStyle(document.querySelector('kbd')!)
        return { accent, badge: badge.backgroundColor, badgeBorder: badge.borderTopStyle, kbd: kbd.backgroundColor, kbdBorder: kbd.borderTopStyle }
      })
      expect(looks).toMatchObject({ badge: looks.accent, badgeBorder: 'none', kbdBorder: 'solid' })
      expect(looks.kbd).not.toBe(looks.accent)

      await page.keyboard.press('?')
      const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
      await overlay.waitFor()
      const rows = await overlay.locator('[data-command-id]').evaluateAll((els) =>
        els.map((el) => ({ id: el.getAttribute('data-command-id') ?? '', keys: (el.getAttribute('data-keys') ?? '').split(',') })),
      )
      const overlayKeys = new Set(rows.flatMap((r) => r.keys))
      for (const key of CONSOLE_MD_KEYS) expect(overlayKeys.has(key), `? overlay lists ${key}`).toBe(true)
      // It opens at its title, not scrolled down to the list.
      const scrolled = await overlay.evaluate((el) => [el, ...el.querySelectorAll('*')].filter((e) => e.scrollTop > 0).length)
      expect(scrolled).toBe(0)
      const [box, heading] = [await overlay.boundingBox(), await overlay.getByRole('heading', { name: 'Keyboard shortcuts' }).boundingBox()]
      expect(heading!.y).toBeGreaterThanOrEqual(box!.y)
      // Keys are grouped: each view's own keys under that view's name, and no group names a key twice.
      const groups = await overlay.locator('section').evaluateAll((sections) =>
        sections.map((sec) => ({
          title: sec.querySelector('h3')?.textContent ?? '',
          keys: [...sec.querySelectorAll('[data-keys]')].flatMap((r) => (r.getAttribute('data-keys') ?? '').split(',')),
        })),
      )
      expect(groups.map((g) => g.title)).toEqual(expect.arrayContaining(['In Inbox', 'In Audit']))
      for (const g of groups) expect(new Set(g.keys).size, `keys under ${g.title}`).toBe(g.keys.length)
      await page.keyboard.press('Escape')
      await overlay.waitFor({ state: 'detached' })
      expect((await activeElementInfo(page)).testid).toBe('inbox-list')

      // The palette offers the same commands, with the same keys.
      await page.keyboard.press('Control+k')
      const palette = page.getByRole('dialog', { name: 'Command palette' })
      await palette.waitFor()
      const paletteItems = await palette.locator('[data-command-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-command-id') ?? ''))
      expect(paletteItems.length).toBeGreaterThan(10)
      const overlayIds = new Set(rows.map((r) => r.id))
      for (const id of paletteItems) {
        const inOverlay = overlayIds.has(id)
        // Palette-only commands (no key) are the only ones the overlay may leave out.
        if (!inOverlay) expect(await palette.locator(`[data-command-id="${id}"] kbd`).count(), `${id} has no key`).toBe(0)
      }

      // Run a command from the palette: go to the queue.
      await page.keyboard.type('go to queue')
      await page.keyboard.press('Enter')
      await page.getByTestId('queue').waitFor()
      await page.keyboard.press('g')
      await page.keyboard.press('i')
      await page.getByTestId('inbox-list').waitFor()
    })
  }, 120_000)

  it('never fires shortcuts while typing, and a dialog keeps its keys from the page behind', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, {}, async (page) => {
      await waitForInbox(page, 8)
      await page.getByTestId('inbox-list').focus()
      const first = await until(() => shownApprovalId(page), 'a shown item')

      // `/` goes to search; typing "jar" there neither moves nor approves anything.
      await page.keyboard.press('/')
      await until(async () => (await page.evaluate(() => document.activeElement?.id)) === 'inbox-search', 'the search field focused')
      await page.keyboard.type('jar')
      expect(await page.inputValue('#inbox-search')).toBe('jar')
      expect(await queuedIntents(page)).toHaveLength(0)
      await page.keyboard.press('Control+a')
      await page.keyboard.press('Backspace')
      await page.keyboard.press('Escape')
      // The list re-renders as the search clears: the focus lands once it has.
      await until(async () => (await activeElementInfo(page)).testid === 'inbox-list', 'the focus back on the list')
      await until(async () => (await shownApprovalId(page)) === first, 'the same item after clearing the search')

      // The reject dialog takes j, k and a as text; the list behind does not move.
      await page.keyboard.press('r')
      const dialog = page.getByRole('dialog', { name: 'Reject' })
      await dialog.waitFor()
      await page.keyboard.type('jka')
      expect(await dialog.locator('textarea').inputValue()).toBe('jka')
      await page.keyboard.press('Tab')
      await page.keyboard.press('j')
      await page.keyboard.press('a')
      expect(await shownApprovalId(page)).toBe(first)
      expect(await queuedIntents(page)).toHaveLength(0)
      // Tab stays inside the dialog.
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab')
        expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true)
      }
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })
      await until(async () => (await activeElementInfo(page)).testid === 'inbox-list', 'the focus back on the list after the dialog closed')
      expect(await shownApprovalId(page)).toBe(first)
      expect(await queuedIntents(page)).toHaveLength(0)
    })
  }, 120_000)
})
