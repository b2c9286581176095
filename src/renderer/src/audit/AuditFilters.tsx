// The Audit view's filters: entity id (focused by `/`), entity type, action, actor type and actor,
// and a time window. Selects apply at once, text and times after a short pause; Esc or Enter in a
// field returns to the log.
import { useEffect, useState } from 'react'
import { leaveFieldForHome } from '../ui/focus'
import { humanize } from '../ui/format'
import { clearAuditFilter, setAuditFilter, useAudit, type AuditFilterFields } from './audit-store'

export const AUDIT_SEARCH_ID = 'audit-filter-entity'

/** A datetime-local value (local time, no zone) as ISO 8601, or undefined when empty or unreadable. */
function toIso(local: string): string | undefined {
  if (!local) return undefined
  const t = new Date(local).getTime()
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

/** ISO 8601 as a datetime-local value in the reviewer's time zone. */
function toLocal(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** A text field that applies its value after typing pauses, and follows the store when it changes elsewhere. */
function useDraft(value: string, apply: (v: string) => void, ms: number): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value)
  const [seen, setSeen] = useState(value)
  if (value !== seen) {
    setSeen(value)
    setDraft(value)
  }
  useEffect(() => {
    if (draft === value) return
    const t = setTimeout(() => apply(draft), ms)
    return () => clearTimeout(t)
    // apply is a stable store action at every call site
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, value, ms])
  return [draft, setDraft]
}

export function AuditFilters() {
  const filter = useAudit((s) => s.filter)
  const facets = useAudit((s) => s.facets)
  const set = (patch: Partial<AuditFilterFields>) => setAuditFilter(patch)
  const [entityId, setEntityId] = useDraft(
    filter.entityId ?? '',
    (v) => set({ entityId: v.trim() || undefined }),
    200,
  )
  const [from, setFrom] = useDraft(toLocal(filter.from), (v) => set({ from: toIso(v) }), 400)
  const [to, setTo] = useDraft(toLocal(filter.to), (v) => set({ to: toIso(v) }), 400)
  const actors = (facets?.actors ?? []).filter((a) => !filter.actorType || a.type === filter.actorType)
  const active = Object.keys(filter).length > 0

  return (
    <div
      className="filters audit-filters"
      role="search"
      aria-label="Audit log filters"
      data-testid="audit-filters"
    >
      <label className="filter-field">
        <span>Entity id</span>
        <input
          id={AUDIT_SEARCH_ID}
          type="search"
          placeholder="any   /"
          value={entityId}
          onChange={(e) => setEntityId(e.target.value)}
          onKeyDown={leaveFieldForHome}
        />
      </label>
      <label className="filter-field">
        <span>Entity</span>
        <select
          value={filter.entityType ?? ''}
          onChange={(e) => set({ entityType: e.target.value || undefined })}
          onKeyDown={leaveFieldForHome}
        >
          <option value="">Any</option>
          {(facets?.entityTypes ?? []).map((t) => (
            <option key={t} value={t}>
              {humanize(t)}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-field">
        <span>Action</span>
        <select
          value={filter.action ?? ''}
          onChange={(e) => set({ action: e.target.value || undefined })}
          onKeyDown={leaveFieldForHome}
          data-testid="audit-filter-action"
        >
          <option value="">Any</option>
          {(facets?.actions ?? []).map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-field">
        <span>Actor</span>
        <select
          value={filter.actorType ?? ''}
          onChange={(e) => {
            const actorType = (e.target.value || undefined) as AuditFilterFields['actorType']
            // An actor of another type would match nothing: drop it with the type change.
            const keep = actors.some((a) => a.id === filter.actorId && a.type === actorType)
            set({ actorType, actorId: keep ? filter.actorId : undefined })
          }}
          onKeyDown={leaveFieldForHome}
          data-testid="audit-filter-actor-type"
        >
          <option value="">Anyone</option>
          <option value="user">Reviewers</option>
          <option value="agent">Agents</option>
          <option value="system">System</option>
        </select>
      </label>
      {filter.actorType !== 'system' && (
        <label className="filter-field">
          <span className="visually-hidden">Who</span>
          <select
            value={filter.actorId ?? ''}
            onChange={(e) => set({ actorId: e.target.value || undefined })}
            onKeyDown={leaveFieldForHome}
          >
            <option value="">
              {filter.actorType === 'agent'
                ? 'Any agent'
                : filter.actorType === 'user'
                  ? 'Any reviewer'
                  : 'Anyone by name'}
            </option>
            {actors.map((a) => (
              <option key={`${a.type}:${a.id}`} value={a.id}>
                {a.name ?? a.id}
                {filter.actorType ? '' : ` (${a.type === 'agent' ? 'agent' : 'reviewer'})`}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="filter-field">
        <span>From</span>
        <input
          type="datetime-local"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          onKeyDown={leaveFieldForHome}
        />
      </label>
      <label className="filter-field">
        <span>Before</span>
        <input
          type="datetime-local"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          onKeyDown={leaveFieldForHome}
        />
      </label>
      {active && (
        <button type="button" className="ghost" onClick={clearAuditFilter}>
          Clear filters
        </button>
      )}
    </div>
  )
}
