// The segregation-of-duties report, within the tenant scope: every approval decided by its
// requester, on their behalf, or by their delegate. Expected to be empty, and it says so — with how
// many approvals were checked, so "nothing found" is evidence rather than silence. The CSV holds the
// same rows (just the header when there are none).
import { useEffect, useState } from 'react'
import type { z } from 'zod'
import type { SodReport, SodViolation } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import { closeOverlay } from '../state/overlay-store'
import { scopeArgs, useTenantScope } from '../state/tenant-scope'
import { useTenants } from '../state/tenants-store'
import { useSync } from '../state/sync-store'
import { Dialog } from '../ui/Dialog'
import { formatDateTime, formatMoney } from '../ui/format'
import { exportCsv } from './export-csv'
import './exports.css'

type Violation = z.infer<typeof SodViolation>

const RULES: Record<Violation['rule'], string> = {
  requester_approved: 'Approved by the requester',
  approved_for_requester: 'Approved on the requester’s behalf',
  requester_delegate: 'Approved by the requester’s delegate',
}

const person = (name: string | null, id: string) => name ?? id.slice(0, 8)

export function SodReportDialog() {
  const scope = useTenantScope((s) => s.tenantId)
  const scopeName = useTenants((s) => (scope ? (s.byId.get(scope)?.name ?? 'one tenant') : 'all tenants'))
  const tenantNames = useTenants((s) => s.byId)
  const syncing = useSync((s) => s.status?.initialSync != null)
  const [report, setReport] = useState<z.infer<typeof SodReport> | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    call('reports.sod', scopeArgs()).then(
      (r) => live && setReport(r),
      (err: unknown) => live && setError(errorMessage(err)),
    )
    return () => {
      live = false
    }
  }, [scope])

  const checked = report ? `${report.checked.toLocaleString()} approval${report.checked === 1 ? '' : 's'} with decisions checked` : ''
  return (
    <Dialog
      title="Segregation of duties"
      description={`Approvals decided by their requester, for them, or by their delegate — ${scopeName}.`}
      onClose={closeOverlay}
      className="dialog-wide sod-report"
    >
      {error && <p className="banner banner-error">{error}</p>}
      {syncing && <p className="banner banner-info">History is still syncing: decisions not in the replica yet are not checked.</p>}
      {report && report.violations.length === 0 && (
        <p className="banner banner-ok" data-testid="sod-empty" data-checked={report.checked}>
          No approval was decided by its requester or for them — {checked}.
        </p>
      )}
      {report && report.violations.length > 0 && (
        <>
          <p className="banner banner-error" data-testid="sod-summary" data-checked={report.checked}>
            {report.violations.length.toLocaleString()} approving decision{report.violations.length === 1 ? '' : 's'} broke segregation of
            duties — {checked}.
          </p>
          <div className="table-wrap sod-table" tabIndex={0} aria-label="Decisions that broke segregation of duties">
            <table className="data-table" data-testid="sod-rows">
              <thead>
                <tr>
                  <th scope="col">Decided</th>
                  <th scope="col">Rule broken</th>
                  <th scope="col">Approval</th>
                  <th scope="col">Tenant</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Requested by</th>
                  <th scope="col">Decided by</th>
                </tr>
              </thead>
              <tbody>
                {report.violations.map((v) => (
                  <tr key={v.decisionId} data-decision-id={v.decisionId} data-approval-id={v.approvalId}>
                    <td>{formatDateTime(v.decidedAt)}</td>
                    <td>{RULES[v.rule]}</td>
                    <td>{v.title}</td>
                    <td>{tenantNames.get(v.tenantId)?.name ?? v.tenantSlug}</td>
                    <td className="num">{formatMoney(v.amount, v.currency)}</td>
                    <td>{person(v.requesterName, v.requesterId)}</td>
                    <td>
                      {person(v.actorName, v.actorId)}
                      {v.onBehalfOf && <div className="muted">for {person(v.onBehalfOfName, v.onBehalfOf)}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={closeOverlay}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          data-autofocus
          data-testid="sod-download"
          onClick={() => void exportCsv({ kind: 'sod', ...scopeArgs() })}
        >
          Download CSV
        </button>
      </div>
    </Dialog>
  )
}
