// The History view: what I decided and what came of it (applied, refused, in conflict), with the
// auditor's exports: all my decisions as CSV, and the segregation-of-duties report.
import { describeReason } from '../../../shared/reject-reasons'
import { useEffect } from 'react'
import type { Intent } from '../../../shared/contract-domain'
import { openOverlay } from '../state/overlay-store'
import { useTenantScope } from '../state/tenant-scope'
import { exportCsv } from '../exports/export-csv'
import { formatDateTime } from '../ui/format'
import { Keys } from '../ui/Kbd'
import { loadMoreHistory, refreshHistory, useHistory } from './history-store'
import './history.css'

const OUTCOME: Record<Intent['state'], string> = {
  held: '‖ Held',
  queued: '… Queued',
  sending: '↑ Sending',
  applied: '✓ Applied',
  rejected: '× Refused',
  conflict: '⇄ Conflict',
}

export function HistoryView() {
  const { items, total, loading, error } = useHistory()
  const scoped = useTenantScope((s) => s.tenantId !== null)
  useEffect(() => {
    void refreshHistory()
  }, [])
  return (
    <div className="page history-view">
      <div className="history-head">
        <h1>History</h1>
        <span className="header-spacer" />
        <button type="button" onClick={() => void exportCsv({ kind: 'history' })} data-testid="export-history">
          Export CSV
        </button>
        <button type="button" onClick={() => openOverlay({ kind: 'sod' })} data-testid="open-sod">
          Segregation-of-duties report <Keys binding="g s" />
        </button>
      </div>
      {scoped && <p className="muted">Your own decisions in every tenant: the tenant scope does not narrow your record.</p>}
      {error && <p className="banner banner-error">{error}</p>}
      <div className="table-wrap page-list" data-home-focus tabIndex={0} aria-label="My decisions" data-testid="history">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Decision</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.clientMutationId} data-list-item data-id={i.clientMutationId} tabIndex={-1}>
                <td>{formatDateTime(i.createdAt)}</td>
                <td>
                  {i.label}
                  {typeof i.args['reason'] === 'string' && i.args['reason'] !== '' && (
                    <div className="muted" data-testid="history-reason">
                      {describeReason(i.args['reason'])}
                    </div>
                  )}
                </td>
                <td className={`outcome state-${i.state}`}>
                  {OUTCOME[i.state]}
                  {i.refusal && <div className="muted">{i.refusal.message}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !loading && <p className="muted">No answered decisions yet. Decisions on their way are in the Queue.</p>}
      </div>
      {items.length < total && (
        <button type="button" onClick={() => void loadMoreHistory()} disabled={loading}>
          Load more ({(total - items.length).toLocaleString()} older)
        </button>
      )}
    </div>
  )
}
