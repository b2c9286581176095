// Snooze: the presets of console.md (1 hour, tomorrow 9:00, next week), each on a number key.
import type { KeyboardEvent } from 'react'
import type { ApprovalListItem } from '../../../shared/contract-domain'
import { Dialog } from '../ui/Dialog'
import { submitSnooze } from './actions'

interface Preset {
  key: string
  label: string
  at: (now: Date) => Date
}

export const SNOOZE_PRESETS: readonly Preset[] = [
  { key: '1', label: 'In 1 hour', at: (now) => new Date(now.getTime() + 60 * 60 * 1000) },
  {
    key: '2',
    label: 'Tomorrow 9:00',
    at: (now) => new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0),
  },
  {
    key: '3',
    label: 'Next week (Monday 9:00)',
    at: (now) => {
      const days = ((8 - now.getDay()) % 7) || 7
      return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, 9, 0, 0)
    },
  },
]

const timeFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })

export function SnoozeDialog({ items, onClose }: { items: ApprovalListItem[]; onClose: () => void }) {
  const pick = (p: Preset) => {
    const until = p.at(new Date())
    onClose()
    submitSnooze(items, until, timeFormat.format(until))
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const p = SNOOZE_PRESETS.find((x) => x.key === e.key)
    if (p) {
      e.preventDefault()
      pick(p)
    }
  }
  return (
    <Dialog title={items.length > 1 ? `Snooze ${items.length} requests` : 'Snooze'} description={items.length === 1 ? items[0]?.title : undefined} onClose={onClose}>
      <div className="snooze-options" role="group" aria-label="Snooze until" onKeyDown={onKeyDown}>
        {SNOOZE_PRESETS.map((p, i) => (
          <button key={p.key} type="button" onClick={() => pick(p)} data-autofocus={i === 0 ? true : undefined}>
            <kbd>{p.key}</kbd> {p.label} <span className="muted">· {timeFormat.format(p.at(new Date()))}</span>
          </button>
        ))}
      </div>
    </Dialog>
  )
}
