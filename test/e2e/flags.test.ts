// The Flags view from the keyboard: hallucination flags with the flagged content, detection method
// and confidence; confirm (`c`) or mark a false positive (`f`) with notes, once online and once
// offline-then-reconnect — the row says "Queued" at once, the focus moves on, and the server ends up
// holding each verdict with its notes exactly once. The related request is one key away (`p`), and
// the view says so when nothing is left to review.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createAgent, createApproval, createTask } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig } from './harness'
import { activeElementInfo, consoleErrors, focusedRowId, openSignedIn, screenshot, shownApprovalId, until, waitForFocusOnRow } from './helpers/console'
import {
  createFlag,
  focusReviewRow,
  intentMark,
  queueDepth,
  reviewRow,
  serverEffects,
  serverFlag,
  toggleWorkOffline,
  waitForEmptyQueue,
} from './helpers/review-fixtures'
import { createWorkspace, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()
const LIST = 'flags'

describe.skipIf(skip)('flags view', () => {
  let rig: ConsoleRig
  let page: Page
  let ws: Workspace
  const ids = { paidTwice: '', refundWindow: '', sunday: '', approval: '' }

  beforeAll(async () => {
    ws = await createWorkspace('flags')
    const bot = await createAgent(ws.tenant.id, { name: 'Collections Bot' })
    const task = await createTask(ws.tenant.id, { agentId: bot.id, title: 'Chase overdue invoices', status: 'in_progress' })
    ids.approval = (await createApproval(ws.tenant.id, { agentId: bot.id, title: 'Refund the duplicate payment on invoice 123' })).id
    // Listed most confident first.
    ids.paidTwice = await createFlag(ws.tenant.id, {
      agentId: bot.id,
      method: 'fact_check',
      confidence: 0.95,
      content: 'Invoice 123 was paid twice, on 3 and 4 November.',
      taskId: task.id,
      approvalId: ids.approval,
    })
    ids.refundWindow = await createFlag(ws.tenant.id, {
      agentId: bot.id,
      method: 'confidence',
      confidence: 0.62,
      content: 'The customer’s contract allows a 60-day refund window.',
    })
    ids.sunday = await createFlag(ws.tenant.id, { agentId: bot.id, method: 'pattern', confidence: 0.3, content: 'Order #A1F3 shipped on a Sunday.' })
    rig = await startConsoleRig()
    ;({ page } = await openSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email, { holdSeconds: 2 }))
    await page.keyboard.press('g')
    await page.keyboard.press('f')
    await reviewRow(page, LIST, ids.sunday).waitFor({ timeout: 30_000 })
  }, 120_000)

  afterAll(async () => {
    await rig?.close()
  })

  const mark = (id: string) => intentMark(page, LIST, id)
  const expectFocusOnRow = (id: string) => waitForFocusOnRow(page, id)

  async function review(key: 'c' | 'f', notes: string) {
    await page.keyboard.press(key)
    const dialog = page.getByRole('dialog', { name: key === 'c' ? 'Confirm the hallucination' : 'Mark as a false positive' })
    await dialog.waitFor()
    // The dialog holds the keyboard: nothing behind it (a row taking the focus back) may take it away.
    await until(() => page.evaluate(() => document.activeElement?.closest('[role="dialog"]') != null), 'the focus in the dialog', 2000, 20)
    if (notes) await page.keyboard.type(notes)
    await page.keyboard.press('Control+Enter')
    await dialog.waitFor({ state: 'detached' })
  }

  it('shows each flag with its content, detection method and confidence, most confident first', async () => {
    const rows = await page.locator(`[data-testid="${LIST}"] [data-list-item]`).evaluateAll((els) => els.map((el) => el.getAttribute('data-id')))
    expect(rows).toEqual([ids.paidTwice, ids.refundWindow, ids.sunday])
    // The badge is counted by a call of its own, answered beside the list's: it may paint just after.
    await until(async () => /\b3\b/.test(await page.getByTestId('tab-flags').innerText()), 'the Flags badge at 3')
    await focusReviewRow(page, LIST, ids.paidTwice)
    const detail = page.getByTestId('flag-detail')
    expect(await detail.getAttribute('data-flag-id')).toBe(ids.paidTwice)
    const text = await detail.innerText()
    expect(text).toContain('Invoice 123 was paid twice, on 3 and 4 November.')
    expect(text).toMatch(/Fact check/)
    expect(text).toMatch(/95% confidence/)
    expect(text).toMatch(/Related task · Chase overdue invoices/)
    expect(await reviewRow(page, LIST, ids.sunday).innerText()).toMatch(/Pattern match[\s\S]*30% confidence/)
    await screenshot(page, 'flags-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'flags-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('opens the related request with p', async () => {
    await focusReviewRow(page, LIST, ids.paidTwice)
    await page.keyboard.press('p')
    await until(async () => (await shownApprovalId(page)) === ids.approval, 'the flagged request in the inbox detail')
    await page.keyboard.press('g')
    await page.keyboard.press('f')
    await reviewRow(page, LIST, ids.paidTwice).waitFor()
    await expectFocusOnRow(ids.paidTwice)
  })

  it('confirms a flag online with notes, and the server holds the verdict once', async () => {
    await focusReviewRow(page, LIST, ids.paidTwice)
    await review('c', 'Bank statement shows a single payment.')
    await expect.poll(() => mark(ids.paidTwice).innerText(), { timeout: 2000 }).toMatch(/Confirm · (Queued|Sending)/)
    await expectFocusOnRow(ids.refundWindow)
    await until(async () => (await serverFlag(ids.paidTwice)).status === 'confirmed', 'the verdict on the server', 30_000)
    expect(await serverFlag(ids.paidTwice)).toEqual({
      status: 'confirmed',
      reviewed_by: ws.reviewer.id,
      notes: 'Bank statement shows a single payment.',
    })
    await reviewRow(page, LIST, ids.paidTwice).waitFor({ state: 'detached', timeout: 20_000 })
    expect(await focusedRowId(page)).toBe(ids.refundWindow)
    await waitForEmptyQueue(page)
    expect(await serverEffects('flag.review', ids.paidTwice)).toEqual({ applied: 1, refused: 0, audit: 1 })

    // Reviewed (2) keeps it with its notes.
    await page.keyboard.press('2')
    await reviewRow(page, LIST, ids.paidTwice).waitFor()
    await focusReviewRow(page, LIST, ids.paidTwice)
    expect(await page.getByTestId('flag-notes').innerText()).toBe('Bank statement shows a single payment.')
    expect(await page.getByTestId('flag-status').innerText()).toBe('Confirmed')
    await page.keyboard.press('1')
    await reviewRow(page, LIST, ids.refundWindow).waitFor()
  }, 90_000)

  it('reviews two flags offline, then sends both on reconnect, each once, and says when none are left', async () => {
    await focusReviewRow(page, LIST, ids.refundWindow)
    await toggleWorkOffline(page, 'offline')
    await expectFocusOnRow(ids.refundWindow)

    await review('f', 'Clause 7 does allow 60 days.')
    await expect.poll(() => mark(ids.refundWindow).innerText(), { timeout: 2000 }).toMatch(/False positive · Queued/)
    await expectFocusOnRow(ids.sunday)
    // Notes are optional.
    await review('c', '')
    await expect.poll(() => mark(ids.sunday).innerText(), { timeout: 2000 }).toMatch(/Confirm · Queued/)
    await screenshot(page, 'flags-offline-queued-light')

    await until(async () => (await queueDepth(page)) === 2, 'a queue of 2')
    expect((await serverFlag(ids.refundWindow)).status).toBe('pending')
    expect((await serverFlag(ids.sunday)).status).toBe('pending')
    expect(await serverEffects('flag.review', ids.refundWindow)).toEqual({ applied: 0, refused: 0, audit: 0 })

    await toggleWorkOffline(page, 'online')
    await until(async () => (await serverFlag(ids.sunday)).status === 'confirmed', 'both verdicts on the server', 30_000)
    expect(await serverFlag(ids.refundWindow)).toEqual({ status: 'false_positive', reviewed_by: ws.reviewer.id, notes: 'Clause 7 does allow 60 days.' })
    expect(await serverFlag(ids.sunday)).toEqual({ status: 'confirmed', reviewed_by: ws.reviewer.id, notes: null })
    await waitForEmptyQueue(page)
    expect(await serverEffects('flag.review', ids.refundWindow)).toEqual({ applied: 1, refused: 0, audit: 1 })
    expect(await serverEffects('flag.review', ids.sunday)).toEqual({ applied: 1, refused: 0, audit: 1 })

    // Nothing pending is left: a useful empty state holds the focus.
    await page.getByTestId(`${LIST}-empty`).getByText('No flags to review').waitFor({ timeout: 20_000 })
    await until(async () => (await activeElementInfo(page)).testid === `${LIST}-empty`, 'the focus on the empty state')
    await until(async () => !/\d/.test(await page.getByTestId('tab-flags').innerText()) || /\b0\b/.test(await page.getByTestId('tab-flags').innerText()), 'the Flags badge at 0')
    await screenshot(page, 'flags-empty-light')
    expect(consoleErrors(page)).toEqual([])
  }, 90_000)
})
