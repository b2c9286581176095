// The Inbox view: filters, the virtualised list, and the detail beside it. Enter moves the keyboard
// into the detail (full width on narrow windows), Esc brings it back to the list.
import { useEffect, useId } from 'react'
import { useRouter } from '../state/router-store'
import { OtherTenantsHint } from '../tenants/TenantSwitcher'
import { useSync } from '../state/sync-store'
import { DetailPane } from '../detail/DetailPane'
import { focusHome } from '../ui/focus'
import { FilterBar } from './FilterBar'
import { InboxList } from './InboxList'
import { LaneTabs } from './LaneTabs'
import { useInbox } from './inbox-store'
import './inbox.css'

export const DETAIL_PANE_ID = 'detail-pane'

export function InboxView() {
  const headingId = useId()
  const total = useInbox((s) => s.rows.length)
  const status = useInbox((s) => s.status)
  const error = useInbox((s) => s.error)
  const selected = useInbox((s) => s.selection.size)
  const focusedIndex = useInbox((s) => s.focusedIndex)
  const detailOpen = useRouter((s) => s.detailOpen)
  const initialSync = useSync((s) => s.status?.initialSync ?? null)
  const lane = useInbox((s) => s.filter.lane ?? 'mine')

  // The list unmounts when the last item is decided: hand its focus to the empty state.
  const empty = total === 0
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) focusHome()
  }, [empty])

  useEffect(() => {
    if (detailOpen) document.getElementById(DETAIL_PANE_ID)?.focus({ preventScroll: true })
  }, [detailOpen])

  return (
    <div className={`inbox-view${detailOpen ? ' detail-open' : ''}`}>
      <FilterBar />
      <div className="split">
        <div className="list-pane">
          <div className="list-header">
            <h1 id={headingId} className="list-title">
              Inbox
            </h1>
            <LaneTabs />
            <span className="muted" aria-live="off">
              {total > 0 ? `${(focusedIndex + 1).toLocaleString()} of ${total.toLocaleString()}` : ''}
              {selected > 0 && ` · ${selected} selected`}
            </span>
          </div>
          {status === 'error' && <p className="banner banner-error">{error}</p>}
          {total === 0 && status !== 'error' ? (
            <div className="empty list-empty" data-home-focus tabIndex={0}>
              {status === 'loading' || initialSync ? (
                <p>Loading the inbox…</p>
              ) : (
                lane === 'mine' ? (
                  <>
                    <p className="empty-title">Inbox zero</p>
                    <p className="muted">Nothing waits for your decision. Others (Tab) lists what you can see but not decide.</p>
                    <OtherTenantsHint />
                  </>
                ) : (
                  <>
                    <p className="empty-title">Nothing in Others</p>
                    <p className="muted">Every pending request you can see is yours to decide (Shift+Tab).</p>
                  </>
                )
              )}
            </div>
          ) : (
            <InboxList labelledBy={headingId} />
          )}
        </div>
        <DetailPane id={DETAIL_PANE_ID} />
      </div>
    </div>
  )
}
