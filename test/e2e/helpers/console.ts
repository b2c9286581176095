// Driving the console in Chromium: open the web shell, sign in, read what the page shows, wait for
// conditions (never fixed sleeps), and keep screenshots as test artifacts.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Intent } from '../../../src/shared/contract-domain'

export const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots')

export interface OpenOptions {
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
}

/** A fresh browser context (its own storage) with the console loaded from the web shell. */
export async function openConsole(browser: Browser, url: string, opts: OpenOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    colorScheme: opts.colorScheme ?? 'light',
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    reducedMotion: 'reduce',
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  ;(page as Page & { consoleErrors?: string[] }).consoleErrors = errors
  await page.goto(url)
  return { context, page }
}

async function signInHolding(page: Page, email: string, holdSeconds: number | undefined): Promise<void> {
  await signIn(page, email)
  if (holdSeconds !== undefined) await setHoldSeconds(page, holdSeconds)
}

export interface SignedInOptions extends OpenOptions {
  /** The hold window to set once signed in; the shell's own setting stays when absent. */
  holdSeconds?: number
}

/** A fresh context with the console opened from `url`, `email` signed in, and the hold window set if asked. */
export async function openSignedIn(
  browser: Browser,
  url: string,
  email: string,
  opts: SignedInOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await openConsole(browser, url, opts)
  await signInHolding(page, email, opts.holdSeconds)
  return { context, page }
}

/**
 * Runs `use` on a console opened and signed in as `openSignedIn` does, and closes its context
 * afterwards whatever happens: for a test that wants a page of its own.
 */
export async function withSignedIn<T>(
  browser: Browser,
  url: string,
  email: string,
  opts: SignedInOptions,
  use: (page: Page) => Promise<T>,
): Promise<T> {
  const { context, page } = await openConsole(browser, url, opts)
  try {
    await signInHolding(page, email, opts.holdSeconds)
    return await use(page)
  } finally {
    await context.close()
  }
}

export function consoleErrors(page: Page): string[] {
  return (page as Page & { consoleErrors?: string[] }).consoleErrors ?? []
}

/** Polls `check` until it returns a truthy value; fails with `what` and the last value at the deadline. */
export async function until<T>(check: () => Promise<T> | T, what: string, timeoutMs = 20_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      last = await check()
      if (last) return last as NonNullable<T>
    } catch (err) {
      lastError = err
    }
    await new Promise((r) => setTimeout(r, everyMs))
  }
  throw new Error(`Timed out waiting for ${what} (last: ${JSON.stringify(last)}${lastError ? `, error: ${String(lastError)}` : ''})`)
}

/**
 * Signs in from the sign-in screen with the keyboard only, and waits for the workspace. The web
 * shell's core keeps its session across browser contexts, so an already signed-in shell is fine.
 */
export async function signIn(page: Page, email: string, password = 'demo-password', timeoutMs = 30_000): Promise<void> {
  const screen = await until(
    async () => ((await page.locator('.workspace').count()) > 0 ? 'workspace' : (await page.getByLabel('Email').count()) > 0 ? 'signin' : null),
    'the sign-in screen or the workspace',
    30_000,
  ).catch(async (err: unknown) => {
    await screenshot(page, `failure-signin-${Date.now()}`)
    throw new Error(`${String(err)}; page shows: ${(await page.locator('body').innerText()).slice(0, 300)}; errors: ${consoleErrors(page).join(' | ')}`)
  })
  if (screen === 'signin') {
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.keyboard.press('Enter')
  }
  await page.locator('.workspace').waitFor({ timeout: timeoutMs })
}

/** Waits until the inbox lists at least `min` rows (the total the list header counts). */
export async function waitForInbox(page: Page, min: number, timeoutMs = 30_000): Promise<number> {
  return until(
    async () => {
      const n = await page.evaluate(() => {
        const list = document.querySelector('[data-testid="inbox-list"] [role="option"]')
        return list ? Number(list.getAttribute('aria-setsize')) : 0
      })
      return n >= min ? n : 0
    },
    `an inbox of at least ${min} rows`,
    timeoutMs,
  ).catch(async (err: unknown) => {
    // Say what the reviewer would have seen (the list's size, the status bar), what the core
    // believes (the same filter's total in the replica, the sync status) and what the list's
    // refresh machinery is doing: which side stopped is then in the message.
    await screenshot(page, `failure-inbox-${Date.now()}`)
    const shown = await page.evaluate(() => ({
      rows: document.querySelector('[data-testid="inbox-list"] [role="option"]')?.getAttribute('aria-setsize') ?? 'no list',
      status: document.querySelector('[data-testid="statusbar"]')?.textContent ?? 'no status bar',
    }))
    const beliefs = await inboxBeliefs(page).catch((e: unknown) => `unreadable: ${String(e)}`)
    throw new Error(`${String(err)}; inbox rows: ${shown.rows}; status bar: ${shown.status}; ${beliefs}`)
  })
}

