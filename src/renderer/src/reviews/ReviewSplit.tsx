// The layout of a review view: a header (title, count, status filter), the list — a listbox whose
// rows take the DOM focus (j / k move it, see app/commands.ts), optionally in labelled groups — and
// the detail of the current row beside it. Enter moves the keyboard into the detail and Esc brings
// it back (router detailOpen, as in the inbox). The focus is never left on <body>: when the focused
// row leaves the list (resolved and synced), the next row takes it.
import { useEffect, useId, useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent, type ReactNode } from 'react'
import { useRouter } from '../state/router-store'
import { isTypingTarget } from '../keyboard/dispatcher'
import { useSync } from '../state/sync-store'
import { focusHome } from '../ui/focus'
import { IntentMark } from './IntentMark'
import { NotesDialogHost } from './NotesDialog'
import { goToRow, rowElement, useDetailFocus } from './review-actions'
import type { ReviewRow, ReviewStore } from './review-store'
import { StatusFilter, type StatusOption } from './StatusFilter'
import './reviews.css'

export interface ReviewGroup<T> {
  key: string
  label: string
  /** A heading above the group, shown when it differs from the previous group's ("Action required"). */
  kicker?: string
  items: readonly T[]
}

export interface ReviewSplitProps<T extends ReviewRow, S extends string> {
  title: string
  store: ReviewStore<T, S>
  filters: readonly StatusOption<S>[]
  /** "3 open": the count beside the title for the current filter; by default the total and the status's own word. */
  countLabel?: (total: number, status: S) => string
  /** Groups in list order; one unlabelled group when absent. */
  group?: (items: readonly T[]) => ReviewGroup<T>[]
  /** A row's content; the intent mark is added after it. */
  row: (item: T) => ReactNode
  /** The step my intent on its way takes, when the row knows it ("Resolve"). */
  pendingAction?: (item: T) => string | null
  detail: (item: T) => ReactNode
  /** What an empty list says, per filter. */
  empty: (status: S) => { title: string; hint: string }
  /** data-testid of the list, for tests. */
  testId: string
}

export const REVIEW_DETAIL_ID = 'review-detail'

const statusCount = (total: number, status: string) => `${total.toLocaleString()} ${status === 'all' ? 'in all' : status}`

export function ReviewSplit<T extends ReviewRow, S extends string>(p: ReviewSplitProps<T, S>) {
  const headingId = useId()
  const { items, total, status, loaded, error } = p.store.use()
  const initialSync = useSync((s) => s.status?.initialSync != null)
  const detailOpen = useRouter((s) => s.detailOpen)
  const current = p.store.use((s) => s.items.find((i) => i.id === s.currentId))
  const empty = p.empty(status)

  // The list unmounts when its last row leaves: hand the focus to the empty state, not <body>.
  const none = items.length === 0
  useEffect(() => {
    if (none && (document.activeElement === null || document.activeElement === document.body)) focusHome()
  }, [none])

  return (
    <div className={`review-view${detailOpen ? ' detail-open' : ''}`}>
      <div className="review-split">
        <div className="review-list-pane">
          <header className="review-header">
            <h1 id={headingId}>{p.title}</h1>
            <span className="muted" data-testid={`${p.testId}-count`}>
              {loaded ? (p.countLabel ?? statusCount)(total, status) : ''}
            </span>
            <span className="review-header-spacer" />
            <StatusFilter options={p.filters} value={status} onChange={(s) => p.store.setStatus(s)} />
          </header>
          {error && <p className="banner banner-error">{error}</p>}
          {items.length === 0 ? (
            <div className="empty review-empty" data-home-focus tabIndex={0} data-testid={`${p.testId}-empty`}>
              {!loaded || initialSync ? (
                <p className="muted">Loading…</p>
              ) : (
                <>
                  <p className="empty-title">{empty.title}</p>
                  <p className="muted">{empty.hint}</p>
                </>
              )}
            </div>
          ) : (
            <ReviewList {...p} labelledBy={headingId} />
          )}
          {items.length < total && (
            <p className="muted review-more">
              Showing the first {items.length.toLocaleString()} of {total.toLocaleString()}.
            </p>
          )}
        </div>
        <ReviewDetail store={p.store} label={`${p.title} detail`}>
          {current ? (
            p.detail(current)
          ) : (
            <div className="empty">
              <p className="muted">{items.length > 0 ? 'Choose an item with j / k.' : empty.title}</p>
            </div>
          )}
        </ReviewDetail>
      </div>
      <NotesDialogHost />
    </div>
  )
}

