// Offline is normal: decisions made offline wait in the queue (undo still works), and going online
// sends them; the status bar says offline → syncing → online with the right counts. And when a
// second reviewer acts first, the first reviewer's queued decision comes back with the server's
// reason and the item returns to the inbox carrying it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { createAgent, createToolCallApproval } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig } from './harness'
import { connectivity, goToApproval, nextShown, openSignedIn, screenshot, setWorkOffline, shownApprovalId, until, waitForInbox, withSignedIn } from './helpers/console'
import { createReviewer, createWorkspace, seedRefundCalls, type Reviewer, type Workspace } from './helpers/workspace'
import { queueDepth } from './helpers/review-fixtures'

const skip = chromiumUnavailable()

async function inboxBadge(page: Page): Promise<number> {
  const text = await page.getByTestId('tab-inbox').innerText()
  return Number(/(\d[\d,]*)/.exec(text)?.[1]?.replace(/,/g, '') ?? '0')
}

async function serverDecisions(userId: string): Promise<{ approval_id: string; decision: string }[]> {
  const { rows } = await admin().query<{ approval_id: string; decision: string }>(
    `select approval_id, decision from public.approval_decisions where actor_id = $1`,
    [userId],
  )
  return rows
}

/** Records every connectivity state the status bar shows, as the DOM changes. */
async function recordConnectivity(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { seenStates: string[] }
    const el = document.querySelector('[data-testid="connectivity"]')
    w.seenStates = [el?.getAttribute('data-state') ?? '?']
    const observer = new MutationObserver(() => {
      const now = document.querySelector('[data-testid="connectivity"]')?.getAttribute('data-state') ?? '?'
      if (w.seenStates[w.seenStates.length - 1] !== now) w.seenStates.push(now)
    })
    observer.observe(document.querySelector('[data-testid="statusbar"]') as Node, { subtree: true, attributes: true, childList: true })
  })
}

