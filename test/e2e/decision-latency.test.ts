// decision_to_next_item: from the decision key's timestamp until the next item's detail is on the
// page, measured by the renderer with performance.measure over more than 100 approvals, written
// into the bench JSON (bar: ≤ 16 ms, one frame). Along the way: the focus never leaves the list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { activeElementInfo, nextShown, shownApprovalId, until, waitForInbox, withSignedIn } from './helpers/console'
import { mergeBench, percentile, round2 as round } from './helpers/bench'
import { createWorkspace, seedRefundCalls, type Workspace } from './helpers/workspace'

const DECISIONS = 110
const skip = chromiumUnavailable()

describe.skipIf(skip)('decision to next item', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace

  beforeAll(async () => {
    ws = await createWorkspace('latency')
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    await seedRefundCalls(ws.tenant.id, DECISIONS + 15, agent.id)
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it(`paints the next item within a frame of the key, over ${DECISIONS} decisions`, async () => {
    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 5 }, async (page) => {
      await waitForInbox(page, DECISIONS + 15)
      await page.getByTestId('inbox-list').focus()
      await until(() => page.locator('.detail-body').count(), 'the first detail')
      await page.evaluate(() => performance.clearMeasures())

      for (let i = 0; i < DECISIONS; i++) {
        const current = await shownApprovalId(page)
        await page.keyboard.press('a')
        await nextShown(page, current)
        const active = await activeElementInfo(page)
        expect(active.testid, `focus after decision ${i + 1}`).toBe('inbox-list')
      }

      const { item, frame } = await until(async () => {
        const m = await page.evaluate(() => ({
          item: performance.getEntriesByName('decision_to_next_item').map((e) => e.duration),
          frame: performance.getEntriesByName('decision_to_next_frame').map((e) => e.duration),
        }))
        return m.item.length >= DECISIONS && m.frame.length >= DECISIONS ? m : null
      }, 'a measure per decision')
      const result = {
        decision_to_next_item_p95_ms: round(percentile(item, 95)),
        decision_to_next_item_p50_ms: round(percentile(item, 50)),
        decision_to_next_item_samples: item.length,
        decision_to_next_frame_p95_ms: round(percentile(frame, 95)),
        decision_to_next_frame_p50_ms: round(percentile(frame, 50)),
      }
      mergeBench(result)
      console.log(`decision latency: ${JSON.stringify(result)}`)
      // Every decision was painted (one measure each); the figure itself goes to the bench JSON,
      // where its bar (one frame, 16 ms) is judged: timings are not assertions on a shared machine.
      expect(item.length).toBeGreaterThanOrEqual(100)
    })
  }, 240_000)
})
