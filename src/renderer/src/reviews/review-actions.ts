// What a key does in a review view: queue a review intent the way reviewers expect (the row is
// marked at once, the focus moves on to the next row, a toast offers Undo for the hold window, a
// failure to queue says why), and take the keyboard into the detail beside the list.
import { create } from 'zustand'
import type { NewIntent } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import { setDetailOpen, useRouter } from '../state/router-store'
import { modalOpen } from '../keyboard/layers'
import { showToast } from '../state/toast-store'
import type { ReviewRow, ReviewStore } from './review-store'

/** Focus requests for the detail pane: the pane itself, or one of its sections by element id. */
export const useDetailFocus = create<{ target: string | null; seq: number }>(() => ({ target: null, seq: 0 }))

/** Enter (and keys such as `t` for the related task): the detail takes the keyboard; Esc gives it back. */
export function openReviewDetail(sectionId?: string): void {
  setDetailOpen(true)
  useDetailFocus.setState((s) => ({ target: sectionId ?? null, seq: s.seq + 1 }))
}

export function rowElement(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-list-item][data-id="${CSS.escape(id)}"]`)
}

/** Makes `id` the current row; the DOM focus follows unless the detail holds the keyboard. */
export function goToRow(store: Pick<ReviewStore<ReviewRow, string>, 'setCurrent'>, id: string): void {
  store.setCurrent(id)
  if (useRouter.getState().detailOpen) {
    rowElement(id)?.scrollIntoView({ block: 'nearest' })
    return
  }
  // After a dialog has handed the focus back to the row it came from — unless another dialog has
  // opened by then (the reviewer pressed the next key at once): the focus is that dialog's.
  requestAnimationFrame(() => {
    if (!modalOpen()) rowElement(id)?.focus()
  })
}

export interface ReviewIntent<T extends ReviewRow> {
  store: ReviewStore<T, string>
  item: T
  intent: NewIntent
  /** The step, as the row's mark says it: "Acknowledge". */
  action: string
  /** The toast's first word: "Acknowledged". */
  done: string
  /** What it was about, for the toast and the announcement. */
  subject: string
}

/** A subject short enough for a toast or a dialog's description: at most 80 characters. */
export function shortSubject(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

/** The review step most recently queued, while its hold window lasts: what `z` undoes in a review view. */
let lastHeld: { store: ReviewStore<ReviewRow, string>; clientMutationId: string; holdUntil: number } | null = null

export function queueReviewIntent<T extends ReviewRow>(r: ReviewIntent<T>): void {
  const { store, item } = r
  store.markOptimistic(item.id, { kind: r.intent.kind, action: r.action })
  const next = store.neighbourOf(item.id)
  if (next) goToRow(store, next)
  void (async () => {
    try {
      const queued = await call('intents.create', r.intent)
      const holdUntil = Date.parse(queued.holdUntil)
      const holdMs = holdUntil - Date.now()
      const held = queued.state === 'held' && holdMs > 0
      if (held) lastHeld = { store: store as ReviewStore<ReviewRow, string>, clientMutationId: queued.clientMutationId, holdUntil }
      showToast({
        tone: 'success',
        message: `${r.done} · ${r.subject}`,
        ...(held
          ? { action: { label: 'Undo', binding: 'z', run: () => void undoReviewIntent(store, queued.clientMutationId) }, ms: holdMs }
          : { ms: 4000 }),
      })
    } catch (err) {
      showToast({ tone: 'error', message: `Not queued: ${errorMessage(err)}`, detail: r.subject, ms: 8000 })
    } finally {
      await store.reload()
      store.clearOptimistic(item.id)
    }
  })()
}

/** `z` in a review view: undoes the last step still in its hold window; false when there is none. */
export function undoLastReview(): boolean {
  const last = lastHeld
  if (!last || Date.now() >= last.holdUntil) return false
  void undoReviewIntent(last.store, last.clientMutationId)
  return true
}

async function undoReviewIntent(store: ReviewStore<ReviewRow, string>, clientMutationId: string): Promise<void> {
  if (lastHeld?.clientMutationId === clientMutationId) lastHeld = null
  let undone = false
  try {
    undone = (await call('intents.undo', { clientMutationId })).undone
  } catch {
    undone = false
  }
  showToast({ tone: undone ? 'info' : 'warning', message: undone ? 'Undone' : 'Too late to undo: already sent.', ms: 3000 })
  await store.reload()
}

/** Why a step cannot be taken on this row, said at once and without sending anything. */
export function explain(message: string): void {
  showToast({ tone: 'info', message, ms: 3500 })
}
