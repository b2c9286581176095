// The Change sets view (`g c`): a reviewer reads a change set's patches with the keyboard — files
// with ] / [, hunks with n / p, unified or side by side with u — and approves or requests changes,
// once online and once offline-then-reconnect; the server holds each review exactly once (one
// ledger entry, one audit entry). A review the server refuses comes back onto its row with the
// reason; one the replica can already tell would be refused is stopped before it is queued. A large
// change set keeps only the rows on screen in the DOM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { createAgent } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig } from './harness'
import { screenshot, setWorkOffline, until, withSignedIn } from './helpers/console'
import { addedFile, createChangeset, modifiedFile, serverReview } from './helpers/changeset-fixtures'
import { queueDepth, waitForEmptyQueue } from './helpers/review-fixtures'
import { createReviewer, createWorkspace, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

const LIST = '[data-testid="changesets-list"]'
const rowSel = (id: string) => `${LIST} [data-list-item][data-id="${id}"]`

/** The change set the list marks current (the one the detail shows). */
function currentId(page: Page): Promise<string | null> {
  return page.evaluate(
    (list) => document.querySelector(`${list} [aria-selected="true"]`)?.getAttribute('data-id') ?? null,
    LIST,
  )
}

/** The data-id of the list row holding the DOM focus, or what else has it. */
function focusInfo(page: Page): Promise<{ rowId: string | null; id: string; tag: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return {
      rowId: el?.closest('[data-list-item]')?.getAttribute('data-id') ?? null,
      id: el?.id ?? '',
      tag: el?.tagName.toLowerCase() ?? 'none',
    }
  })
}

function diffState(page: Page): Promise<{
  path: string | null
  layout: string | null
  hunk: string | null
  active: string | null
} | null> {
  return page.evaluate(() => {
    const d = document.querySelector('[data-testid="changeset-detail"] [data-testid="diff-file"]')
    if (!d) return null
    const activeId = d.getAttribute('aria-activedescendant')
    return {
      path: d.getAttribute('data-path'),
      layout: d.getAttribute('data-layout'),
      hunk: d.getAttribute('data-active-hunk'),
      active: activeId ? (document.getElementById(activeId)?.textContent ?? null) : null,
    }
  })
}

/** Whether hunk `n` of the shown file is rendered and inside the diff's visible area. */
function hunkInView(page: Page, n: number): Promise<boolean> {
  return page.evaluate((i) => {
    const scroll = document.querySelector('[data-testid="changeset-detail"] [data-testid="diff-file"]')
    const hunk = scroll?.querySelector(`[data-hunk="${i}"]`)
    if (!scroll || !hunk) return false
    const a = scroll.getBoundingClientRect()
    const b = hunk.getBoundingClientRect()
    return b.top >= a.top - 1 && b.bottom <= a.bottom + 1
  }, n)
}

async function goToChangesets(page: Page): Promise<void> {
  await page.keyboard.press('g')
  await page.keyboard.press('c')
  await page.locator(LIST).or(page.getByTestId('changesets-list-empty')).first().waitFor()
}

