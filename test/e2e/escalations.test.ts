// The Escalations view from the keyboard: escalations addressed to me or to my agents (not to a
// colleague), grouped by type and trigger; acknowledge (`a`) and resolve with a resolution
// (`shift+r`), once online and once offline-then-reconnect — the row says "Queued" at once, the focus
// moves on, and the server ends up holding each step exactly once. The related task and agent are
// one key away, and a refused acknowledgement shows the server's reason on its row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { createAgent, createApproval, createTask } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig } from './harness'
import { activeElementInfo, consoleErrors, focusedRowId, openSignedIn, screenshot, setHoldSeconds, until, waitForFocusOnRow } from './helpers/console'
import {
  createEscalation,
  focusReviewRow,
  intentMark,
  queueDepth,
  reviewRow,
  serverEffects,
  serverEscalation,
  toggleWorkOffline,
  waitForEmptyQueue,
} from './helpers/review-fixtures'
import { createReviewer, createWorkspace, type Reviewer, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()
const LIST = 'escalations'

describe.skipIf(skip)('escalations view', () => {
  let rig: ConsoleRig
  let page: Page
  let ws: Workspace
  let colleague: Reviewer
  const ids = { budgetToMe: '', budgetToAgent: '', riskToMe: '', milestone: '', toColleague: '', task: '', agent: '' }

  beforeAll(async () => {
    ws = await createWorkspace('escalations')
    colleague = await createReviewer(ws.tenant.id, 'escalations-colleague')
    const bot = await createAgent(ws.tenant.id, { name: 'Spend Bot' })
    const lead = await createAgent(ws.tenant.id, { name: 'Finance Lead' })
    ids.agent = bot.id
    ids.task = (await createTask(ws.tenant.id, { agentId: bot.id, title: 'Renew the SaaS contracts', status: 'blocked' })).id
    await admin().query(`update public.tasks set description = 'Three contracts end this month.' where id = $1`, [ids.task])
    const approval = await createApproval(ws.tenant.id, { agentId: bot.id, title: 'Pay the Datadog renewal' })
    // List order: action required first, then by trigger; mine first within a trigger.
    ids.budgetToMe = await createEscalation(ws.tenant.id, {
      fromAgentId: bot.id,
      toUserId: ws.reviewer.id,
      type: 'action_required',
      trigger: 'budget_request',
      context: 'Datadog renewal is 20% over the approved budget',
      recommendation: 'Approve the overrun this once.',
      relatedTaskId: ids.task,
      approvalId: approval.id,
    })
    ids.budgetToAgent = await createEscalation(ws.tenant.id, {
      fromAgentId: bot.id,
      toAgentId: lead.id,
      type: 'action_required',
      trigger: 'budget_request',
      context: 'Marketing tools need another seat',
    })
    ids.riskToMe = await createEscalation(ws.tenant.id, {
      fromAgentId: bot.id,
      toUserId: ws.reviewer.id,
      type: 'action_required',
      trigger: 'material_risk',
      context: 'Refunds doubled overnight',
    })
    ids.milestone = await createEscalation(ws.tenant.id, {
      fromAgentId: lead.id,
      toUserId: ws.reviewer.id,
      type: 'awareness',
      trigger: 'milestone',
      context: 'Month-end close finished',
    })
    ids.toColleague = await createEscalation(ws.tenant.id, {
      fromAgentId: bot.id,
      toUserId: colleague.id,
      type: 'action_required',
      trigger: 'budget_request',
      context: 'Addressed to a colleague only',
    })
    rig = await startConsoleRig()
    // Long enough to see the row marked before it is sent, short enough to keep the test quick.
    ;({ page } = await openSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email, { holdSeconds: 2 }))
    await page.keyboard.press('g')
    await page.keyboard.press('e')
    await reviewRow(page, LIST, ids.milestone).waitFor({ timeout: 30_000 })
  }, 120_000)

  afterAll(async () => {
    await rig?.close()
  })

  const mark = (id: string) => intentMark(page, LIST, id)
  const expectFocusOnRow = (id: string) => waitForFocusOnRow(page, id)

  /**
   * The server holds escalation `id` acknowledged and resolved by me with `resolution`, each step
   * applied once with one audit entry; synced, it leaves the open list and the focus stays on a row.
   */
  async function expectResolvedOnce(id: string, resolution: string) {
    await until(async () => (await serverEscalation(id)).status === 'resolved', 'the resolution on the server', 30_000)
    expect(await serverEscalation(id)).toMatchObject({ acknowledged_by: ws.reviewer.id, resolved_by: ws.reviewer.id, resolution })
    await reviewRow(page, LIST, id).waitFor({ state: 'detached', timeout: 20_000 })
    expect((await activeElementInfo(page)).inApp).toBe(true)
    await waitForEmptyQueue(page)
    expect(await serverEffects('escalation.acknowledge', id)).toEqual({ applied: 1, refused: 0, audit: 1 })
    expect(await serverEffects('escalation.resolve', id)).toEqual({ applied: 1, refused: 0, audit: 1 })
  }

  async function resolveFromKeyboard(resolution: string) {
    await page.keyboard.press('Shift+R')
    const dialog = page.getByRole('dialog', { name: 'Resolve the escalation' })
    await dialog.waitFor()
    await page.keyboard.type(resolution)
    await page.keyboard.press('Control+Enter')
    await dialog.waitFor({ state: 'detached' })
  }

  it('lists what is addressed to me or my agents, grouped by type and trigger', async () => {
    const rows = await page.locator(`[data-testid="${LIST}"] [data-list-item]`).evaluateAll((els) => els.map((el) => el.getAttribute('data-id')))
    expect(rows).toEqual([ids.budgetToMe, ids.budgetToAgent, ids.riskToMe, ids.milestone])
    const groups = await page.locator(`[data-testid="${LIST}"] [role="group"]`).evaluateAll((els) => els.map((el) => el.getAttribute('aria-labelledby')))
    expect(groups).toHaveLength(3)
    const labels = await page.locator(`[data-testid="${LIST}"] .review-group-label`).allInnerTexts()
    expect(labels.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      'Action required: Budget request 2',
      'Action required: Material risk 1',
      'Awareness: Milestone 1',
    ])
    expect(await page.getByTestId(`${LIST}-count`).innerText()).toBe('4 open')
    // The tab's badge counts the same escalations as the list (a call of its own: it may paint just after).
    await until(async () => /\b4\b/.test(await page.getByTestId('tab-escalations').innerText()), 'the Escalations badge at 4')
    await screenshot(page, 'escalations-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'escalations-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('lists its keys in the ? overlay and the palette', async () => {
    await page.keyboard.press('?')
    const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await overlay.waitFor()
    const keysOf = (id: string) => overlay.locator(`[data-command-id="${id}"]`).getAttribute('data-keys')
    expect(await keysOf('escalations.acknowledge')).toBe('a')
    expect(await keysOf('escalations.resolve')).toBe('shift+r,v')
    expect(await keysOf('escalations.task')).toBe('t')
    expect(await keysOf('escalations.agent')).toBe('o')
    expect(await keysOf('escalations.detail')).toBe('enter')
    expect(await keysOf('escalations.show.resolved')).toBe('2')
    await page.keyboard.press('Escape')
    await overlay.waitFor({ state: 'detached' })

    await page.keyboard.press('Control+k')
    const palette = page.getByRole('dialog', { name: 'Command palette' })
    await palette.waitFor()
    await page.keyboard.type('acknowledge')
    expect(await palette.locator('[data-command-id="escalations.acknowledge"]').count()).toBe(1)
    await page.keyboard.press('Escape')
    await palette.waitFor({ state: 'detached' })
    expect((await activeElementInfo(page)).inApp).toBe(true)
  })

  it('opens the detail with Enter, follows j there, and Esc gives the focus back to the row', async () => {
    await focusReviewRow(page, LIST, ids.budgetToMe)
    await page.keyboard.press('Enter')
    await until(async () => (await page.evaluate(() => document.activeElement?.id)) === 'review-detail', 'the detail focused')
    await page.keyboard.press('j')
    await until(
      async () => (await page.getByTestId('escalation-detail').getAttribute('data-escalation-id')) === ids.budgetToAgent,
      'the detail showing the next escalation',
    )
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('review-detail')
    await page.keyboard.press('Escape')
    await expectFocusOnRow(ids.budgetToAgent)
  })

  it('shows the related task with t and goes to the agent with o', async () => {
    await focusReviewRow(page, LIST, ids.budgetToMe)
    await page.keyboard.press('t')
    const task = page.locator('#review-task')
    await until(async () => (await activeElementInfo(page)).inApp && (await page.evaluate(() => document.activeElement?.id)) === 'review-task', 'the task section focused')
    expect(await task.innerText()).toMatch(/Renew the SaaS contracts[\s\S]*Blocked[\s\S]*Three contracts end this month/)
    await page.keyboard.press('Escape')
    await expectFocusOnRow(ids.budgetToMe)

    await page.keyboard.press('o')
    await until(async () => (await page.getByTestId('tab-agents').getAttribute('aria-current')) === 'page', 'the Agents view')
    await page.keyboard.press('g')
    await page.keyboard.press('e')
    await reviewRow(page, LIST, ids.budgetToMe).waitFor()
  })

  it('acknowledges then resolves online, each from the keyboard, and the server holds each once', async () => {
    await focusReviewRow(page, LIST, ids.budgetToMe)
    await page.keyboard.press('a')
    // Marked at once, and the focus moves on to the next row.
    await expect.poll(() => mark(ids.budgetToMe).innerText(), { timeout: 2000 }).toMatch(/Acknowledge · (Queued|Sending)/)
    await expectFocusOnRow(ids.budgetToAgent)
    await until(async () => (await serverEscalation(ids.budgetToMe)).status === 'acknowledged', 'the acknowledgement on the server', 30_000)
    expect(await serverEscalation(ids.budgetToMe)).toMatchObject({ acknowledged_by: ws.reviewer.id, resolved_by: null })
    // Synced back: the row says Acknowledged and carries no mark any more.
    await until(async () => /Acknowledged/.test(await reviewRow(page, LIST, ids.budgetToMe).innerText()), 'the row acknowledged')
    await until(async () => (await mark(ids.budgetToMe).count()) === 0, 'the mark gone')

    await page.keyboard.press('k')
    await expectFocusOnRow(ids.budgetToMe)
    await resolveFromKeyboard('Approved the overrun with the CFO.')
    await expect.poll(() => mark(ids.budgetToMe).innerText(), { timeout: 2000 }).toMatch(/Resolve · (Queued|Sending)/)
    await expectFocusOnRow(ids.budgetToAgent)
    await expectResolvedOnce(ids.budgetToMe, 'Approved the overrun with the CFO.')
    expect(await focusedRowId(page)).toBe(ids.budgetToAgent)

    // The resolved filter (2) shows it with the typed resolution.
    await page.keyboard.press('2')
    await reviewRow(page, LIST, ids.budgetToMe).waitFor()
    await focusReviewRow(page, LIST, ids.budgetToMe)
    expect(await page.getByTestId('escalation-resolution').innerText()).toBe('Approved the overrun with the CFO.')
    await page.keyboard.press('1')
    await reviewRow(page, LIST, ids.budgetToAgent).waitFor()
  }, 90_000)

  it('acknowledges and resolves offline, then sends both on reconnect, each once', async () => {
    await focusReviewRow(page, LIST, ids.budgetToAgent)
    await toggleWorkOffline(page, 'offline')
    await expectFocusOnRow(ids.budgetToAgent)

    await page.keyboard.press('a')
    await expect.poll(() => mark(ids.budgetToAgent).innerText(), { timeout: 2000 }).toMatch(/Acknowledge · Queued/)
    await expectFocusOnRow(ids.riskToMe)
    await page.keyboard.press('k')
    await resolveFromKeyboard('Bought the seat from the tools budget.')
    await expect.poll(() => mark(ids.budgetToAgent).innerText(), { timeout: 2000 }).toMatch(/Resolve · Queued/)
    await screenshot(page, 'escalations-offline-queued-light')

    // Past the hold window, still offline: both wait in the queue and the server has seen nothing.
    await until(async () => (await queueDepth(page)) === 2, 'a queue of 2')
    await until(async () => /Queued/.test(await mark(ids.budgetToAgent).innerText()), 'the row still queued')
    expect(await serverEscalation(ids.budgetToAgent)).toMatchObject({ status: 'pending', acknowledged_by: null })
    expect(await serverEffects('escalation.acknowledge', ids.budgetToAgent)).toEqual({ applied: 0, refused: 0, audit: 0 })

    await toggleWorkOffline(page, 'online')
    await expectResolvedOnce(ids.budgetToAgent, 'Bought the seat from the tools budget.')
  }, 90_000)

  it('takes an acknowledgement back with z while it is held: nothing reaches the server', async () => {
    await setHoldSeconds(page, 30)
    try {
      await focusReviewRow(page, LIST, ids.milestone)
      await page.keyboard.press('a')
      await expect.poll(() => mark(ids.milestone).innerText(), { timeout: 2000 }).toMatch(/Acknowledge · Queued/)
      await until(async () => (await queueDepth(page)) === 1, 'the step held in the queue')
      await page.keyboard.press('z')
      await until(async () => (await queueDepth(page)) === 0, 'the queue emptied by z')
      await until(async () => (await mark(ids.milestone).count()) === 0, 'the mark gone from the row')
      expect(await serverEscalation(ids.milestone)).toMatchObject({ status: 'pending', acknowledged_by: null })
      expect(await serverEffects('escalation.acknowledge', ids.milestone)).toEqual({ applied: 0, refused: 0, audit: 0 })
    } finally {
      await setHoldSeconds(page, 2)
    }
  }, 60_000)

  it('shows the server’s reason on the row when someone acknowledged it first', async () => {
    await focusReviewRow(page, LIST, ids.riskToMe)
    await toggleWorkOffline(page, 'offline')
    await page.keyboard.press('a')
    await expect.poll(() => mark(ids.riskToMe).innerText(), { timeout: 2000 }).toMatch(/Acknowledge · Queued/)
    // The row says so at once; the core has it once the queue counts it. Only then does a colleague
    // acknowledge it (written on the server directly): a replica holding that already would refuse
    // to queue mine, and the server would never be asked.
    await until(async () => (await queueDepth(page)) === 1, 'my acknowledgement in the queue')
    await admin().query(
      `update public.escalations set status = 'acknowledged', acknowledged_by = $2, acknowledged_at = now() where id = $1`,
      [ids.riskToMe, colleague.id],
    )
    await toggleWorkOffline(page, 'online')
    await until(async () => /Refused: This escalation is already acknowledged/.test(await mark(ids.riskToMe).innerText().catch(() => '')), 'the refusal on the row', 30_000)
    expect(await serverEscalation(ids.riskToMe)).toMatchObject({ status: 'acknowledged', acknowledged_by: colleague.id })
    expect(await serverEffects('escalation.acknowledge', ids.riskToMe)).toEqual({ applied: 0, refused: 1, audit: 0 })
    await screenshot(page, 'escalations-refused-light')
    expect(consoleErrors(page)).toEqual([])
  }, 90_000)
})
