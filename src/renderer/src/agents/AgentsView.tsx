// The Agents view: every agent in the tenant scope with tier, autonomy, status, trust and today's
// spend; beside the list, the focused agent's trust ledger and spend against its daily budget as
// small charts, and its recent requests with how each was decided. Another view sends the reviewer
// to one agent with go('agents', { agentId }).
import { useEffect, useRef, type FocusEvent } from 'react'
import type { AgentDetail, AgentRequest, DecisionKind } from '../../../shared/contract-domain'
import type { z } from 'zod'
import { useReplicaChanges } from '../state/replica-changes'
import { go, useRouter } from '../state/router-store'
import { useTenantScope } from '../state/tenant-scope'
import { useTenants } from '../state/tenants-store'
import { focusApproval } from '../inbox/inbox-store'
import { Keys } from '../ui/Kbd'
import { RiskBadge } from '../ui/RiskBadge'
import { formatDateTime, formatMoney, formatTrust, humanize, kindLabel } from '../ui/format'
import { CostChart, TrustChart } from './charts'
import { PolicyEditor } from './PolicyEditor'
import {
  RANGES,
  closePolicyEditor,
  loadAgents,
  openPolicyEditor,
  selectAgent,
  setRange,
  showPendingRequests,
  useAgents,
  type Agent,
} from './agents-store'
import './agents.css'

/** Tables whose changes can alter what this view shows. */
const WATCHED = new Set([
  'agents',
  'trust_ledger',
  'cost_transactions',
  'approvals',
  'approval_decisions',
  'profiles',
])
const reloadAgents = () => void loadAgents()

const STATUS_ICON: Record<string, string> = { active: '●', inactive: '○', suspended: '‖', error: '×' }

function budgetUse(a: Agent): { text: string; over: boolean } {
  if (a.maxCostPerDay === null)
    return { text: `${formatMoney(a.costToday, a.costCurrency)} today, no budget`, over: false }
  const over = Number(a.costToday) > Number(a.maxCostPerDay)
  return { text: `${formatMoney(a.costToday, a.costCurrency)} of ${formatMoney(a.maxCostPerDay, a.costCurrency)} today`, over }
}

function AgentRow({ item, selected }: { item: Agent; selected: boolean }) {
  const { agent } = item
  const budget = budgetUse(item)
  return (
    <li
      role="option"
      aria-selected={selected}
      className="agent-row"
      data-list-item
      data-id={agent.id}
      data-testid="agent-row"
      tabIndex={-1}
      onClick={() => selectAgent(agent.id)}
    >
      <div className="agent-row-main">
        <span className="agent-name">{agent.name}</span>
        <span className={`agent-status status-${agent.status}`}>
          <span aria-hidden="true">{STATUS_ICON[agent.status] ?? '•'} </span>
          {humanize(agent.status)}
        </span>
      </div>
      <div className="agent-row-meta muted">
        <span>Tier {agent.tier}</span>
        <span>Autonomy {agent.autonomy}</span>
        <span>Trust {formatTrust(agent.trustScore)}</span>
      </div>
      <div className="agent-row-meta muted">
        <span title="Last 30 days: approved without edit, edited, rejected">
          {item.approvedNoEdit} ✓ · {item.edited} ✎ · {item.rejected} ✕
        </span>
        <span className={budget.over ? 'over-budget' : undefined}>
          {budget.over && <span aria-hidden="true">▲ </span>}
          {budget.text}
          {budget.over && <span className="visually-hidden"> (over budget)</span>}
        </span>
      </div>
    </li>
  )
}

const DECISION_WORDS: Record<DecisionKind, string> = {
  approve: 'Approved',
  approve_with_edits: 'Approved with edits',
  reject: 'Rejected',
  escalate: 'Escalated',
}

function outcome(r: z.infer<typeof AgentRequest>): string {
  if (r.decision) return DECISION_WORDS[r.decision]
  return r.status === 'pending' ? 'Waiting for a decision' : humanize(r.status)
}