/** Puts the keyboard on the list row of `id`, moving with j / k from the current row. */
async function focusRow(page: Page, id: string): Promise<void> {
  await page.locator(rowSel(id)).waitFor()
  const ids = await page
    .locator(`${LIST} [data-list-item]`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
  await page.locator(LIST).focus()
  for (let i = 0; i < ids.length && (await focusInfo(page)).rowId !== id; i++) {
    const at = ids.indexOf((await focusInfo(page)).rowId)
    await page.keyboard.press(at < ids.indexOf(id) ? 'j' : 'k')
  }
  await until(
    async () => (await focusInfo(page)).rowId === id && (await currentId(page)) === id,
    `change set ${id} focused`,
  )
}

/** Approves (`a`) or requests changes (`c` / shift+r) on the focused change set, from the keyboard. */
async function review(page: Page, key: 'a' | 'c' | 'Shift+R', comment: string): Promise<void> {
  await page.keyboard.press(key)
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  if (comment) await page.keyboard.type(comment)
  await page.keyboard.press('Control+Enter')
  await dialog.waitFor({ state: 'detached' })
}

async function expectOnServerOnce(
  id: string,
  status: 'approved' | 'rejected',
  comment: string | null,
  reviewerId: string,
): Promise<void> {
  const done = await until(
    async () => {
      const r = await serverReview(id)
      return r.status === status ? r : null
    },
    `change set ${id} ${status} on the server`,
    30_000,
  )
  expect(done.reviewComment).toBe(comment)
  expect(done.reviewedBy).toBe(reviewerId)
  expect(done.ledger).toEqual({ applied: 1, refused: 0 })
  expect(done.audits).toBe(1)
}

describe.skipIf(skip)('change sets: read the diff and review from the keyboard', () => {
  let rig: ConsoleRig
  let ws: Workspace
  let agentId: string

  beforeAll(async () => {
    // Ops may review change sets (finance may not: the console says so before sending).
    ws = await createWorkspace('changesets', { role: 'ops' })
    agentId = (await createAgent(ws.tenant.id, { name: 'Code Steward' })).id
    rig = await startConsoleRig()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('says so when no change set waits for review, and why a finance reviewer may not review one', async () => {
    const lone = await createWorkspace('changesets-empty')
    await withSignedIn(rig.browser, (await rig.shell()).url, lone.reviewer.email, {}, async (page) => {
      await goToChangesets(page)
      const empty = page.getByTestId('changesets-list-empty')
      await expect.poll(() => empty.innerText()).toMatch(/No change sets wait for review/)
      // The empty state holds the focus, so keys keep working.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'changesets-list-empty',
      )

      // One arrives: finance may not review change sets, and the console says so before sending.
      const cs = await createChangeset(lone.tenant.id, {
        title: 'Bump SDK',
        patches: [modifiedFile('package.json', 1)],
      })
      await page.locator(rowSel(cs.id)).waitFor({ timeout: 20_000 })
      expect(await page.locator(rowSel(cs.id)).innerText()).toMatch(/your role may not review/)
      await focusRow(page, cs.id)
      await page.keyboard.press('a')
      await until(
        async () =>
          (await page.locator('[data-testid="toast"]').allInnerTexts()).some((t) =>
            /changesets:review permission/.test(t),
          ),
        'the permission toast',
      )
      expect(await page.getByRole('dialog').count()).toBe(0)
      expect(await serverReview(cs.id)).toMatchObject({
        status: 'pending_review',
        ledger: { applied: 0, refused: 0 },
      })
    })
  }, 90_000)

  it('moves through files and hunks, switches the layout, and reviews online — each review once on the server', async () => {
    const a = await createChangeset(ws.tenant.id, {
      title: 'Raise refund limits and add a payout rule',
      description: 'Limits follow the **new policy**.',
      agentId,
      minutesAgo: 1,
      patches: [
        modifiedFile('src/limits.ts', 3),
        addedFile('src/rules/payout.ts', 5),
        modifiedFile('docs/limits.md', 1),
      ],
    })
    const b = await createChangeset(ws.tenant.id, {
      title: 'Retry webhooks',
      agentId,
      minutesAgo: 2,
      patches: [modifiedFile('src/webhooks.ts', 2)],
    })
    const c = await createChangeset(ws.tenant.id, {
      title: 'Rename ledger accounts',
      agentId,
      minutesAgo: 3,
      patches: [modifiedFile('src/accounts.ts', 1)],
    })
    await withSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email, { holdSeconds: 1 }, async (page) => {
      await goToChangesets(page)
      await until(
        async () => (await page.locator(`${LIST} [data-list-item]`).count()) === 3,
        'three change sets listed',
      )
      // Newest first, and the view's home focus is the current (first) row.
      expect(
        await page
          .locator(`${LIST} [data-list-item]`)
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))),
      ).toEqual([a.id, b.id, c.id])
      await until(async () => (await focusInfo(page)).rowId === a.id, 'the first change set focused')

      // The file list, with each file's counts in signs as well as colour.
      const files = page.locator('[data-testid="changeset-detail"] [data-testid="diff-file-item"]')
      await until(async () => (await files.count()) === 3, 'three files listed')
      expect(await files.nth(0).innerText()).toMatch(/src\/limits\.ts[\s\S]*\+9[\s\S]*−6/)
      expect(await files.nth(1).innerText()).toMatch(/src\/rules\/payout\.ts[\s\S]*new[\s\S]*\+5[\s\S]*−0/)
      expect((await diffState(page))?.path).toBe('src/limits.ts')
      // Lines carry their numbers and signs: a removed line reads −, an added one +.
      const firstDel = page.locator('[data-testid="changeset-detail"] .dl[data-kind="del"]').first()
      expect(await firstDel.innerText()).toMatch(/^4\s+−\s*const limit0_0 = 100/)

      // n: the first hunk takes the keyboard; twice more: the third, scrolled into view.
      await page.keyboard.press('n')
      await until(
        async () => (await diffState(page))?.hunk === '0' && (await focusInfo(page)).id === 'changeset-diff',
        'hunk 1 focused',
      )
      expect((await diffState(page))?.active).toMatch(/Hunk 1 of 3.*function step0/)
      // ↓ in the diff scrolls it: the keyboard stays there, on the same change set.
      await page.keyboard.press('ArrowDown')
      expect(await focusInfo(page)).toMatchObject({ id: 'changeset-diff' })
      expect(await currentId(page)).toBe(a.id)
      await page.keyboard.press('n')
      await page.keyboard.press('n')
      await until(
        async () => (await diffState(page))?.hunk === '2' && (await hunkInView(page, 2)),
        'hunk 3 in view',
      )
      expect((await diffState(page))?.active).toMatch(/function step2/)
      // On past the last hunk: the next file's first hunk; p comes back.
      await page.keyboard.press('n')
      await until(async () => (await diffState(page))?.path === 'src/rules/payout.ts', 'the next file')
      await page.keyboard.press('p')
      await until(async () => {
        const d = await diffState(page)
        return d?.path === 'src/limits.ts' && d.hunk === '2'
      }, 'back on the last hunk of the first file')
      // ] and [: files; the keyboard stays in the diff.
      await page.keyboard.press(']')
      await page.keyboard.press(']')
      await until(async () => (await diffState(page))?.path === 'docs/limits.md', 'the third file')
      expect((await focusInfo(page)).id).toBe('changeset-diff')
      expect(await files.nth(2).getAttribute('aria-current')).toBe('true')
      await page.keyboard.press('[')
      await until(async () => (await diffState(page))?.path === 'src/rules/payout.ts', 'the second file')
      await page.keyboard.press('[')
      await until(async () => (await diffState(page))?.path === 'src/limits.ts', 'the first file')

      // u: side by side — each removed line faces the line that replaced it; u again: unified.
      await page.keyboard.press('u')
      await until(async () => (await diffState(page))?.layout === 'split', 'the side-by-side layout')
      const pair = page
        .locator('[data-testid="changeset-detail"] .dl-pair')
        .filter({ has: page.locator('[data-kind="del"]') })
        .first()
      expect(
        await pair.locator('.dl-half').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
      ).toEqual(['del', 'add'])
      expect(await pair.innerText()).toMatch(/−\s*const limit0_0 = 100[\s\S]*\+\s*const limit0_0 = 200/)
      await screenshot(page, 'changesets-split-light')
      // j from inside the diff: the next change set, and the layout choice is kept for it.
      await page.keyboard.press('j')
      await until(
        async () => (await currentId(page)) === b.id && (await diffState(page))?.path === 'src/webhooks.ts',
        'the second change set shown',
      )
      expect((await diffState(page))?.layout).toBe('split')
      await page.keyboard.press('u')
      await until(async () => (await diffState(page))?.layout === 'unified', 'the unified layout again')
      // Esc gives the keyboard back to the list; k goes up to the first change set.
      await page.keyboard.press('Escape')
      await until(async () => (await focusInfo(page)).rowId === b.id, 'the list row focused after Esc')
      await page.keyboard.press('k')
      await until(async () => (await focusInfo(page)).rowId === a.id, 'the first change set again')

      // Every new key is in the ? overlay.
      await page.keyboard.press('?')
      const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
      await overlay.waitFor()
      const listed = await overlay
        .locator('[data-command-id^="changesets."]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-command-id')))
      for (const id of [
        'approve',
        'requestChanges',
        'nextFile',
        'prevFile',
        'nextHunk',
        'prevHunk',
        'layout',
        'detail',
      ]) {
        expect(listed, `? lists changesets.${id}`).toContain(`changesets.${id}`)
      }
      await page.keyboard.press('Escape')
      await overlay.waitFor({ state: 'detached' })

      // a: approve with a comment. The row is marked at once and the keyboard is on the next one.
      await until(
        async () => (await focusInfo(page)).rowId === a.id,
        'the focus back on the first change set',
      )
      await review(page, 'a', 'Matches the new refund policy.')
      await until(
        async () => (await page.locator(`${rowSel(a.id)} [data-testid="intent-mark"]`).count()) === 1,
        'the approved row marked',
        2000,
        10,
      )
      await until(
        async () => (await focusInfo(page)).rowId === b.id,
        'the focus on the next change set',
        2000,
        10,
      )
      expect(await page.locator(`${rowSel(a.id)} [data-testid="intent-mark"]`).innerText()).toMatch(/Approve · (Queued|Sending)/)

      // c: request changes — a comment is required.
      await page.keyboard.press('c')
      const dialog = page.getByRole('dialog', { name: 'Request changes' })
      await dialog.waitFor()
      await page.keyboard.press('Control+Enter')
      await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/Say what should change/)
      await page.keyboard.type('Cap the retries at five and log each attempt.')
      await page.keyboard.press('Control+Enter')
      await dialog.waitFor({ state: 'detached' })
      await until(
        async () => (await focusInfo(page)).rowId === c.id,
        'the focus on the third change set',
        2000,
        10,
      )
      expect(await page.locator(`${rowSel(b.id)} [data-testid="intent-mark"]`).innerText()).toMatch(
        /Request changes · (Queued|Sending)/,
      )

      await expectOnServerOnce(a.id, 'approved', 'Matches the new refund policy.', ws.reviewer.id)
      await expectOnServerOnce(
        b.id,
        'rejected',
        'Cap the retries at five and log each attempt.',
        ws.reviewer.id,
      )
      // Synced back, reviewed change sets leave the pending list; the keyboard stays on what is left.
      await until(
        async () => (await page.locator(`${LIST} [data-list-item]`).count()) === 1,
        'only the third change set pending',
      )
      expect((await focusInfo(page)).rowId).toBe(c.id)
      // Still once each once the queue has drained; the third is untouched.
      await waitForEmptyQueue(page)
      for (const cs of [a, b]) expect((await serverReview(cs.id)).ledger).toEqual({ applied: 1, refused: 0 })
      expect(await serverReview(c.id)).toMatchObject({
        status: 'pending_review',
        ledger: { applied: 0, refused: 0 },
        audits: 0,
      })
    })
  }, 150_000)

  it('approves and requests changes offline, and the server applies each once after reconnecting', async () => {
    const d = await createChangeset(ws.tenant.id, {
      title: 'Tighten payout cutoff',
      agentId,
      patches: [modifiedFile('src/cutoff.ts', 1)],
    })
    const e = await createChangeset(ws.tenant.id, {
      title: 'Drop legacy FX table',
      agentId,
      patches: [modifiedFile('src/fx.ts', 2)],
    })
    await withSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email, { holdSeconds: 1 }, async (page) => {
      await goToChangesets(page)
      await page.locator(rowSel(d.id)).waitFor()
      await page.locator(rowSel(e.id)).waitFor()

      await setWorkOffline(page, true)
      await focusRow(page, d.id)
      await review(page, 'a', '')
      await focusRow(page, e.id)
      await review(page, 'Shift+R', 'Keep the table until the March close.')
      // Both wait in the queue, marked on their rows; the server has neither.
      await until(
        async () => (await queueDepth(page)) === 2,
        'two queued reviews',
      )
      for (const cs of [d, e]) {
        await until(
          async () =>
            /Queued/.test(await page.locator(`${rowSel(cs.id)} [data-testid="intent-mark"]`).innerText()),
          'a queued mark',
        )
      }
      await screenshot(page, 'changesets-offline-light')
      for (const cs of [d, e]) {
        expect(await serverReview(cs.id)).toMatchObject({
          status: 'pending_review',
          ledger: { applied: 0, refused: 0 },
          audits: 0,
        })
      }

      await setWorkOffline(page, false)
      await expectOnServerOnce(d.id, 'approved', null, ws.reviewer.id)
      await expectOnServerOnce(e.id, 'rejected', 'Keep the table until the March close.', ws.reviewer.id)
      await waitForEmptyQueue(page)
      await until(
        async () => (await page.locator(`${rowSel(d.id)}, ${rowSel(e.id)}`).count()) === 0,
        'both reviewed change sets gone from the pending list',
      )
      // Still once each after the queue has drained and the replica has caught up.
      for (const cs of [d, e]) expect((await serverReview(cs.id)).ledger).toEqual({ applied: 1, refused: 0 })
    })
  }, 150_000)

  it('brings a refused review back onto its row with the server’s reason, and stops one it can foresee', async () => {
    const other = await createReviewer(ws.tenant.id, 'colleague', { role: 'ops' })
    const g = await createChangeset(ws.tenant.id, {
      title: 'Reorder payout batches',
      agentId,
      patches: [modifiedFile('src/batches.ts', 1)],
    })
    const mine = await createChangeset(ws.tenant.id, {
      title: 'My own config tweak',
      authorUserId: ws.reviewer.id,
      patches: [modifiedFile('config/payouts.yml', 1)],
    })
    await withSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email, { holdSeconds: 1 }, async (page) => {
      await goToChangesets(page)

      // Written by me: the console says why before anything is queued.
      await focusRow(page, mine.id)
      await expect
        .poll(() => page.getByTestId('changeset-blocked').innerText())
        .toMatch(/You wrote this change set/)
      await page.keyboard.press('a')
      await until(
        async () =>
          (await page.locator('[data-testid="toast"]').allInnerTexts()).some((t) =>
            /You wrote this change set/.test(t),
          ),
        'the refusal toast',
      )
      expect(await page.getByRole('dialog').count()).toBe(0)

      // Offline, I approve; meanwhile a colleague reviews it first.
      await setWorkOffline(page, true)
      await focusRow(page, g.id)
      await review(page, 'a', 'Fine by me.')
      await until(
        async () => (await queueDepth(page)) === 1,
        'one queued review',
      )
      await admin().query(
        `update public.changesets set status = 'approved', reviewed_by = $2, reviewed_at = now(), review_comment = 'Already merged.' where id = $1`,
        [g.id, other.id],
      )
      await setWorkOffline(page, false)
      await until(
        async () => (await serverReview(g.id)).ledger.refused === 1,
        'the refusal in the ledger',
        30_000,
      )

      // All change sets: the row carries the server's reason, the detail says what to do.
      await page.keyboard.press('2')
      const mark = page.locator(`${rowSel(g.id)} [data-testid="intent-mark"][data-state="refused"]`)
      await expect
        .poll(() => mark.innerText(), { timeout: 20_000 })
        .toMatch(/Refused: This change set is approved, not waiting for review/)
      await focusRow(page, g.id)
      await expect.poll(() => page.getByTestId('changeset-refusal').innerText()).toMatch(/What to do/)
      expect(await page.getByTestId('changeset-review').innerText()).toMatch(
        /Approved by Colleague Reviewer[\s\S]*Already merged\./,
      )
      await screenshot(page, 'changesets-refused-light')
      // Read and dismissed: the row no longer carries it.
      await page.getByTestId('changeset-refusal').getByRole('button', { name: 'Dismiss' }).click()
      await until(async () => (await mark.count()) === 0, 'the refusal dismissed from the row')
      // The colleague's review stands alone: mine was refused, not applied.
      expect(await serverReview(g.id)).toMatchObject({
        status: 'approved',
        reviewedBy: other.id,
        reviewComment: 'Already merged.',
        ledger: { applied: 0, refused: 1 },
      })
      expect(await serverReview(mine.id)).toMatchObject({
        status: 'pending_review',
        ledger: { applied: 0, refused: 0 },
      })
    })
  }, 150_000)

  it('opens a large change set at once, keeping only the rows on screen in the DOM', async () => {
    const big = await createChangeset(ws.tenant.id, {
      title: 'Regenerate the SDF project',
      agentId,
      patches: [
        modifiedFile('src/a-many-hunks.ts', 40),
        addedFile('src/b-generated.ts', 3000),
        ...Array.from({ length: 38 }, (_, i) =>
          modifiedFile(`src/objects/customrecord_${String(i).padStart(2, '0')}.xml`, 2),
        ),
      ],
    })
    await withSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email, { colorScheme: 'dark' }, async (page) => {
      await goToChangesets(page)
      await focusRow(page, big.id)
      const files = page.locator('[data-testid="changeset-detail"] [data-testid="diff-file-item"]')
      await until(async () => (await files.count()) === 40, 'forty files listed')
      const domRows = () => page.locator('[data-testid="changeset-detail"] .dl').count()
      expect(await domRows()).toBeLessThan(200)

      // To the 40th hunk of the first file.
      for (let i = 0; i < 40; i++) await page.keyboard.press('n')
      await until(
        async () => (await diffState(page))?.hunk === '39' && (await hunkInView(page, 39)),
        'hunk 40 in view',
      )
      expect((await diffState(page))?.active).toMatch(/Hunk 40 of 40.*function step39/)
      expect(await domRows()).toBeLessThan(200)
      await screenshot(page, 'changesets-large-dark')

      // The 3,000-line file: its last line is reachable, with only a window of rows in the DOM.
      await page.keyboard.press(']')
      await until(async () => (await diffState(page))?.path === 'src/b-generated.ts', 'the generated file')
      await page.locator('#changeset-diff').evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
      await expect
        .poll(() => page.locator('[data-testid="changeset-detail"] .dl').last().innerText())
        .toMatch(/3000\s*\+line 3000 of src\/b-generated\.ts/)
      expect(await domRows()).toBeLessThan(200)
    })
  }, 150_000)
})
