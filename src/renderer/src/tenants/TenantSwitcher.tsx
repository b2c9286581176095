// The tenant switcher in the header, for reviewers who see several tenants (holding managers): "All
// tenants" and each tenant (holdings first, their subsidiaries indented under them) with its count
// of items in my inbox. A listbox in a popup: arrows or j / k, Home / End, a letter jumps, Enter
// chooses, Esc closes. A reviewer with one tenant sees its name, not a control.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import type { z } from 'zod'
import { create } from 'zustand'
import type { TenantSummary } from '../../../shared/contract-domain'
import { bindingText } from '../keyboard/chords'
import { useModalLayer } from '../keyboard/layers'
import { announce } from '../ui/announce'
import { useFocusInside } from '../ui/focus'
import { useCounts } from '../state/counts-store'
import { setTenantScope, useTenantScope } from '../state/tenant-scope'
import { useTenants } from '../state/tenants-store'
import './tenant-switcher.css'

type Tenant = z.infer<typeof TenantSummary>

interface ScopeOption {
  /** null: all tenants. */
  id: string | null
  name: string
  depth: number
  kind: string | null
  count: number
}

const useSwitcher = create<{ open: boolean }>(() => ({ open: false }))

/** Opens the switcher's list with the keyboard in it (`g t`, the palette). */
export function openTenantSwitcher(): void {
  useSwitcher.setState({ open: true })
}

function closeSwitcher(): void {
  useSwitcher.setState({ open: false })
}

/** True when there is a choice to make: the reviewer sees more than one tenant. */
export function hasTenantChoice(): boolean {
  return useTenants.getState().tenants.length > 1
}

function depthOf(t: Tenant, byId: ReadonlyMap<string, Tenant>): number {
  let depth = 0
  for (let p = t.parentTenantId; p && byId.has(p) && depth < 4; p = byId.get(p)?.parentTenantId ?? null) depth++
  return depth
}

function scopeOptions(tenants: readonly Tenant[], byId: ReadonlyMap<string, Tenant>, byTenant: Record<string, number>): ScopeOption[] {
  const all = Object.values(byTenant).reduce((sum, n) => sum + n, 0)
  return [
    { id: null, name: 'All tenants', depth: 0, kind: null, count: all },
    ...tenants.map((t) => ({ id: t.id, name: t.name, depth: depthOf(t, byId), kind: t.kind, count: byTenant[t.id] ?? 0 })),
  ]
}

const inboxWords = (n: number) => `${n.toLocaleString()} in the inbox`

export function TenantSwitcher() {
  const tenants = useTenants((s) => s.tenants)
  const byId = useTenants((s) => s.byId)
  const scope = useTenantScope((s) => s.tenantId)
  const byTenant = useCounts((s) => s.counts?.byTenant)
  const open = useSwitcher((s) => s.open)
  const rootRef = useRef<HTMLDivElement>(null)
  const listId = useId()

  // A click anywhere else closes the list, as a menu would.
  useEffect(() => {
    if (!open) return
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) closeSwitcher()
    }
    document.addEventListener('mousedown', onDown)
    return () => document.removeEventListener('mousedown', onDown)
  }, [open])

  // Nothing to switch between: the list cannot be left open by a command.
  useEffect(() => {
    if (tenants.length <= 1 && open) closeSwitcher()
  }, [tenants.length, open])

  if (tenants.length === 0) return null
  if (tenants.length === 1) {
    return (
      <span className="tenant-single" data-testid="tenant-name" title="Your tenant">
        {tenants[0]!.name}
      </span>
    )
  }
  const options = scopeOptions(tenants, byId, byTenant ?? {})
  const current = options.find((o) => o.id === scope) ?? options[0]!
  return (
    <div className="tenant-switcher" ref={rootRef}>
      <button
        type="button"
        className="tenant-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        onClick={() => (open ? closeSwitcher() : openTenantSwitcher())}
        title={`Switch tenant (${bindingText('g t')})`}
        data-testid="tenant-switcher"
        data-scope={current.id ?? 'all'}
      >
        <span className="visually-hidden">Tenant scope: </span>
        <span className="tenant-button-name">{current.name}</span>
        {byTenant && (
          <span className="badge">
            {current.count.toLocaleString()}
            <span className="visually-hidden"> in the inbox</span>
          </span>
        )}
        <span aria-hidden="true">▾</span>
      </button>
      {open && <ScopeList id={listId} options={options} scope={scope} />}
    </div>
  )
}