function ReviewList<T extends ReviewRow, S extends string>(p: ReviewSplitProps<T, S> & { labelledBy: string }) {
  const { items, currentId, optimistic } = p.store.use()
  const groups = p.group ? p.group(items) : [{ key: 'all', label: '', items }]

  // A re-read that removed the focused row leaves the focus on <body>: hand it to the current row
  // (the store has already moved it to the next one still listed).
  useLayoutEffect(() => {
    const active = document.activeElement
    if (currentId && (active === null || active === document.body)) rowElement(currentId)?.focus()
  }, [items, currentId])

  // The list itself is the view's home focus: it hands the focus on to the current row.
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return
    const id = currentId ?? items[0]?.id
    if (id) rowElement(id)?.focus()
  }

  let kicker: string | undefined
  return (
    <div
      className="review-list"
      role="listbox"
      aria-labelledby={p.labelledBy}
      data-home-focus
      tabIndex={-1}
      onFocus={onFocus}
      data-testid={p.testId}
    >
      {groups.map((g) => {
        const showKicker = g.kicker !== undefined && g.kicker !== kicker
        kicker = g.kicker
        const labelId = `review-group-${g.key}`
        return (
          <div key={g.key} role={g.label ? 'group' : 'presentation'} aria-labelledby={g.label ? labelId : undefined}>
            {showKicker && (
              <div className="review-kicker" aria-hidden="true">
                {g.kicker}
              </div>
            )}
            {g.label && (
              <div id={labelId} className="review-group-label">
                {g.kicker ? <span className="visually-hidden">{g.kicker}: </span> : null}
                {g.label} <span className="count">{g.items.length}</span>
              </div>
            )}
            {g.items.map((item) => (
              <div
                key={item.id}
                role="option"
                aria-selected={item.id === currentId}
                className={`review-row${item.id === currentId ? ' current' : ''}${item.lastRefusal ? ' refused' : ''}`}
                data-list-item
                data-id={item.id}
                tabIndex={item.id === currentId ? 0 : -1}
                onFocus={() => p.store.setCurrent(item.id)}
              >
                <div className="review-row-main">{p.row(item)}</div>
                <IntentMark row={item} optimistic={optimistic.get(item.id)} action={p.pendingAction?.(item) ?? null} />
              </div>
            ))}
          </div>
        )
      })}
    </div>
  )
}

function ReviewDetail<T extends ReviewRow>({ store, label, children }: { store: ReviewStore<T, string>; label: string; children: ReactNode }) {
  const ref = useRef<HTMLElement>(null)
  const detailOpen = useRouter((s) => s.detailOpen)
  const request = useDetailFocus()

  useEffect(() => {
    if (!detailOpen) return
    const target = request.target ? document.getElementById(request.target) : null
    ;(target ?? ref.current)?.focus()
  }, [detailOpen, request])

  // j / k while the detail holds the keyboard: the detail follows the next row, as in the inbox.
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || isTypingTarget(e.target)) return
    if (e.key !== 'j' && e.key !== 'k') return
    e.preventDefault()
    const { items, currentId } = store.use.getState()
    const at = items.findIndex((i) => i.id === currentId)
    const next = items[at + (e.key === 'j' ? 1 : -1)]
    if (next) goToRow(store, next.id)
  }

  return (
    <section id={REVIEW_DETAIL_ID} ref={ref} className="review-detail" aria-label={label} tabIndex={-1} onKeyDown={onKeyDown} data-testid="review-detail">
      {children}
    </section>
  )
}
