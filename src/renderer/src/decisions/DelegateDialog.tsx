// Delegate / reassign: pick a colleague who could decide this request — the core lists only those
// (approvals.reassignees) — by typing part of a name or email; ↑/↓ move, ⌘/Ctrl+Enter hands it on.
import { useEffect, useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react'
import type { ApprovalListItem, Reassignee } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import { submitDelegate } from './actions'

export function DelegateDialog({ item, onClose }: { item: ApprovalListItem; onClose: () => void }) {
  const [people, setPeople] = useState<Reassignee[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [chosen, setChosen] = useState<string | null>(null)
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const listId = useId()

  useEffect(() => {
    let live = true
    call('approvals.reassignees', { id: item.id })
      .then((p) => live && setPeople(p))
      .catch((err: unknown) => live && setError(errorMessage(err)))
    return () => {
      live = false
    }
  }, [item.id])

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase()
    return (people ?? []).filter((p) => !q || p.name.toLowerCase().includes(q) || p.email.toLowerCase().includes(q))
  }, [people, query])
  const picked = matches.find((p) => p.userId === chosen) ?? matches[0] ?? null

  const submit = (e?: FormEvent) => {
    e?.preventDefault()
    if (!picked) return setProblem(people?.length ? 'Nobody by that name could decide this request.' : 'Nobody else here could decide this request.')
    onClose()
    submitDelegate(item, picked, note.trim())
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault()
      submit()
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && e.target instanceof HTMLInputElement && matches.length > 0) {
      e.preventDefault()
      const at = picked ? matches.indexOf(picked) : -1
      const next = matches[(at + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length]
      if (next) setChosen(next.userId)
    }
  }
  return (
    <Dialog title="Delegate / reassign" description={item.title} onClose={onClose}>
      <form onSubmit={submit} onKeyDown={onKeyDown}>
        <label className="field">
          <span>Hand it to (only colleagues who could decide it are listed)</span>
          <input
            value={query}
            onChange={(e) => {
              setQuery(e.target.value)
              setChosen(null)
              setProblem(null)
            }}
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={picked ? `${listId}-${picked.userId}` : undefined}
            aria-autocomplete="list"
            data-autofocus
            data-testid="reassign-search"
          />
        </label>
        {error && <p className="banner banner-error">{error}</p>}
        {people === null && !error && <p aria-busy="true">Finding who could decide it…</p>}
        <ul id={listId} role="listbox" aria-label="Colleagues who could decide it" className="reassignees">
          {matches.map((p) => (
            <li
              key={p.userId}
              id={`${listId}-${p.userId}`}
              role="option"
              aria-selected={p === picked}
              onMouseDown={(e) => {
                e.preventDefault()
                setChosen(p.userId)
              }}
            >
              {p.name} <span className="muted">· {p.role} · {p.email}</span>
            </li>
          ))}
        </ul>
        {people !== null && matches.length === 0 && <p className="muted">Nobody matches.</p>}
        <label className="field">
          <span>Note (optional)</span>
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
        </label>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel <Keys binding="escape" />
          </button>
          <button type="submit" className="primary" disabled={!picked}>
            {picked ? `Hand to ${picked.name}` : 'Hand on'} <Keys binding="mod+enter" />
          </button>
        </div>
      </form>
    </Dialog>
  )
}