function ScopeList({ id, options, scope }: { id: string; options: ScopeOption[]; scope: string | null }) {
  useModalLayer(true)
  const listRef = useRef<HTMLUListElement>(null)
  const [active, setActive] = useState(() => Math.max(0, options.findIndex((o) => o.id === scope)))
  const optionId = (i: number) => `${id}-option-${i}`

  // The list takes the keyboard while open and gives it back where it was (or to the view) after.
  useFocusInside(listRef)

  useEffect(() => {
    document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' })
    // optionId only depends on id, fixed for this list's life
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active])

  const choose = (option: ScopeOption) => {
    closeSwitcher()
    setTenantScope(option.id)
    announce(`Showing ${option.name}: ${inboxWords(option.count)}`)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    // The page behind hears nothing while the list is open (the modal layer), and neither does it
    // hear keys handled here.
    const last = options.length - 1
    const move = (to: number) => {
      e.preventDefault()
      e.stopPropagation()
      setActive(Math.max(0, Math.min(last, to)))
    }
    if (e.key === 'ArrowDown' || e.key === 'j') return move(active + 1)
    if (e.key === 'ArrowUp' || e.key === 'k') return move(active - 1)
    if (e.key === 'Home' || e.key === 'PageUp') return move(0)
    if (e.key === 'End' || e.key === 'PageDown') return move(last)
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      e.stopPropagation()
      const option = options[active]
      if (option) choose(option)
      return
    }
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      closeSwitcher()
      return
    }
    if (e.key === 'Tab') {
      closeSwitcher()
      return
    }
    if (e.key.length === 1 && /\S/.test(e.key) && !e.metaKey && !e.ctrlKey && !e.altKey) {
      // Type-ahead: the next option whose name starts with the letter, after the active one.
      const letter = e.key.toLowerCase()
      for (let step = 1; step <= options.length; step++) {
        const i = (active + step) % options.length
        if (options[i]!.name.toLowerCase().startsWith(letter)) return move(i)
      }
    }
  }

  return (
    <ul
      ref={listRef}
      id={id}
      role="listbox"
      className="tenant-list"
      aria-label="Tenant scope"
      aria-activedescendant={optionId(active)}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-testid="tenant-options"
    >
      {options.map((o, i) => (
        <li
          key={o.id ?? 'all'}
          id={optionId(i)}
          role="option"
          aria-selected={o.id === scope}
          aria-label={`${o.name}${o.kind === 'holding' ? ' (holding)' : ''}, ${inboxWords(o.count)}`}
          className={`tenant-option${i === active ? ' active' : ''}`}
          style={{ paddingLeft: `calc(var(--sp-3) + ${o.depth * 1.25}rem)` }}
          data-tenant-id={o.id ?? 'all'}
          data-count={o.count}
          onMouseEnter={() => setActive(i)}
          onClick={() => choose(o)}
        >
          <span className="tenant-check" aria-hidden="true">
            {o.id === scope ? '✓' : ''}
          </span>
          <span className="tenant-option-name">
            {o.name}
            {o.kind === 'holding' && <span className="muted"> · holding</span>}
          </span>
          <span className="badge" aria-hidden="true">
            {o.count.toLocaleString()}
          </span>
        </li>
      ))}
    </ul>
  )
}

/**
 * For an empty view under a one-tenant scope: how much waits in the other tenants, and the way
 * back to all of them — so an empty inbox never hides work behind the switcher.
 */
export function OtherTenantsHint() {
  const scope = useTenantScope((s) => s.tenantId)
  const name = useTenants((s) => (scope ? s.byId.get(scope)?.name : undefined))
  const byTenant = useCounts((s) => s.counts?.byTenant)
  if (!scope || !byTenant) return null
  const elsewhere = Object.entries(byTenant).reduce((sum, [id, n]) => (id === scope ? sum : sum + n), 0)
  return (
    <p className="muted" data-testid="other-tenants-hint">
      Showing {name ?? 'one tenant'} only{elsewhere > 0 ? `; ${elsewhere.toLocaleString()} more wait in other tenants` : ''}.{' '}
      <button type="button" className="link" onClick={() => setTenantScope(null)}>
        Show all tenants
      </button>
    </p>
  )
}
