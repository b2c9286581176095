// Seeds escalations and hallucination flags for the review views' end-to-end tests, reads what the
// server holds about them, and drives the review list from the keyboard. Each test file seeds its
// own tenant; nothing here is shared between files.
import type { Page } from 'playwright-core'
import { admin } from '../../support/db'
import { connectivity, focusedRowId, until } from './console'

export interface EscalationSeed {
  fromAgentId: string
  toUserId?: string | null
  toAgentId?: string | null
  type: 'awareness' | 'action_required'
  trigger: string
  context: string
  impact?: string
  recommendation?: string | null
  relatedTaskId?: string | null
  approvalId?: string | null
  /** How long ago it was raised; newer sorts first within a group. */
  minutesAgo?: number
}

export async function createEscalation(tenantId: string, e: EscalationSeed): Promise<string> {
  const { rows } = await admin().query<{ id: string }>(
    `insert into public.escalations (tenant_id, from_agent_id, to_user_id, to_agent_id, type, trigger, context, impact,
                                     recommendation, related_task_id, approval_id, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() - make_interval(mins => $12)) returning id`,
    [
      tenantId,
      e.fromAgentId,
      e.toUserId ?? null,
      e.toAgentId ?? null,
      e.type,
      e.trigger,
      e.context,
      e.impact ?? 'Work waits until someone decides.',
      e.recommendation ?? null,
      e.relatedTaskId ?? null,
      e.approvalId ?? null,
      e.minutesAgo ?? 10,
    ],
  )
  return rows[0]!.id
}

export interface FlagSeed {
  agentId: string
  method: 'confidence' | 'fact_check' | 'pattern'
  confidence: number
  content: string
  taskId?: string | null
  approvalId?: string | null
}

export async function createFlag(tenantId: string, f: FlagSeed): Promise<string> {
  const { rows } = await admin().query<{ id: string }>(
    `insert into public.hallucination_flags (tenant_id, agent_id, task_id, approval_id, detection_method, confidence_score, flagged_content)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [tenantId, f.agentId, f.taskId ?? null, f.approvalId ?? null, f.method, f.confidence, f.content],
  )
  return rows[0]!.id
}

export interface ServerEscalation {
  status: string
  acknowledged_by: string | null
  resolved_by: string | null
  resolution: string | null
}

export async function serverEscalation(id: string): Promise<ServerEscalation> {
  const { rows } = await admin().query<ServerEscalation>(
    `select status, acknowledged_by, resolved_by, resolution from public.escalations where id = $1`,
    [id],
  )
  return rows[0]!
}

export interface ServerFlag {
  status: string
  reviewed_by: string | null
  notes: string | null
}

export async function serverFlag(id: string): Promise<ServerFlag> {
  const { rows } = await admin().query<ServerFlag>(`select status, reviewed_by, notes from public.hallucination_flags where id = $1`, [id])
  return rows[0]!
}

/**
 * How often the server took an intent on this row: entries of the push ledger (sync_mutations) by
 * status, and audit entries for the action. Exactly once = one applied ledger entry, one audit entry.
 */
export async function serverEffects(
  kind: 'escalation.acknowledge' | 'escalation.resolve' | 'flag.review',
  id: string,
): Promise<{ applied: number; refused: number; audit: number }> {
  const arg = kind === 'flag.review' ? 'flag_id' : 'escalation_id'
  const { rows } = await admin().query<{ applied: number; refused: number; audit: number }>(
    `select (select count(*)::int from public.sync_mutations where kind = $1 and args->>'${arg}' = $2 and status = 'applied') as applied,
            (select count(*)::int from public.sync_mutations where kind = $1 and args->>'${arg}' = $2 and status <> 'applied') as refused,
            (select count(*)::int from public.audit_log where action = $1 and entity_id = $2) as audit`,
    [kind, id],
  )
  return rows[0]!
}

/** The review row of `id` in the list with this test id. */
export function reviewRow(page: Page, listTestId: string, id: string) {
  return page.locator(`[data-testid="${listTestId}"] [data-list-item][data-id="${id}"]`)
}

/** The mark a queued, held or refused step puts on the review row of `id`. */
export function intentMark(page: Page, listTestId: string, id: string) {
  return reviewRow(page, listTestId, id).getByTestId('intent-mark')
}

/** Moves the focus with `j` / `k` (from the current row, or the first) until row `id` has it. */
export async function focusReviewRow(page: Page, listTestId: string, id: string, maxSteps = 50): Promise<void> {
  await reviewRow(page, listTestId, id).waitFor()
  const ids = () => page.locator(`[data-testid="${listTestId}"] [data-list-item]`).evaluateAll((els) => els.map((el) => el.getAttribute('data-id')))
  for (let i = 0; i < maxSteps; i++) {
    const at = await focusedRowId(page)
    if (at === id) return
    const order = await ids()
    const key = at !== null && order.indexOf(at) > order.indexOf(id) ? 'k' : 'j'
    await page.keyboard.press(key)
    const moved = await until(async () => (await focusedRowId(page)) !== at, 'the focus to move', 3000, 20).catch(() => false)
    if (!moved) throw new Error(`row ${id} is not reachable in ${listTestId} (the focus stays on ${at})`)
  }
  throw new Error(`row ${id} not reached in ${maxSteps} steps`)
}

/** How many intents the console holds, queues or is sending (the status bar's queue depth). */
export async function queueDepth(page: Page): Promise<number> {
  return Number(await page.getByTestId('queue-depth').getAttribute('data-depth'))
}

/**
 * Waits until nothing is held, queued or being sent: only then can an "exactly once" check on the
 * server not be overtaken by a second push still on its way.
 */
export async function waitForEmptyQueue(page: Page, timeoutMs = 30_000): Promise<void> {
  await until(async () => (await queueDepth(page)) === 0, 'an empty queue', timeoutMs)
}

/** Toggles Work offline from the command palette, keyboard only; the focus returns to where it was. */
export async function toggleWorkOffline(page: Page, expected: 'offline' | 'online'): Promise<void> {
  await page.keyboard.press('Control+k')
  await page.keyboard.type('Toggle Work offline')
  await page.locator('[data-command-id="sync.workOffline"]').waitFor()
  await page.keyboard.press('Enter')
  await until(
    async () => (await connectivity(page)) === expected,
    `the status bar to say ${expected}`,
    30_000,
  )
}
