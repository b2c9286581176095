// Screenshots of the console for people to look at (not compared pixel for pixel): inbox, the
// detail of a tool call, a journal posting and a change set, the queue and the offline state, in
// light and dark. Along the way it checks that each detail shows its kind's readable form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { consoleErrors, goToApproval, openConsole, queuedIntents, screenshot, setHoldSeconds, setWorkOffline, signIn, until, waitForInbox } from './helpers/console'
import { createWorkspace, seedRefundCalls, seedShowcase, type SeededCall, type Showcase, type Workspace } from './helpers/workspace'
import { createAgent } from '../support/fixtures'

const skip = chromiumUnavailable()

describe.skipIf(skip)('console look and feel', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let show: Showcase
  let calls: SeededCall[]

  beforeAll(async () => {
    ws = await createWorkspace('look')
    show = await seedShowcase(ws.tenant, ws.reviewer)
    const agent = await createAgent(ws.tenant.id, { name: 'Refund Desk' })
    calls = await seedRefundCalls(ws.tenant.id, 24, agent.id)
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  for (const scheme of ['light', 'dark'] as const) {
    it(`shows inbox, details, queue and offline state (${scheme})`, async () => {
      const { context, page } = await openConsole(rig.browser, shell.url, { colorScheme: scheme })
      try {
        if (scheme === 'light') {
          await page.getByLabel('Email').waitFor()
          await screenshot(page, `signin-${scheme}`)
        }
        await signIn(page, ws.reviewer.email)
        await waitForInbox(page, 25)
        await setHoldSeconds(page, 30)
        expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe(scheme)
        await screenshot(page, `inbox-${scheme}`)

        const open = (id: string) => goToApproval(page, id)

        await open(show.toolCall.id)
        await expect.poll(() => page.locator('.detail-section').first().innerText()).toContain('Order id')
        // Evidence in words: trust as a percent, as the Agents view says it; the audit trail's
        // actor by name and its action in words (not "Approval.created Approval").
        expect(await page.getByTestId('detail').innerText()).toMatch(/Refund Desk · tier 2 · A1 · trust 81%/)
        const trail = await page.locator('table.audit tbody tr').evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)),
        )
        expect(trail).toEqual([['Refund Desk', 'Created']])
        await screenshot(page, `detail-tool-call-${scheme}`)

        // Approve with edits: the form from the tool's schema, the diff of what changed.
        await page.keyboard.press('e')
        const editor = page.getByRole('dialog', { name: 'Approve with edits' })
        await editor.getByLabel('Amount').fill('199')
        await expect.poll(() => editor.locator('.payload-diff').innerText()).toMatch(/amount\s+− 249\s+\+ 199/i)
        await editor.getByLabel('Amount').fill('-5')
        await expect.poll(() => editor.locator('.problems').innerText()).toMatch(/Amount/)
        await screenshot(page, `edit-dialog-${scheme}`)
        await page.keyboard.press('Escape')
        await editor.waitFor({ state: 'detached' })
        // The detail has the decision buttons, each with its key: the mouse does what the keys do.
        const decide = page.getByTestId('detail').getByRole('group', { name: 'Decide' })
        expect(await decide.getByRole('button', { name: /^Approve/ }).locator('kbd').innerText()).toMatch(/^a$/i)
        await decide.getByRole('button', { name: /^Reject/ }).click()
        const rejectDialog = page.getByRole('dialog', { name: 'Reject' })
        await rejectDialog.waitFor()
        await page.keyboard.press('Escape')
        await rejectDialog.waitFor({ state: 'detached' })

        await open(show.critical.id)
        await page.keyboard.press('a')
        await expect.poll(() => page.locator('.banner-confirm').innerText()).toMatch(/press A again/)
        await screenshot(page, `detail-confirm-risk5-${scheme}`)

        await page.keyboard.press('?')
        await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
        await screenshot(page, `shortcuts-${scheme}`)
        await page.keyboard.press('Escape')
        await page.keyboard.press('Control+k')
        await page.getByRole('dialog', { name: 'Command palette' }).waitFor()
        await page.keyboard.type('appro')
        await screenshot(page, `palette-${scheme}`)
        await page.keyboard.press('Escape')

        await open(show.journal.id)
        await expect.poll(() => page.locator('table.journal').innerText()).toContain('Accrued liabilities')
        // Each journal line once: the lines table, not the lines again as raw payload.
        expect((await page.getByTestId('detail').innerText()).split('Accrued liabilities')).toHaveLength(2)
        expect(await page.locator('.balance').innerText()).toContain('Balanced')
        await screenshot(page, `detail-journal-${scheme}`)

        await open(show.changeset.id)
        await expect.poll(() => page.locator('.diff').innerText()).toContain('+export const MAX_ATTEMPTS = 6')
        await screenshot(page, `detail-changeset-${scheme}`)

        await open(show.refund.id)
        await expect.poll(() => page.locator('.evidence').innerText()).toMatch(/Orders/i)
        // The business record, not the database row: no sync or housekeeping columns, and the two
        // lines of one journal entry are one piece of evidence.
        const evidence = await page.locator('.evidence').innerText()
        expect(evidence).not.toMatch(/Deleted at|Dedupe key|Synced at|Sync version|Tenant id/i)
        expect(evidence).toMatch(/89\.90/)
        expect(await page.locator('.evidence-row', { hasText: /Journal/ }).count()).toBe(1)
        await screenshot(page, `detail-refund-${scheme}`)

        // Offline: decide two, see them queued.
        await setWorkOffline(page, true)
        // Each colour scheme decides its own two items, so the runs do not depend on each other.
        const [first, second] = scheme === 'light' ? [calls[0], calls[1]] : [calls[2], calls[3]]
        for (const call of [first, second]) {
          await open(call!.approval.id)
          await page.keyboard.press('a')
        }
        // This run's two, not what an earlier run may have left held: the queue names their approvals.
        await until(async () => {
          const ids = (await queuedIntents(page)).map((i) => i.args['approval_id'])
          return [first, second].every((c) => ids.includes(c!.approval.id))
        }, 'this run’s two decisions queued')
        await until(() => page.getByTestId('queue-depth').getAttribute('data-depth').then((d) => Number(d) >= 2), 'two queued decisions')
        await screenshot(page, `offline-${scheme}`)
        await page.keyboard.press('g')
        await page.keyboard.press('q')
        await page.getByTestId('queue').waitFor()
        await until(() => page.getByTestId('queue-item').count().then((n) => n >= 2), 'queue items')
        await screenshot(page, `queue-${scheme}`)
        await page.keyboard.press('g')
        await page.keyboard.press('h')
        await page.getByTestId('history').waitFor()
        await screenshot(page, `history-${scheme}`)
        await page.keyboard.press('Control+,')
        await page.getByRole('heading', { name: 'Settings' }).waitFor()
        await screenshot(page, `settings-${scheme}`)
        await page.keyboard.press('g')
        await page.keyboard.press('i')
        // Leave nothing queued for the next run of this test.
        await page.getByTestId('work-offline').click()
        expect(consoleErrors(page)).toEqual([])
      } catch (err) {
        await screenshot(page, `failure-look-${scheme}`)
        throw err
      } finally {
        await context.close()
      }
    }, 120_000)
  }
})