describe.skipIf(skip)('offline queue and conflicts', () => {
  let rig: ConsoleRig
  let ws: Workspace

  beforeAll(async () => {
    ws = await createWorkspace('offline')
    rig = await startConsoleRig()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('queues 10 decisions offline, undoes one, and applies 9 when back online', async () => {
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    const calls = await seedRefundCalls(ws.tenant.id, 15, agent.id, { prefix: 'Offline refund' })
    const s = await rig.shell()
    await withSignedIn(rig.browser, s.url, ws.reviewer.email, { holdSeconds: 4 }, async (page) => {
      await waitForInbox(page, 15)
      // The inbox shows before the first sync's last housekeeping (statistics, vacuum) is done.
      await until(async () => (await connectivity(page)) === 'online', 'online once the first sync is done')
      await recordConnectivity(page)

      await setWorkOffline(page, true)
      const list = page.getByTestId('inbox-list')
      await list.focus()
      const decided: string[] = []
      for (let i = 0; i < 10; i++) {
        const current = await until(() => shownApprovalId(page), 'a shown item')
        await page.keyboard.press('a')
        decided.push(current)
        await nextShown(page, current)
        // One toast stack: however many decisions are held, at most two toasts cover the list.
        expect(await page.getByTestId('toast').count()).toBeLessThanOrEqual(2)
      }
      // All ten wait in the queue; none reached the server.
      await until(async () => (await queueDepth(page)) === 10, 'a queue of 10')
      // Undo the last one while it is still held; it comes back to the inbox.
      await page.keyboard.press('z')
      const undone = decided[decided.length - 1] as string
      await until(async () => (await queueDepth(page)) === 9, 'a queue of 9 after undo')
      await until(async () => (await shownApprovalId(page)) === undone, 'the undone item back in focus')
      await screenshot(page, 'offline-queued-light')
      expect(await serverDecisions(ws.reviewer.id)).toEqual([])
      expect(await connectivity(page)).toBe('offline')

      await setWorkOffline(page, false)
      await until(async () => (await serverDecisions(ws.reviewer.id)).length === 9, '9 decisions on the server', 30_000)
      await until(async () => (await queueDepth(page)) === 0 && (await connectivity(page)) === 'online', 'an empty queue, online', 20_000)

      const onServer = await serverDecisions(ws.reviewer.id)
      expect(onServer.map((r) => r.approval_id).sort()).toEqual(decided.slice(0, 9).sort())
      expect(new Set(onServer.map((r) => r.decision))).toEqual(new Set(['approve']))
      // The inbox badge counts what is left: 15 seeded, 9 decided.
      await until(async () => (await inboxBadge(page)) === 15 - 9, 'the inbox count to be 6')

      const states = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates)
      const offlineAt = states.indexOf('offline')
      const syncingAt = states.indexOf('syncing', offlineAt)
      const onlineAt = states.indexOf('online', syncingAt)
      expect(offlineAt, `states seen: ${states.join(' → ')}`).toBeGreaterThanOrEqual(0)
      expect(syncingAt, `states seen: ${states.join(' → ')}`).toBeGreaterThan(offlineAt)
      expect(onlineAt, `states seen: ${states.join(' → ')}`).toBeGreaterThan(syncingAt)
      void calls
    })
  }, 120_000)

  it('brings a queued decision back with the server’s reason when another reviewer decided first', async () => {
    const second: Reviewer = await createReviewer(ws.tenant.id, 'second')
    // Four-eyes: the second reviewer's approval changes the request (version + 1) but it stays
    // pending, so the first reviewer's queued approval, bound to the old version, is refused.
    const { approval } = await createToolCallApproval(ws.tenant.id, {
      title: 'Four-eyes payout to a new supplier',
      riskLevel: 2,
      requiredApprovals: 2,
      amount: '2400.00',
      args: { order_id: 'ord_4eyes', amount: 2400, currency: 'USD' },
      expiresAt: 60,
    })
    const [sa, sb] = await Promise.all([rig.shell(), rig.shell()])
    const [a, b] = await Promise.all([
      openSignedIn(rig.browser, sa.url, ws.reviewer.email, { holdSeconds: 1 }),
      openSignedIn(rig.browser, sb.url, second.email, { holdSeconds: 0 }),
    ])
    try {

      // First reviewer: offline, approves; the decision waits in the queue.
      await setWorkOffline(a.page, true)
      await goToApproval(a.page, approval.id)
      await a.page.keyboard.press('a')
      await until(async () => (await queueDepth(a.page)) === 1, 'A has one queued decision')

      // Second reviewer decides first, online.
      await goToApproval(b.page, approval.id)
      await b.page.keyboard.press('a')
      await until(async () => (await serverDecisions(second.id)).length === 1, 'the second reviewer’s approval on the server')

      // Back online: the server refuses A's stale decision, and A sees why.
      await setWorkOffline(a.page, false)
      const refusal = await until(async () => {
        const toasts = await a.page.locator('[data-testid="toast"][data-tone="error"]').allInnerTexts()
        return toasts.find((t) => /changed after you looked|Conflict|Refused/i.test(t)) ?? null
      }, 'a refusal toast on A', 30_000)
      expect(refusal).toMatch(/changed after you looked at it/i)
      expect((await serverDecisions(ws.reviewer.id)).filter((d) => d.approval_id === approval.id)).toEqual([])

      // The item is back in A's inbox, carrying the server's reason on its row and in its detail.
      await waitForInbox(a.page, 1)
      const row = a.page.locator(`[role="option"][data-approval-id="${approval.id}"]`)
      await goToApproval(a.page, approval.id)
      await expect.poll(() => a.page.locator('.detail-header').innerText()).toMatch(/Your last decision was refused/)
      // The refusal is recorded from the push's answer; the second reviewer's approval comes with
      // the pull that follows it, a moment later.
      await expect.poll(() => a.page.locator('.detail-header').innerText()).toMatch(/1 of 2/)
      expect(await row.innerText()).toMatch(/refused/i)

      // The Queue view explains it with what to do next.
      await a.page.keyboard.press('g')
      await a.page.keyboard.press('q')
      const item = a.page.locator('[data-testid="queue-item"][data-state="conflict"], [data-testid="queue-item"][data-state="rejected"]')
      await item.first().waitFor()
      const text = await item.first().innerText()
      expect(text).toMatch(/changed after you looked at it/i)
      expect(text).toMatch(/What to do/)
      await screenshot(a.page, 'queue-conflict-light')
    } finally {
      await a.context.close()
      await b.context.close()
    }
  }, 120_000)
})
