// The inbox filters of console.md: kind, minimum risk, agent, amount range and text. The tenant is
// the header's tenant scope (app/TenantSwitcher), which every view follows.
// Text and amounts apply after a short pause in typing; Esc or Enter in a field returns to the list.
// Saved views sit at the end, each with its number key; recalling one (or a filter typed in the
// palette) changes the filter from outside, and the fields follow it.
import { useEffect, useMemo, useRef, useState } from 'react'
import type { ApprovalKind } from '../../../shared/contract-domain'
import { openOverlay } from '../state/overlay-store'
import { leaveFieldForHome } from '../ui/focus'
import { Keys } from '../ui/Kbd'
import { kindLabel, RISK_LABELS } from '../ui/format'
import { describeFilter } from './filter-words'
import { setFilter, useInbox } from './inbox-store'
import { applySavedView, currentViewFilter, sameFilter, useSavedViews } from './saved-views-store'

const KINDS: ApprovalKind[] = ['tool_call', 'refund', 'payout', 'journal_posting', 'changeset', 'spend']
export const SEARCH_INPUT_ID = 'inbox-search'

function useDebounced<T>(value: T, ms: number, apply: (v: T) => void) {
  useEffect(() => {
    const t = setTimeout(() => apply(value), ms)
    return () => clearTimeout(t)
    // apply is a stable module function at every call site
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, ms])
}

function parseAmount(s: string): number | undefined {
  const n = Number(s.replace(/[, ]/g, ''))
  return s.trim() === '' || !Number.isFinite(n) || n < 0 ? undefined : n
}

export function FilterBar() {
  const filter = useInbox((s) => s.filter)
  const agentNames = useInbox((s) => s.agentNames)
  const [text, setText] = useState(filter.text ?? '')
  const [amountMin, setAmountMin] = useState(filter.amountMin?.toString() ?? '')
  const [amountMax, setAmountMax] = useState(filter.amountMax?.toString() ?? '')

  // A filter set from elsewhere (a saved view, the palette) shows in the fields. What the fields
  // applied themselves is remembered, so their own change arriving after more typing (or after the
  // text was cleared) is not mistaken for an outside one and written back over the field.
  const applied = useRef({ text: filter.text, amountMin: filter.amountMin, amountMax: filter.amountMax })
  useEffect(() => {
    const own = applied.current
    if (filter.text !== own.text) setText(filter.text ?? '')
    if (filter.amountMin !== own.amountMin) setAmountMin(filter.amountMin?.toString() ?? '')
    if (filter.amountMax !== own.amountMax) setAmountMax(filter.amountMax?.toString() ?? '')
    applied.current = { text: filter.text, amountMin: filter.amountMin, amountMax: filter.amountMax }
  }, [filter.text, filter.amountMin, filter.amountMax])

  useDebounced(text, 150, (v) => {
    const next = v.trim() || undefined
    if (next === useInbox.getState().filter.text) return
    applied.current = { ...applied.current, text: next }
    setFilter({ text: next })
  })
  useDebounced(`${amountMin}|${amountMax}`, 300, () => {
    const f = useInbox.getState().filter
    const min = parseAmount(amountMin)
    const max = parseAmount(amountMax)
    if (min === f.amountMin && max === f.amountMax) return
    applied.current = { ...applied.current, amountMin: min, amountMax: max }
    setFilter({ amountMin: min, amountMax: max })
  })

  const agents = useMemo(() => [...agentNames].sort((a, b) => a[1].localeCompare(b[1])), [agentNames])

  const kinds = filter.kinds ?? []
  const toggleKind = (k: ApprovalKind) =>
    setFilter({ kinds: kinds.includes(k) ? kinds.filter((x) => x !== k) : [...kinds, k] })

  return (
    <div className="filters" role="search" aria-label="Inbox filters">
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        className="search"
        placeholder="Search   /"
        aria-label="Search the inbox"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={leaveFieldForHome}
      />
      <div className="chips" role="group" aria-label="Kind">
        {KINDS.map((k) => (
          <button key={k} type="button" className="chip" aria-pressed={kinds.includes(k)} onClick={() => toggleKind(k)}>
            {kinds.includes(k) && <span aria-hidden="true">✓ </span>}
            {kindLabel(k)}
          </button>
        ))}
      </div>
      <label className="filter-field">
        <span>Risk ≥</span>
        <select
          value={filter.minRisk ?? 0}
          onChange={(e) => setFilter({ minRisk: Number(e.target.value) || undefined })}
          onKeyDown={leaveFieldForHome}
        >
          {RISK_LABELS.map((label, level) => (
            <option key={level} value={level}>
              {level === 0 ? 'any' : `${level} ${label}`}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-field">
        <span>Agent</span>
        <select value={filter.agentId ?? ''} onChange={(e) => setFilter({ agentId: e.target.value || undefined })} onKeyDown={leaveFieldForHome}>
          <option value="">all</option>
          {agents.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-field amount">
        <span>Amount</span>
        <input inputMode="decimal" aria-label="Minimum amount" placeholder="min" value={amountMin} onChange={(e) => setAmountMin(e.target.value)} onKeyDown={leaveFieldForHome} />
        <span aria-hidden="true">–</span>
        <input inputMode="decimal" aria-label="Maximum amount" placeholder="max" value={amountMax} onChange={(e) => setAmountMax(e.target.value)} onKeyDown={leaveFieldForHome} />
      </label>
      {filter.currency && (
        <button type="button" className="chip" aria-pressed="true" aria-label={`Only ${filter.currency}: remove`} onClick={() => setFilter({ currency: undefined })}>
          {filter.currency} only ✕
        </button>
      )}
      <SavedViewChips />
    </div>
  )
}

function SavedViewChips() {
  const views = useSavedViews((s) => s.views)
  const filter = useInbox((s) => s.filter)
  const current = currentViewFilter(filter)
  return (
    <div className="chips saved-views-bar" role="group" aria-label="Saved views">
      {views.map((v, i) => (
        <button
          key={v.id}
          type="button"
          className="chip"
          aria-pressed={sameFilter(v.filter, current)}
          title={describeFilter(v.filter)}
          onClick={() => applySavedView(v)}
        >
          <Keys binding={String(i + 1)} /> {v.name}
        </button>
      ))}
      <button type="button" className="chip" onClick={() => openOverlay({ kind: 'savedViews' })}>
        Views… <Keys binding="shift+v" />
      </button>
    </div>
  )
}
