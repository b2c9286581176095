// Saved views (Shift+V, or "Views…" in the filter bar): save the inbox's current filters under a
// name, rename or delete the views already saved. Their slot is their number key (1–9).
import { useState, type FormEvent } from 'react'
import { MAX_SAVED_VIEWS, type SavedView } from '../../../shared/contract-domain'
import { closeOverlay } from '../state/overlay-store'
import { Dialog } from '../ui/Dialog'
import { describeFilter } from './filter-words'
import { currentViewFilter, deleteView, renameView, saveCurrentView, useSavedViews } from './saved-views-store'

function ViewRow({ view, slot, onProblem }: { view: SavedView; slot: number; onProblem: (p: string | null) => void }) {
  const [name, setName] = useState(view.name)
  const rename = async (e: FormEvent) => {
    e.preventDefault()
    if (name.trim() === view.name) return
    onProblem(await renameView(view.id, name))
  }
  return (
    <li className="saved-view-row">
      <form onSubmit={(e) => void rename(e)}>
        <kbd aria-label={`Key ${slot}`}>{slot}</kbd>
        <label className="saved-view-name">
          <span className="visually-hidden">Name of view {slot}</span>
          <input value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={name.trim() === '' || name.trim() === view.name}>
          Rename
        </button>
        <button type="button" onClick={() => void deleteView(view.id).then(onProblem)} aria-label={`Delete view ${view.name}`}>
          Delete
        </button>
      </form>
      <p className="muted saved-view-filter">{describeFilter(view.filter)}</p>
    </li>
  )
}

export function SavedViewsDialog() {
  const views = useSavedViews((s) => s.views)
  const [name, setName] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const current = currentViewFilter()
  const replacing = views.find((v) => v.name.toLocaleLowerCase() === name.trim().toLocaleLowerCase())

  const save = async (e: FormEvent) => {
    e.preventDefault()
    if (name.trim() === '') return setProblem('Give the view a name.')
    const err = await saveCurrentView(name)
    setProblem(err)
    if (!err) setName('')
  }

  return (
    <Dialog title="Saved views" description="Recall a view with its number key in the inbox." onClose={closeOverlay} className="saved-views">
      <form onSubmit={(e) => void save(e)}>
        <label className="field">
          <span>Save the current filters as</span>
          <input
            value={name}
            maxLength={60}
            placeholder="e.g. Large refunds"
            onChange={(e) => {
              setName(e.target.value)
              setProblem(null)
            }}
            data-autofocus
          />
        </label>
        <p className="field-help">
          Shows {describeFilter(current)}
          {replacing ? ` — replaces the filters of “${replacing.name}”.` : views.length >= MAX_SAVED_VIEWS ? ' — all nine slots are taken.' : '.'}
        </p>
        <div className="dialog-actions">
          <button type="submit" className="primary">
            {replacing ? 'Replace view' : 'Save view'}
          </button>
        </div>
      </form>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {views.length > 0 ? (
        <ol className="saved-view-list" aria-label="Saved views">
          {views.map((v, i) => (
            <ViewRow key={`${v.id} ${v.name}`} view={v} slot={i + 1} onProblem={setProblem} />
          ))}
        </ol>
      ) : (
        <p className="muted">No saved views yet.</p>
      )}
    </Dialog>
  )
}
