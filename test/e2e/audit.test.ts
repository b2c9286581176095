// The Audit view (`g l`): the tenant's audit log, filtered from the keyboard (`/` focuses the
// filters, not the inbox search) and exported as a CSV that parses (RFC 4180) and holds exactly the
// rows on screen; Enter opens an entry's before/after as a key-by-key diff; `v` verifies the chain
// from the replica with a progress bar — "Verified N entries" with N the server's count — and, once
// someone rewrote an entry on the server as superuser and sync brought it down, names that entry
// and shows it highlighted; and names a tail a superuser deleted after this console verified it.
// Entries read in words: actors by name (a request a policy decided is the policy's doing), and
// entities as a reader names them (an approval by title, counterparty and amount), never by id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { admin } from '../support/db'
import { parseCsv } from '../support/csv'
import { addMember, createAgent, createApproval, createAuditEntry, createTenant } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig } from './harness'
import { openSignedIn, screenshot, until } from './helpers/console'
import { createReviewer, createWorkspace, type Workspace } from './helpers/workspace'
import { seedAuditLog, serverAuditCount, tamperAuditEntry } from './helpers/audit-fixtures'
import { saveDownload } from './helpers/downloads'

const skip = chromiumUnavailable()
// Enough that verifying takes several progress reports, and the log several pages.
const ENTRIES = 4000

const digits = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''))
const shownTotal = async (page: Page) =>
  Number(await page.getByTestId('audit-range').getAttribute('data-total'))

async function goToAudit(page: Page): Promise<void> {
  await page.keyboard.press('g')
  await page.keyboard.press('l')
  await page.getByTestId('audit-log').waitFor()
}

/** The entries the log shows: id, action and entity id, read from the screen. */
function shownRows(page: Page): Promise<{ id: string; action: string; entityId: string }[]> {
  return page.getByTestId('audit-row').evaluateAll((rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-id') ?? '',
      action: r.querySelector('td:nth-child(4)')?.textContent ?? '',
      entityId: r.querySelector('td:nth-child(5) [title]')?.getAttribute('title') ?? '',
    })),
  )
}

/** The replica's copy of one entry's after_state, read through the console's own API. */
async function replicaAfterState(page: Page, tenantId: string, id: string): Promise<unknown> {
  return page.evaluate(
    async ({ tenantId, id }) => {
      type Api = { call(m: string, a: unknown): Promise<{ ok: boolean; value?: unknown }> }
      const api = (window as unknown as { api: Api }).api
      const at = await api.call('audit.locate', { tenantId, id })
      const offset = (at.value as { offset: number | null } | undefined)?.offset
      if (!at.ok || offset === null || offset === undefined) return null
      const page = await api.call('audit.list', { tenantId, limit: 1, offset })
      return (page.value as { items: { afterState: unknown }[] }).items[0]?.afterState ?? null
    },
    { tenantId, id },
  )
}

/** Every value the verification progress bar showed, recorded as the DOM changes. */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { progressSeen: { now: number; max: number }[] }
    w.progressSeen = []
    new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"]')
      if (!bar) return
      const seen = {
        now: Number(bar.getAttribute('aria-valuenow')),
        max: Number(bar.getAttribute('aria-valuemax')),
      }
      const last = w.progressSeen.at(-1)
      if (!last || last.now !== seen.now || last.max !== seen.max) w.progressSeen.push(seen)
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
}