/**
 * The inbox as each side sees it: the list store's refresh state (the web shell's read-only
 * `consoleDiagnostics`), the replica's total for the store's filter and the core's sync status,
 * both asked through the page's own bridge. Each answer is bounded: a call that never comes back
 * is itself the finding.
 */
export async function inboxBeliefs(page: Page, waitMs = 10_000): Promise<string> {
  const seen = await page.evaluate(async (ms) => {
    type Diagnostics = { inbox(): { filter: unknown } & Record<string, unknown> }
    type Api = { call(method: string, args: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> }
    const w = window as unknown as { consoleDiagnostics?: Diagnostics; api: Api }
    const store = w.consoleDiagnostics?.inbox() ?? null
    // The rows on screen: a row React no longer updates keeps an old set size or shows a request twice.
    const options = [...document.querySelectorAll('[data-testid="inbox-list"] [role="option"]')]
    const ids = options.map((o) => o.getAttribute('data-approval-id')).filter((id) => id !== null)
    const dom = { options: options.length, setSizes: [...new Set(options.map((o) => o.getAttribute('aria-setsize')))], shownTwice: ids.length - new Set(ids).size }
    const bounded = (p: Promise<unknown>) =>
      Promise.race([p, new Promise((resolve) => setTimeout(() => resolve(`no answer in ${ms} ms`), ms))])
    const [list, sync] = await Promise.all([
      bounded(w.api.call('inbox.list', { filter: store?.filter ?? {}, limit: 1, offset: 0 }).then((o) => (o.ok ? { total: (o.value as { total: number }).total } : o.error))),
      bounded(w.api.call('sync.status', {}).then((o) => (o.ok ? o.value : o.error))),
    ])
    return { dom, store, list, sync }
  }, waitMs)
  return `list on screen: ${JSON.stringify(seen.dom)}; list store: ${JSON.stringify(seen.store)}; core inbox.list: ${JSON.stringify(seen.list)}; core sync.status: ${JSON.stringify(seen.sync)}`
}

/**
 * Waits for the core's first sync to complete for as long as it moves: it fails only when the rows
 * applied stop growing for `stallMs` (a sync that stopped), never because a busy machine is slow.
 */
export async function waitForFirstSync(page: Page, stallMs = 60_000): Promise<void> {
  let rows = -1
  let movedAt = Date.now()
  for (;;) {
    const status = await page.evaluate(async () => {
      type Api = { call(method: string, args: unknown): Promise<{ ok: boolean; value?: unknown }> }
      const api = (window as unknown as { api: Api }).api
      const answer = await Promise.race([api.call('sync.status', {}), new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))])
      return answer?.ok ? (answer.value as { lastPullAt: string | null; initialSync: { rows: number } | null }) : null
    })
    if (status && status.initialSync === null && status.lastPullAt !== null) return
    const now = status?.initialSync?.rows ?? rows
    if (now > rows) {
      rows = now
      movedAt = Date.now()
    } else if (Date.now() - movedAt > stallMs) {
      throw new Error(`the first sync stopped at ${rows} rows for ${stallMs} ms; ${await inboxBeliefs(page).catch((e: unknown) => String(e))}`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** The approval the detail pane shows (the focused row's). */
export function shownApprovalId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('.detail-header')?.getAttribute('data-approval-id') ?? null)
}

/** The approval of the row the listbox marks active. */
export function focusedRowApprovalId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const list = document.querySelector('[data-testid="inbox-list"]')
    const active = list?.getAttribute('aria-activedescendant')
    return active ? (document.getElementById(active)?.getAttribute('data-approval-id') ?? null) : null
  })
}

/** Waits until the detail pane shows a loaded item other than `previous`, and returns its id. */
export function nextShown(page: Page, previous: string | null): Promise<string> {
  return until(async () => {
    const id = await page.evaluate(() =>
      document.querySelector('.detail-body') ? (document.querySelector('.detail-header')?.getAttribute('data-approval-id') ?? null) : null,
    )
    return id && id !== previous ? id : null
  }, 'the next item in the detail pane', 20_000, 20)
}

