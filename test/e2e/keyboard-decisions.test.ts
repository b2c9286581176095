// A reviewer signs in and decides 20 items with j / k / a / r / e / s only — no mouse — and the
// server ends up holding exactly those decisions, with their reasons and edits, and the snoozes.
// After every decision the keyboard focus is still in the console and the next item is shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { createAgent } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { activeElementInfo, nextShown, until, waitForInbox, withSignedIn } from './helpers/console'
import { createWorkspace, seedRefundCalls, type SeededCall, type Workspace } from './helpers/workspace'

type Step =
  | { key: 'a' }
  | { key: 'r'; reason: string }
  | { key: 'e'; amount: number; reason: string }
  | { key: 's' }
  | { key: 'j' }
  | { key: 'k' }

// 20 decisions (11 approve, 3 reject, 3 edit, 3 snooze) with moves in between.
const PLAN: Step[] = [
  { key: 'a' },
  { key: 'a' },
  { key: 'r', reason: 'Order was never shipped; nothing to refund.' },
  { key: 'j' },
  { key: 'a' },
  { key: 'e', amount: 19.5, reason: 'Partial refund: only the lid was damaged.' },
  { key: 's' },
  { key: 'k' },
  { key: 'a' },
  { key: 'j' },
  { key: 'j' },
  { key: 'a' },
  { key: 'r', reason: 'Duplicate of an earlier refund.' },
  { key: 'a' },
  { key: 'e', amount: 60, reason: 'Shipping cost is not refundable.' },
  { key: 'k' },
  { key: 'a' },
  { key: 's' },
  { key: 'a' },
  { key: 'j' },
  { key: 'a' },
  { key: 'r', reason: 'Customer already received a voucher.' },
  { key: 'e', amount: 5.25, reason: 'Goodwill amount agreed with the customer.' },
  { key: 'a' },
  { key: 's' },
  { key: 'a' },
]

interface Expected {
  decision: 'approve' | 'reject' | 'approve_with_edits' | 'snooze'
  reason?: string
  edited?: unknown
}

const skip = chromiumUnavailable()

describe.skipIf(skip)('keyboard-only decisions', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let calls: SeededCall[]

  beforeAll(async () => {
    ws = await createWorkspace('keys')
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    calls = await seedRefundCalls(ws.tenant.id, 30, agent.id)
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  async function expectFocusKept(page: Page) {
    const active = await activeElementInfo(page)
    expect(active.inApp, `focus after a decision is on ${active.tag}`).toBe(true)
  }

  it('decides 20 items from the keyboard and the server holds exactly those decisions', async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 1 }, async (page) => {
      await waitForInbox(page, 30)
      await page.locator('[data-testid="inbox-list"]').focus()
      await page.evaluate(() => {
        const w = window as unknown as { pointerEvents: number }
        w.pointerEvents = 0
        window.addEventListener('pointerdown', () => w.pointerEvents++, true)
      })

      const argsById = new Map(calls.map((c) => [c.approval.id, c.args]))
      const expected = new Map<string, Expected>()
      let decisions = 0
      for (const step of PLAN) {
        const current = await until(() => page.evaluate(() => document.querySelector('.detail-body') && document.querySelector('.detail-header')?.getAttribute('data-approval-id')), 'a shown item')
        if (step.key === 'j' || step.key === 'k') {
          await page.keyboard.press(step.key)
          await nextShown(page, current)
          continue
        }
        decisions++
        if (step.key === 'a') {
          await page.keyboard.press('a')
          expected.set(current, { decision: 'approve' })
        } else if (step.key === 'r') {
          await page.keyboard.press('r')
          await page.getByRole('dialog', { name: 'Reject' }).waitFor()
          await page.keyboard.type(step.reason)
          await page.keyboard.press('Control+Enter')
          expected.set(current, { decision: 'reject', reason: step.reason })
        } else if (step.key === 'e') {
          await page.keyboard.press('e')
          await page.getByRole('dialog', { name: 'Approve with edits' }).getByLabel('Amount').waitFor()
          // Focus starts in the first field (order id); Tab to the amount, replace it.
          await page.keyboard.press('Tab')
          await page.keyboard.press('Control+a')
          await page.keyboard.type(String(step.amount))
          // Tab through to the note for the agent.
          const note = page.getByLabel('Note for the agent (optional)')
          await note.focus()
          await page.keyboard.type(step.reason)
          await page.keyboard.press('Control+Enter')
          expected.set(current, { decision: 'approve_with_edits', reason: step.reason, edited: { ...argsById.get(current), amount: step.amount } })
        } else {
          await page.keyboard.press('s')
          await page.getByRole('dialog', { name: 'Snooze' }).waitFor()
          await page.keyboard.press('1')
          expected.set(current, { decision: 'snooze' })
        }
        const next = await nextShown(page, current)
        expect(next).not.toBe(current)
        await page.getByRole('dialog').waitFor({ state: 'detached' }).catch(() => {})
        await until(async () => (await activeElementInfo(page)).testid === 'inbox-list', 'the focus back on the inbox list', 5000)
        await expectFocusKept(page)
      }
      expect(decisions).toBe(20)
      expect(expected.size).toBe(20)
      // No mouse was needed: the page never saw a pointer press.
      expect(await page.evaluate(() => (window as unknown as { pointerEvents: number }).pointerEvents)).toBe(0)

      // The server holds exactly these decisions, with their reasons and edits.
      const wantDecisions = [...expected].filter(([, e]) => e.decision !== 'snooze')
      const rows = await until(async () => {
        const { rows } = await admin().query<{ approval_id: string; decision: string; reason: string | null; edited_payload: unknown }>(
          `select approval_id, decision, reason, edited_payload from public.approval_decisions where actor_id = $1`,
          [ws.reviewer.id],
        )
        return rows.length >= wantDecisions.length ? rows : null
      }, `${wantDecisions.length} decisions on the server`, 60_000, 250)
      const got = new Map(rows.map((r) => [r.approval_id, r]))
      expect([...got.keys()].sort()).toEqual(wantDecisions.map(([id]) => id).sort())
      for (const [id, want] of wantDecisions) {
        const row = got.get(id)
        expect(row?.decision, `decision on ${id}`).toBe(want.decision)
        if (want.reason) expect(row?.reason).toBe(want.reason)
        else expect(row?.reason ?? null).toBeNull()
        if (want.edited) expect(row?.edited_payload).toEqual(want.edited)
        else expect(row?.edited_payload ?? null).toBeNull()
      }
      const snoozed = [...expected].filter(([, e]) => e.decision === 'snooze').map(([id]) => id)
      const snoozes = await until(async () => {
        const { rows } = await admin().query<{ approval_id: string; until: Date | null }>(
          `select approval_id, until from public.review_snoozes where user_id = $1 and until > now()`,
          [ws.reviewer.id],
        )
        return rows.length >= snoozed.length ? rows : null
      }, 'the snoozes on the server', 30_000, 250)
      expect(snoozes.map((s) => s.approval_id).sort()).toEqual(snoozed.sort())
    })
  }, 180_000)
})
