// The inbox's two lanes as tabs: Needs me (what I may decide now, the count the badges show) and
// Others (visible, not mine to decide). Tab / Shift+Tab on the list switch them (app/commands.ts).
import { useCounts } from '../state/counts-store'
import { Keys } from '../ui/Kbd'
import { setLane, useInbox, type InboxLane } from './inbox-store'

const LANES: { lane: InboxLane; title: string; binding: string; hint: string }[] = [
  { lane: 'mine', title: 'Needs me', binding: 'shift+tab', hint: 'What you may decide now' },
  { lane: 'others', title: 'Others', binding: 'tab', hint: 'Another approver’s, your own requests, above your limit, or read-only' },
]

export function LaneTabs() {
  const lane = useInbox((s) => s.filter.lane ?? 'mine')
  const counts = useCounts((s) => s.counts)
  const countOf = (l: InboxLane) => (l === 'mine' ? counts?.inbox : counts?.inboxOthers)
  return (
    <div className="lane-tabs" role="tablist" aria-label="Inbox lanes">
      {LANES.map((l) => {
        const n = countOf(l.lane)
        const selected = lane === l.lane
        return (
          <button
            key={l.lane}
            type="button"
            role="tab"
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            className="lane-tab"
            title={l.hint}
            onClick={() => setLane(l.lane)}
            data-testid={`lane-${l.lane}`}
          >
            {l.title}
            {n !== undefined && <span className="lane-count">{n.toLocaleString()}</span>}
            {!selected && <Keys binding={l.binding} />}
          </button>
        )
      })}
    </div>
  )
}