describe.skipIf(skip)('the Audit view', () => {
  let rig: ConsoleRig
  let ws: Workspace
  let total = 0
  let page: Page
  let named: string

  beforeAll(async () => {
    ws = await createWorkspace('audit')
    const colleague = await createReviewer(ws.tenant.id, 'colleague')
    const agents = [
      await createAgent(ws.tenant.id, { name: 'Ledger Bot' }),
      await createAgent(ws.tenant.id, { name: 'Refund Desk' }),
    ]
    // A request a policy approved on its own, then one a reviewer approved: older than the seeded log.
    const approval = await createApproval(ws.tenant.id, {
      agentId: agents[1]!.id,
      title: 'Refund order 4411',
      amount: '1250.00',
      currency: 'EUR',
      counterparty: 'Globex',
    })
    named = approval.id
    await createAuditEntry(ws.tenant.id, {
      actorType: 'agent',
      actorId: agents[1]!.id,
      action: 'approval.auto_approved',
      entityType: 'approval',
      entityId: approval.id,
      metadata: { route: 'auto', rule: 'refunds under 500 EUR' },
    })
    await createAuditEntry(ws.tenant.id, { actorType: 'user', actorId: ws.reviewer.id, action: 'approval.approve', entityType: 'approval', entityId: approval.id })
    await seedAuditLog(ws.tenant.id, ENTRIES, {
      agentIds: agents.map((a) => a.id),
      userIds: [ws.reviewer.id, colleague.id],
    })
    total = await serverAuditCount(ws.tenant.id)
    rig = await startConsoleRig()
    ;({ page } = await openSignedIn(rig.browser, (await rig.shell()).url, ws.reviewer.email))
    await goToAudit(page)
    // The replica has the whole log once the view counts the server's number of entries.
    await until(async () => (await shownTotal(page)) === total, `${total} entries`, 60_000)
  }, 180_000)

  afterAll(async () => {
    await rig?.close()
  })

  it('pages through the log newest first and opens an entry’s before/after with Enter', async () => {
    const first = await shownRows(page)
    expect(first).toHaveLength(100)
    const newest = await admin().query<{ id: string }>(
      'select id::text as id from public.audit_log where tenant_id = $1 order by audit_log.id desc limit 100',
      [ws.tenant.id],
    )
    expect(first.map((r) => r.id)).toEqual(newest.rows.map((r) => r.id))

    const older = await admin().query<{ id: string }>(
      'select id::text as id from public.audit_log where tenant_id = $1 order by audit_log.id desc offset 100 limit 1',
      [ws.tenant.id],
    )
    await page.keyboard.press(']')
    await until(async () => (await shownRows(page))[0]?.id === older.rows[0]!.id, 'the next page')
    expect(await page.getByTestId('audit-range').innerText()).toMatch(/^101–200 of/)
    await page.keyboard.press('[')
    await until(async () => (await shownRows(page))[0]?.id === first[0]!.id, 'back to the newest page')

    // j j focuses the second newest entry, seeded entry number ENTRIES - 1: its status and amount
    // changed and a note was added.
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    const id = await page.evaluate(() => document.activeElement?.getAttribute('data-id'))
    expect(id).toBe(first[1]!.id)
    await page.keyboard.press('Enter')
    const detail = page.locator(`[data-testid="audit-detail"][data-entry-id="${id}"]`)
    await detail.waitFor()
    const diff = await detail
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      )
    expect(diff).toEqual(
      expect.arrayContaining([
        ['~ Changed', 'amount', String(ENTRIES - 1), String(ENTRIES)],
        ['~ Changed', 'status', 'pending', 'rejected'],
        ['+ Added', 'note', '—', `entry ${ENTRIES - 1}`],
      ]),
    )
    expect(diff).toHaveLength(3)
    expect(await page.getByTestId('audit-row').nth(1).getAttribute('data-expanded')).toBe('true')
    await page.keyboard.press('Enter')
    await detail.waitFor({ state: 'detached' })
  })

  it('says who acted and on what in words: the deciding policy, a reviewer by name, an approval by title and amount', async () => {
    const cells = () =>
      page.getByTestId('audit-row').evaluateAll((rows) =>
        rows.map((r) => ({
          actor: r.querySelector('[data-testid="audit-actor"]')?.textContent ?? '',
          entity: r.querySelector('[data-testid="audit-entity"]')?.textContent ?? '',
        })),
      )
    // The seeded log's entities are not in this replica: each names its kind, never an id.
    const seeded = await cells()
    expect(seeded.length).toBeGreaterThan(0)
    for (const c of seeded) {
      expect(c.entity).toMatch(/^(Approval|Escalation|Hallucination flag|Changeset)not on this console$/)
      expect(c.actor).not.toMatch(/\b[0-9a-f]{8}\b|^(User|Agent) /)
    }

    await page.keyboard.press('/')
    await page.keyboard.type(named)
    await page.keyboard.press('Enter')
    await until(async () => (await shownTotal(page)) === 2, 'the two entries of the named approval')
    const [approved, auto] = await cells()
    expect(approved).toEqual({ actor: 'Audit Reviewer · reviewer', entity: 'ApprovalRefund order 4411 to Globex · 1,250.00 EUR' })
    // The policy decided, not the agent that asked.
    expect(auto).toEqual({ actor: 'Policy: refunds under 500 EUR (auto)', entity: 'ApprovalRefund order 4411 to Globex · 1,250.00 EUR' })
    await page.getByTestId('audit-log').focus()
    await page.keyboard.press('c')
    await until(async () => (await shownTotal(page)) === total, 'the filters cleared')
  })

  it('filters from the keyboard and exports exactly the rows on screen as CSV', async () => {
    await page.keyboard.press('/')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('audit-filter-entity')
    expect(await page.getByTestId('tab-audit').getAttribute('aria-current')).toBe('page')
    await page.keyboard.type('entity-7')
    await page.keyboard.press('Enter')
    const byEntity = await serverAuditCount(ws.tenant.id, `entity_id = 'entity-7'`)
    await until(async () => (await shownTotal(page)) === byEntity, 'the entity filter')
    await page.getByTestId('audit-filter-actor-type').selectOption('agent', { timeout: 5000 })
    const expected = await serverAuditCount(ws.tenant.id, `entity_id = 'entity-7' and actor_type = 'agent'`)
    expect(expected).toBeGreaterThan(10)
    expect(expected).toBeLessThan(100) // one page: every matching row is on screen
    await until(
      async () => (await shownRows(page)).length === expected,
      `${expected} rows for entity-7 by agents`,
    )
    const rows = await shownRows(page)
    expect(rows.every((r) => r.entityId === 'entity-7')).toBe(true)

    // Back from the filters to the log (keys do not fire in a field), then export.
    await page.getByTestId('audit-log').focus()
    const file = await saveDownload(page, () => page.keyboard.press('Shift+X'))
    const [header, ...records] = parseCsv(file.text)
    const col = (name: string) => {
      const i = header!.indexOf(name)
      expect(i, `CSV column ${name}`).toBeGreaterThanOrEqual(0)
      return i
    }
    const [idCol, actionCol, entityCol, actorCol] = [
      col('id'),
      col('action'),
      col('entity_id'),
      col('actor_type'),
    ]
    expect(records.map((r) => ({ id: r[idCol], action: r[actionCol], entityId: r[entityCol] }))).toEqual(rows)
    expect(records.every((r) => r[actorCol] === 'agent')).toBe(true)

    await page.keyboard.press('c')
    await until(async () => (await shownTotal(page)) === total, 'the filters cleared')
  })

  it('verifies the chain with a progress bar: "Verified N entries", N the server’s count', async () => {
    await recordProgress(page)
    await page.getByTestId('audit-log').focus()
    await page.keyboard.press('v')
    const result = page.getByTestId('verify-result')
    await until(
      async () => (await result.count()) > 0 && (await result.getAttribute('data-ok')),
      'the verdict',
    )
    expect(await result.getAttribute('data-ok')).toBe('true')
    expect(digits(/Verified ([\d,.\s]+) entries/.exec(await result.innerText())?.[1] ?? null)).toBe(total)
    // Numbers that skip within an intact chain are explained, not left to read as gaps.
    expect(await result.innerText()).toMatch(/Entry numbers are shared by every tenant’s log, so this tenant’s may skip some/)
    const seen = await page.evaluate(
      () => (window as unknown as { progressSeen: { now: number; max: number }[] }).progressSeen,
    )
    // The bar showed the tenant's total and moved forward only (it starts empty before the first report).
    const reported = seen.filter((s) => s.max > 0)
    expect(reported.length, 'the progress bar showed the count').toBeGreaterThan(0)
    expect(reported.every((s) => s.max === total && s.now >= 0 && s.now <= total)).toBe(true)
    expect(reported.map((s) => s.now)).toEqual(reported.map((s) => s.now).sort((a, b) => a - b))
  })

  it('names the entry a superuser rewrote on the server, once sync brings it down, and shows it highlighted', async () => {
    const { rows } = await admin().query<{ id: string }>(
      'select id::text as id from public.audit_log where tenant_id = $1 order by audit_log.id offset 1234 limit 1',
      [ws.tenant.id],
    )
    const victim = rows[0]!.id
    const forged = { status: 'approved', amount: 1, note: 'nothing to see' }
    await tamperAuditEntry(victim, forged)
    await until(
      async () =>
        ((await replicaAfterState(page, ws.tenant.id, victim)) as { note?: string } | null)?.note ===
        forged.note,
      'the rewrite synced',
      30_000,
    )

    await page.getByTestId('audit-log').focus()
    await page.keyboard.press('v')
    const result = page.getByTestId('verify-result')
    await until(async () => (await result.getAttribute('data-ok')) === 'false', 'a broken chain')
    expect(await result.getAttribute('data-broken-id')).toBe(victim)
    expect(await result.innerText()).toContain(`Chain breaks at #${victim}`)
    expect(await result.innerText()).toContain('changed after it was written')

    // The view pages to the entry, focuses it, opens it and marks it — in words as well as colour.
    const row = page.locator(`[data-testid="audit-row"][data-id="${victim}"]`)
    await row.waitFor()
    expect(await row.getAttribute('data-broken')).toBe('true')
    expect(await row.innerText()).toContain('Chain breaks here')
    await until(
      async () => (await page.evaluate(() => document.activeElement?.getAttribute('data-id'))) === victim,
      'the broken entry focused',
    )
    const detail = page.locator(`[data-testid="audit-detail"][data-entry-id="${victim}"]`)
    expect(await detail.innerText()).toContain('nothing to see')
    await screenshot(page, 'audit-chain-broken')
  })

  it('lets a reviewer who sees several tenants choose whose chain to verify', async () => {
    const second = await createTenant({ name: 'Audit Second Ltd' })
    await addMember(second.id, ws.reviewer.id, 'finance')
    await seedAuditLog(second.id, 25, {
      agentIds: [(await createAgent(second.id)).id],
      userIds: [ws.reviewer.id],
    })
    const chooser = page.getByTestId('verify-tenant')
    await until(
      async () => (await chooser.count()) > 0 && (await chooser.locator('option').count()) === 2,
      'a choice of two tenants',
      30_000,
    )
    // The log shows both tenants now: wait until it has the second one's entries too.
    await until(async () => (await shownTotal(page)) === total + 25, 'both tenants in the log', 30_000)
    await chooser.selectOption(second.id)
    await page.getByTestId('audit-log').focus()
    await page.keyboard.press('v')
    const result = page.getByTestId('verify-result')
    await until(
      async () => (await result.innerText()).includes('Audit Second Ltd'),
      'the second tenant verified',
    )
    expect(await result.getAttribute('data-ok')).toBe('true')
    expect(await result.innerText()).toMatch(/Verified 25 entries of Audit Second Ltd/)

    // A superuser deletes the newest five entries and moves the chain head back to cover it. The
    // server's chain now links up and ends at its head; this console verified the longer chain,
    // so its Verify names the deletion.
    const { rows } = await admin().query<{ id: string }>(
      'select id::text as id from public.audit_log where tenant_id = $1 order by id desc limit 6',
      [second.id],
    )
    const [newest, , , , , keep] = rows.map((r) => r.id)
    const c = await admin().connect()
    try {
      await c.query('begin')
      await c.query('set local session_replication_role = replica')
      await c.query('delete from public.audit_log where tenant_id = $1 and id > $2::bigint', [second.id, keep])
      await c.query('set local session_replication_role = origin')
      await c.query(
        `update public.audit_chain_heads h set last_id = a.id, last_hash = a.integrity_hash
           from public.audit_log a where a.id = $2::bigint and h.tenant_id = $1`,
        [second.id, keep],
      )
      await c.query('commit')
    } finally {
      c.release()
    }
    await until(
      async () => {
        await page.getByTestId('audit-log').focus()
        await page.keyboard.press('v')
        await until(async () => (await result.count()) > 0 && (await result.getAttribute('data-ok')) !== null, 'a verdict')
        return (await result.getAttribute('data-reason')) === 'tail_deleted'
      },
      'the deletion named',
      30_000,
    )
    expect(await result.getAttribute('data-broken-id')).toBe(newest)
    expect(await result.innerText()).toContain('Entries deleted at the end of the chain')
    expect(await result.innerText()).toContain(`ends at #${keep}`)
    await screenshot(page, 'audit-tail-deleted')
  })
})
