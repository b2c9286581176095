// The inbox list: a virtualised listbox (only the rows on screen exist in the DOM, so 100k rows
// scroll like 100) that keeps DOM focus on itself and names the focused row through
// aria-activedescendant. Rows sit in a window moved by a CSS transform set through the CSSOM.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { setDetailOpen } from '../state/router-store'
import { remPx, useCssVars } from '../ui/css-vars'
import { ensureRange, focusIndex, useInbox } from './inbox-store'
import { InboxRow, rowDomId } from './InboxRow'

/** Row height in rem; the CSS uses the same number through --row-h. */
export const ROW_REM = 3.5

export function InboxList({ labelledBy }: { labelledBy: string }) {
  const rows = useInbox((s) => s.rows)
  const focusedIndex = useInbox((s) => s.focusedIndex)
  const selection = useInbox((s) => s.selection)
  const pinned = useInbox((s) => s.pinnedId !== null)
  const scrollRef = useRef<HTMLDivElement>(null)
  const innerRef = useRef<HTMLDivElement>(null)
  const rowHeight = useMemo(() => Math.round(remPx() * ROW_REM), [])

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 6,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    ensureRange(first, last)
  }, [first, last, rows.length])

  // Before paint, so the focused row is on screen in the same frame as the key that moved it.
  useLayoutEffect(() => {
    if (rows.length > 0) virtualizer.scrollToIndex(focusedIndex, { align: 'auto' })
  }, [focusedIndex, rows.length, virtualizer])

  useCssVars(innerRef, {
    '--list-height': `${virtualizer.getTotalSize()}px`,
    '--window-offset': `${items[0]?.start ?? 0}px`,
    '--row-h': `${rowHeight}px`,
  })

  const onPick = useCallback((index: number, open: boolean) => {
    focusIndex(index)
    scrollRef.current?.focus({ preventScroll: true })
    if (open) setDetailOpen(true)
  }, [])

  const activeId = rows.length > 0 && !pinned ? rowDomId(focusedIndex) : undefined
  return (
    <div
      ref={scrollRef}
      className="inbox-list"
      role="listbox"
      aria-labelledby={labelledBy}
      aria-multiselectable="true"
      aria-activedescendant={activeId}
      tabIndex={0}
      data-home-focus
      data-testid="inbox-list"
    >
      <div ref={innerRef} className="vlist-inner">
        <div className="vlist-window">
          {items.map((v) => {
            const item = rows[v.index]
            return (
              <InboxRow
                key={item?.id ?? `hole-${v.index}`}
                item={item}
                index={v.index}
                total={rows.length}
                focused={v.index === focusedIndex && !pinned}
                selected={item !== undefined && selection.has(item.id)}
                onPick={onPick}
              />
            )
          })}
        </div>
      </div>
    </div>
  )
}
