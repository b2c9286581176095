// The inbox's own filter keys: `t` then a letter toggles a kind, + / − move the minimum risk, and
// saved views (their recall keys 1–9 are registered by saved-views-store as views come and go).
import type { ApprovalKind } from '../../../shared/contract-domain'
import { openOverlay } from '../state/overlay-store'
import type { Command } from '../keyboard/registry'
import { announce } from '../ui/announce'
import { kindLabel, riskLabel } from '../ui/format'
import { setFilter, useInbox } from './inbox-store'

/** Each kind's key after `t` (for "type"), its first letter where that is free. */
export const KIND_KEYS: readonly (readonly [ApprovalKind, string])[] = [
  ['refund', 'r'],
  ['payout', 'p'],
  ['tool_call', 't'],
  ['journal_posting', 'j'],
  ['changeset', 'c'],
  ['spend', 's'],
]

export function toggleKind(kind: ApprovalKind): void {
  const kinds = useInbox.getState().filter.kinds ?? []
  const on = !kinds.includes(kind)
  setFilter({ kinds: on ? [...kinds, kind] : kinds.filter((k) => k !== kind) })
  announce(`${kindLabel(kind)} ${on ? 'shown' : 'no longer filtered'}`)
}

function stepRisk(delta: number): void {
  const now = useInbox.getState().filter.minRisk ?? 0
  const next = Math.max(0, Math.min(5, now + delta))
  if (next === now) return
  setFilter({ minRisk: next || undefined })
  announce(next === 0 ? 'Any risk' : `Risk ${next} ${riskLabel(next)} and above`)
}

export const inboxCommands: readonly Command[] = [
  ...KIND_KEYS.map(([kind, key]) => ({
    id: `filter.kind.${kind}`,
    title: `Filter: ${kindLabel(kind)} on / off`,
    section: 'Filter' as const,
    keys: [`t ${key}`],
    run: () => toggleKind(kind),
  })),
  {
    id: 'filter.kind.all',
    title: 'Filter: every kind',
    section: 'Filter',
    keys: ['t a'],
    enabled: () => (useInbox.getState().filter.kinds ?? []).length > 0,
    run: () => setFilter({ kinds: undefined }),
  },
  { id: 'filter.risk.up', title: 'Filter: raise the minimum risk', section: 'Filter', keys: ['+', '='], run: () => stepRisk(1) },
  { id: 'filter.risk.down', title: 'Filter: lower the minimum risk', section: 'Filter', keys: ['-'], run: () => stepRisk(-1) },
  {
    id: 'savedViews.manage',
    title: 'Save these filters as a view, rename or delete views…',
    section: 'Filter',
    keys: ['shift+v'],
    run: () => openOverlay({ kind: 'savedViews' }),
  },
]
