// What a key does in a review view: queue a review intent through the intent client (the row is
// marked at once, the focus moves on to the next row, a toast offers Undo for the hold window, a
// failure to queue says why), and take the keyboard into the detail beside the list.
import { create } from 'zustand'
import type { NewIntent } from '../../../shared/contract-domain'
import { queueIntent } from '../state/intent-client'
import { holdSeconds } from '../state/settings-store'
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

/** A review step through the intent client; its mark is the row's "Acknowledge · Queued", the focus moving on. */
export function queueReviewIntent<T extends ReviewRow>(r: ReviewIntent<T>): void {
  const { store, item } = r
  // The row's mark stays until the replica's row carries the intent (or it was refused or undone).
  const reread = () => void store.reload().then(() => store.clearOptimistic(item.id))
  queueIntent({
    verb: r.done,
    subject: r.subject,
    back: 'on the list',
    holdMs: holdSeconds() * 1000,
    items: [{ id: item.id, intent: () => r.intent }],
    mark: {
      set: () => {
        store.markOptimistic(item.id, { kind: r.intent.kind, action: r.action })
        const next = store.neighbourOf(item.id)
        if (next) goToRow(store, next)
      },
      settle: reread,
      clear: reread,
    },
  })
}

/** Why a step cannot be taken on this row, said at once and without sending anything. */
export function explain(message: string): void {
  showToast({ tone: 'info', message, ms: 3500 })
}
