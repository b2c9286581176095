// The policy editor's backtest: what a draft would have done with the last 90 days of requests
// people decided, and the requests it would have auto-approved although a person rejected or
// edited them.
import type { BacktestResult } from '../../../shared/contract-domain'
import { formatDateTime, formatMoney } from '../ui/format'

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`

export function PolicyBacktest({
  result,
  running,
  error,
  currency,
}: {
  result: BacktestResult | null
  running: boolean
  error: string | null
  currency: string
}) {
  return (
    <section
      className="policy-backtest"
      aria-labelledby="policy-backtest-title"
      data-testid="policy-backtest"
      aria-busy={running}
    >
      <h3 id="policy-backtest-title">Backtest: the last 90 days</h3>
      <div aria-live="polite">
        {error && (
          <p className="banner banner-warning" data-testid="backtest-error">
            {error}
          </p>
        )}
        {!error && !result && (
          <p className="muted">
            {running ? 'Running the draft over decided requests…' : 'Fix the draft to see its backtest.'}
          </p>
        )}
        {!error && result && (
          <p
            data-testid="backtest-summary"
            data-decided={result.decided}
            data-auto={result.wouldAutoApprove}
            data-auto-rejected={result.wouldAutoApproveRejected}
            data-auto-edited={result.wouldAutoApproveEdited}
            data-deny={result.wouldDeny}
          >
            Of {plural(result.decided, 'request')} people decided, this draft would have{' '}
            <strong>auto-approved {result.wouldAutoApprove.toLocaleString()}</strong>
            {result.wouldAutoApprove > 0 && (
              <>
                {' '}
                — of those, a person{' '}
                <strong>rejected {result.wouldAutoApproveRejected.toLocaleString()}</strong> and{' '}
                <strong>edited {result.wouldAutoApproveEdited.toLocaleString()}</strong> before approving
              </>
            )}
            . It would deny {result.wouldDeny.toLocaleString()}
            {result.wouldDeny > 0 &&
              ` (${result.wouldDenyApproved.toLocaleString()} of them were approved)`}{' '}
            and send {result.wouldRequire.toLocaleString()} to people.
            {running && <span className="muted"> Updating…</span>}
          </p>
        )}
      </div>
      {!error && result && result.cases.length > 0 && (
        <div
          className="table-wrap"
          tabIndex={0}
          role="region"
          aria-label="Requests the draft would have auto-approved although a person rejected or edited them"
        >
          <table className="data-table" data-testid="backtest-cases">
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Agent</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">What the person did</th>
              </tr>
            </thead>
            <tbody>
              {result.cases.map((c) => (
                <tr key={c.approvalId} data-approval-id={c.approvalId} data-outcome={c.outcome}>
                  <td>{c.title ?? c.approvalId.slice(0, 8)}</td>
                  <td>{c.agentName ?? '—'}</td>
                  <td className="num">{formatMoney(c.amount, c.currency ?? currency)}</td>
                  <td>
                    {c.outcome === 'rejected' ? 'Rejected' : 'Approved with edits'}
                    {c.decidedByName && ` by ${c.decidedByName}`}
                    {c.decidedAt && <span className="muted"> · {formatDateTime(c.decidedAt)}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