function RequestsTable({ requests }: { requests: AgentDetail['requests'] }) {
  if (requests.length === 0) return <p className="muted">This agent has not asked for anything yet.</p>
  return (
    <div className="table-wrap">
      <table className="data-table agent-requests" data-testid="agent-requests">
        <thead>
          <tr>
            <th scope="col">Requested</th>
            <th scope="col">Request</th>
            <th scope="col">Risk</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Decided</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.id} data-approval-id={r.id} data-decision={r.decision ?? r.status}>
              <td>{formatDateTime(r.createdAt)}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    go('inbox')
                    focusApproval(r.id)
                  }}
                >
                  {r.title}
                </button>
                <div className="muted">{kindLabel(r.kind)}</div>
              </td>
              <td>
                <RiskBadge level={r.riskLevel} compact />
              </td>
              <td className="num">{formatMoney(r.amount, r.currency)}</td>
              <td className={`request-outcome outcome-${r.decision ?? r.status}`}>
                <strong>{outcome(r)}</strong>
                {r.decidedByName && <span data-testid="decided-by"> by {r.decidedByName}</span>}
                {r.decidedAt && <span className="muted"> · {formatDateTime(r.decidedAt)}</span>}
                {r.reason && <div className="muted">“{r.reason}”</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function AgentPanel({ detail }: { detail: AgentDetail }) {
  const range = useAgents((s) => s.range)
  const tenants = useTenants((s) => s.byId)
  const { agent } = detail.item
  const tenantName = tenants.size > 1 ? tenants.get(agent.tenantId)?.name : undefined
  return (
    <section
      className="agent-panel"
      aria-label={`Agent ${agent.name}`}
      data-testid="agent-detail"
      data-agent-id={agent.id}
    >
      <header className="agent-panel-header">
        <div>
          <h2>{agent.name}</h2>
          <p className="muted">
            {[agent.role, humanize(agent.kind), detail.department, tenantName].filter(Boolean).join(' · ')}
          </p>
        </div>
        <dl className="agent-facts">
          <div>
            <dt>Tier</dt>
            <dd>{agent.tier}</dd>
          </div>
          <div>
            <dt>Autonomy</dt>
            <dd>{agent.autonomy}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd className={`agent-status status-${agent.status}`}>
              <span aria-hidden="true">{STATUS_ICON[agent.status] ?? '•'} </span>
              {humanize(agent.status)}
            </dd>
          </div>
          <div>
            <dt>Trust score</dt>
            <dd>{formatTrust(agent.trustScore)}</dd>
          </div>
          <div>
            <dt>Daily budget</dt>
            <dd>
              {detail.item.maxCostPerDay === null
                ? 'None'
                : formatMoney(detail.item.maxCostPerDay, detail.item.costCurrency)}
            </dd>
          </div>
        </dl>
      </header>
      <div className="agent-toolbar">
        <div className="segmented" role="group" aria-label="Chart range">
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r)}>
              {r} days
            </button>
          ))}
        </div>
        <span className="muted">
          <Keys binding="t" /> changes the range
        </span>
        <span className="header-spacer" />
        <button type="button" onClick={() => showPendingRequests(agent.id)}>
          Pending requests in the inbox <Keys binding="p" />
        </button>
        <button type="button" onClick={openPolicyEditor} data-testid="open-policy-editor">
          Tool policies <Keys binding="shift+p" />
        </button>
      </div>
      <div className="agent-charts">
        <TrustChart days={detail.days} />
        <CostChart days={detail.days} budget={detail.item.maxCostPerDay} currency={detail.item.costCurrency} />
      </div>
      {detail.otherCosts.length > 0 && (
        <p className="muted">
          Also spent in other currencies over these {detail.days.length} days, not charted:{' '}
          {detail.otherCosts.map((c) => formatMoney(c.amount, c.currency)).join(', ')}
        </p>
      )}
      <h3>Recent requests</h3>
      <RequestsTable requests={detail.requests} />
    </section>
  )
}

export function AgentsView() {
  const { agents, loaded, error, selectedId, detail, detailError, policyEditorOpen } = useAgents()
  const scope = useTenantScope((s) => s.tenantId)
  const params = useRouter((s) => s.params)
  const listRef = useRef<HTMLUListElement>(null)
  const asked = params['agentId']

  useEffect(() => {
    void loadAgents()
  }, [scope])
  useReplicaChanges(WATCHED, reloadAgents)

  // Sent here for one agent: show it and put the keyboard focus on its row once the list has it.
  useEffect(() => {
    if (asked) selectAgent(asked)
  }, [asked])
  useEffect(() => {
    if (!asked || !loaded) return
    const row = listRef.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(asked)}"]`)
    row?.focus()
  }, [asked, loaded, agents])
  // The list took the focus before its rows arrived: hand it to the selected row now they are here.
  useEffect(() => {
    const list = listRef.current
    if (!list || document.activeElement !== list || !selectedId) return
    list.querySelector<HTMLElement>(`[data-id="${CSS.escape(selectedId)}"]`)?.focus()
  }, [agents, selectedId])

  // The list is the view's home: focusing it focuses the selected agent's row.
  const onListFocus = (e: FocusEvent<HTMLUListElement>) => {
    if (e.target !== e.currentTarget) {
      const id = (e.target as HTMLElement).closest<HTMLElement>('[data-list-item]')?.dataset['id']
      if (id) selectAgent(id)
      return
    }
    const rows = e.currentTarget.querySelectorAll<HTMLElement>('[data-list-item]')
    const target = [...rows].find((r) => r.dataset['id'] === selectedId) ?? rows[0]
    target?.focus()
  }

  const shown = detail && detail.item.agent.id === selectedId ? detail : null
  const focused = agents.find((a) => a.agent.id === selectedId)?.agent
  return (
    <div className="page agents-view">
      <h1>Agents</h1>
      {error && <p className="banner banner-error">{error}</p>}
      <div className="agents-split">
        <ul
          ref={listRef}
          className="agents-list"
          role="listbox"
          aria-label="Agents"
          data-home-focus
          tabIndex={-1}
          onFocus={onListFocus}
          data-testid="agents-list"
        >
          {agents.map((a) => (
            <AgentRow key={a.agent.id} item={a} selected={a.agent.id === selectedId} />
          ))}
          {loaded && agents.length === 0 && (
            <li className="empty" role="presentation">
              <p className="empty-title">No agents here</p>
              <p className="muted">
                Agents appear once they work for a tenant you can see; try another tenant scope.
              </p>
            </li>
          )}
        </ul>
        <div className="agent-detail-pane">
          {detailError && <p className="banner banner-error">{detailError}</p>}
          {shown ? (
            <AgentPanel detail={shown} />
          ) : (
            !detailError && <p className="muted">{loaded ? 'Choose an agent.' : 'Loading…'}</p>
          )}
        </div>
      </div>
      {policyEditorOpen && focused && (
        <PolicyEditor tenantId={focused.tenantId} agent={{ id: focused.id, name: focused.name }} onClose={closePolicyEditor} />
      )}
    </div>
  )
}