/** Where the keyboard focus is: a short description for assertions. */
export function activeElementInfo(page: Page): Promise<{ tag: string; testid: string | null; inApp: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement
    return {
      tag: el?.tagName.toLowerCase() ?? 'none',
      testid: el?.getAttribute('data-testid') ?? null,
      inApp: !!el && el !== document.body && !!document.getElementById('root')?.contains(el),
    }
  })
}

/** The data-id of the list row (`[data-list-item]`) holding the DOM focus, or null. */
export function focusedRowId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.closest('[data-list-item]')?.getAttribute('data-id') ?? null)
}

/** Waits until the list row `id` holds the DOM focus. */
export async function waitForFocusOnRow(page: Page, id: string): Promise<void> {
  await until(async () => (await focusedRowId(page)) === id, `the focus on row ${id}`, 5000, 20)
}

/** My queue as the core lists it (intents held, queued or sending, and refusals not yet dismissed), asked through the page's bridge. */
export async function queuedIntents(page: Page): Promise<Intent[]> {
  const answer = await page.evaluate(async () => {
    const api = (window as unknown as { api: { call(m: string, a: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> } }).api
    return api.call('queue.list', {})
  })
  if (!answer.ok) throw new Error(`queue.list refused: ${JSON.stringify(answer.error)}`)
  return answer.value as Intent[]
}

/** What the status bar says of the connection: online, syncing, offline or error. */
export function connectivity(page: Page): Promise<string | null> {
  return page.getByTestId('connectivity').getAttribute('data-state')
}

/** Flips "Work offline" from the status bar and waits until the status bar shows the new state. */
export async function setWorkOffline(page: Page, offline: boolean): Promise<void> {
  const toggle = page.getByTestId('work-offline')
  if ((await toggle.getAttribute('aria-checked')) === String(offline)) return
  await toggle.click()
  await until(async () => (offline ? (await connectivity(page)) === 'offline' : (await connectivity(page)) !== 'offline'), `work offline = ${offline}`)
}

export async function setHoldSeconds(page: Page, seconds: number): Promise<void> {
  await page.evaluate(async (s) => {
    const api = (window as unknown as { api: { call(m: string, a: unknown): Promise<{ ok: boolean }> } }).api
    const r = await api.call('settings.update', { holdSeconds: s })
    if (!r.ok) throw new Error('settings.update failed')
  }, seconds)
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path })
  return path
}

export async function toastTexts(page: Page): Promise<string[]> {
  return page.locator('[data-testid="toast"]').allInnerTexts()
}

/** Shows an inbox lane: Needs me (what the reviewer may decide now) or Others. */
export async function showLane(page: Page, lane: 'mine' | 'others'): Promise<void> {
  const tab = page.getByTestId(`lane-${lane}`)
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click()
  await until(async () => (await tab.getAttribute('aria-selected')) === 'true', `the ${lane} lane`, 5000, 20)
}

/**
 * Walks an inbox lane (Needs me unless told) with `j` from the top until the detail shows `id`;
 * fails at the end of the list.
 */
export async function goToApproval(page: Page, id: string, opts: { lane?: 'mine' | 'others'; maxSteps?: number } = {}): Promise<void> {
  const maxSteps = opts.maxSteps ?? 200
  await showLane(page, opts.lane ?? 'mine')
  await page.locator(`[data-testid="inbox-list"] [role="option"]`).first().waitFor()
  const list = page.locator('[data-testid="inbox-list"]')
  await list.focus()
  const active = () => page.evaluate(() => document.querySelector('[data-testid="inbox-list"]')?.getAttribute('aria-activedescendant') ?? null)
  await page.keyboard.press('Home')
  // A list that re-reads its rows just then (a pull or a push answer landing) may take the key
  // before its rows are back: press it again until the first row holds the focus.
  await until(
    async () => {
      if ((await active()) === 'inbox-row-0') return true
      await list.focus()
      await page.keyboard.press('Home')
      return false
    },
    'the first row focused',
    10_000,
    50,
  )
  for (let i = 0; i < maxSteps; i++) {
    if ((await shownApprovalId(page)) === id) break
    const before = await active()
    await page.keyboard.press('j')
    const moved = await until(async () => (await active()) !== before, 'the focus to move', 3000, 20).catch(() => false)
    if (!moved) throw new Error(`approval ${id} is not in the inbox (reached the end of the list)`)
  }
  await until(async () => (await shownApprovalId(page)) === id && (await page.locator('.detail-body').count()) > 0, `approval ${id} in the detail`)
}
