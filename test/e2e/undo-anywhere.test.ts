// `z` has one meaning everywhere: it takes back the reviewer's last step still held, whichever view
// it was taken in and whichever view is on screen. A decision in the inbox, then a change-set
// review: z in the inbox takes back the review, z on the change-sets view then the decision, and
// the request is back in the inbox. The Queue's own Undo means the same: the request comes back,
// and z then has nothing left to take back. Nothing reaches the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createAgent } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig } from './harness'
import { consoleErrors, queuedIntents, toastTexts, until, waitForInbox, withSignedIn } from './helpers/console'
import { createChangeset, modifiedFile, serverReview } from './helpers/changeset-fixtures'
import { queueDepth } from './helpers/review-fixtures'
import { createWorkspace, seedRefundCalls, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

async function go(page: Page, key: string): Promise<void> {
  await page.keyboard.press('g')
  await page.keyboard.press(key)
}

describe.skipIf(skip)('z across views', () => {
  let rig: ConsoleRig
  let ws: Workspace
  let changesetId: string

  beforeAll(async () => {
    // An admin may both decide refunds and review change sets.
    ws = await createWorkspace('undo-anywhere', { role: 'admin' })
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    await seedRefundCalls(ws.tenant.id, 3, agent.id)
    const cs = await createChangeset(ws.tenant.id, { title: 'Bump SDK', agentId: agent.id, patches: [modifiedFile('package.json', 1)] })
    changesetId = cs.id
    rig = await startConsoleRig()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('takes back the last held step — a review made on the change-sets view, then a decision — from any view', async () => {
    await withSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email, { holdSeconds: 60 }, async (page) => {
      await waitForInbox(page, 3)
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('a')
      await until(async () => (await queueDepth(page)) === 1, 'the decision held')

      await go(page, 'c')
      const row = page.locator(`[data-testid="changesets-list"] [data-list-item][data-id="${changesetId}"]`)
      await row.waitFor()
      await row.focus()
      await until(
        () =>
          page.evaluate(
            (id) => document.querySelector('[data-testid="changesets-list"] [aria-selected="true"]')?.getAttribute('data-id') === id,
            changesetId,
          ),
        'the change set current',
      )
      await page.keyboard.press('a')
      await page.getByRole('dialog').waitFor()
      await page.keyboard.type('Fine by me.')
      await page.keyboard.press('Control+Enter')
      await until(async () => (await queueDepth(page)) === 2, 'the review held too')

      // In the inbox, z takes back the review: it was the last step.
      await go(page, 'i')
      await page.getByTestId('inbox-list').waitFor()
      await page.keyboard.press('z')
      await until(async () => (await queueDepth(page)) === 1, 'the review taken back')
      expect((await queuedIntents(page)).map((i) => i.kind)).toEqual(['approval.decide'])

      // On the change-sets view, z takes back the decision made in the inbox.
      await go(page, 'c')
      await row.waitFor()
      await page.keyboard.press('z')
      await until(async () => (await queueDepth(page)) === 0, 'the decision taken back')
      await go(page, 'i')
      await waitForInbox(page, 3)

      // The Queue's Undo is the same undo: the request is back in the inbox, and z has nothing left.
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('a')
      await until(async () => (await queueDepth(page)) === 1, 'another decision held')
      await go(page, 'q')
      await page.getByTestId('queue-item').getByRole('button', { name: 'Undo' }).click()
      await until(async () => (await queueDepth(page)) === 0, 'the decision taken back from the Queue')
      await until(async () => (await toastTexts(page)).some((t) => /Undone · Approve · .* is back in the inbox/.test(t)), 'the Queue’s undo said')
      await page.getByTestId('queue').focus()
      await page.keyboard.press('z')
      await until(async () => (await toastTexts(page)).some((t) => t.includes('Nothing to undo.')), 'z with nothing left to undo')
      await go(page, 'i')
      await waitForInbox(page, 3)

      expect(await serverReview(changesetId)).toMatchObject({ status: 'pending_review', ledger: { applied: 0, refused: 0 } })
      expect(consoleErrors(page)).toEqual([])
    })
  }, 120_000)
})
