// The parts of an approval's detail below its header: payload by kind, evidence, earlier
// decisions, messages and the audit trail.
import { describeReason } from '../../../shared/reject-reasons'
import type { ApprovalDetail } from '../../../shared/contract-domain'
import { formatDateTime, humanize } from '../ui/format'
import { ChangesetDiff } from './ChangesetDiff'
import { JournalTable, journalLines } from './JournalTable'
import { ValueView } from './ValueView'

const MAX_AUDIT = 30

function Section({ title, count, children }: { title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="detail-section" aria-label={title}>
      <h3>
        {title}
        {count !== undefined && <span className="count"> {count}</span>}
      </h3>
      {children}
    </section>
  )
}

/** The tool call's arguments: the payload itself, or its `args` when the payload wraps them. */
export function toolArgs(payload: unknown): unknown {
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
    const p = payload as Record<string, unknown>
    if ('args' in p && typeof p['args'] === 'object') return p['args']
  }
  return payload
}

export function PayloadSection({ detail }: { detail: ApprovalDetail }) {
  const { item } = detail
  const currency = item.currency
  if (item.kind === 'changeset' && detail.changeset) {
    return (
      <Section title={`Change set · ${detail.changeset.title}`}>
        <p className="muted">Status: {humanize(detail.changeset.status)}</p>
        <ChangesetDiff patches={detail.changeset.patches} />
      </Section>
    )
  }
  if (item.kind === 'journal_posting' && journalLines(detail.payload)) {
    return (
      <Section title="Journal lines">
        <JournalTable payload={detail.payload} currency={currency} />
      </Section>
    )
  }
  if (item.kind === 'tool_call') {
    return (
      <Section title={detail.tool ? `Tool call · ${detail.tool.app} · ${detail.tool.key}` : 'Tool call'}>
        <ValueView value={toolArgs(detail.payload)} currency={currency} />
      </Section>
    )
  }
  return (
    <Section title="What will be approved">
      <ValueView value={detail.payload} currency={currency} />
    </Section>
  )
}

export function EvidenceSection({ detail }: { detail: ApprovalDetail }) {
  if (detail.evidence.length === 0) return null
  return (
    <Section title="Evidence" count={detail.evidence.length}>
      <div className="evidence">
        {detail.evidence.map((e) => (
          <article key={`${e.table}:${e.id}`} className="evidence-row">
            <h4>
              <span className="tag">{humanize(e.table)}</span> {e.label}
            </h4>
            <ValueView value={e.fields} currency={detail.item.currency} depth={1} />
          </article>
        ))}
      </div>
    </Section>
  )
}

const DECISION_WORDS = {
  approve: 'Approved',
  approve_with_edits: 'Approved with edits',
  reject: 'Rejected',
  escalate: 'Escalated',
} as const

export function DecisionsSection({ detail }: { detail: ApprovalDetail }) {
  if (detail.decisions.length === 0) return null
  return (
    <Section title="Earlier decisions" count={detail.decisions.length}>
      <ol className="timeline">
        {detail.decisions.map((d) => (
          <li key={d.id}>
            <strong>{DECISION_WORDS[d.decision]}</strong> by {d.actorName ?? 'someone'}
            {d.onBehalfOf && <span className="muted"> (on behalf of a delegator)</span>}
            <span className="muted"> · {formatDateTime(d.createdAt)}</span>
            {d.reason && <blockquote>{describeReason(d.reason)}</blockquote>}
          </li>
        ))}
      </ol>
    </Section>
  )
}

export function MessagesSection({ detail }: { detail: ApprovalDetail }) {
  return (
    <Section title="Messages" count={detail.messages.length}>
      {detail.messages.length === 0 ? (
        <p className="muted">No messages yet. Press M to message the agent.</p>
      ) : (
        <ol className="messages">
          {detail.messages.map((m) => (
            <li key={m.id} className={`message message-${m.fromType}`}>
              <div className="message-meta">
                <strong>{m.fromName ?? (m.fromType === 'agent' ? 'Agent' : 'Reviewer')}</strong>
                <span className="muted"> · {formatDateTime(m.createdAt)}</span>
                {m.queued && <span className="tag"> queued</span>}
              </div>
              <p>{m.body}</p>
            </li>
          ))}
        </ol>
      )}
    </Section>
  )
}

/** An audit action in words: "approval.requested" → "Requested", "decision.created" → "Decision created". */
export function auditActionWords(action: string, entityType: string): string {
  const [subject, verb] = action.includes('.') ? [action.slice(0, action.indexOf('.')), action.slice(action.indexOf('.') + 1)] : [entityType, action]
  const words = humanize(verb ?? action)
  return subject === 'approval' ? words : `${humanize(subject)} ${words.toLowerCase()}`
}

export function AuditSection({ detail }: { detail: ApprovalDetail }) {
  if (detail.audit.length === 0) return null
  const rows = detail.audit.slice(-MAX_AUDIT)
  return (
    <Section title="Audit trail" count={detail.audit.length}>
      <div className="table-wrap">
        <table className="data-table audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id}>
                <td>{formatDateTime(a.occurredAt)}</td>
                <td>{a.actorName}</td>
                <td>{auditActionWords(a.action, a.entityType)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {detail.audit.length > rows.length && (
        <p className="muted">Latest {rows.length} of {detail.audit.length}; the Audit view has them all.</p>
      )}
    </Section>
  )
}

const ROUTE_WORDS = { auto: 'approved by policy', required: 'needs one approver', four_eyes: 'four-eyes', deny: 'denied by policy' } as const

/** Where an agent's request came from: the agent, the policy and rule that routed it, its idempotency key. */
export function OriginSection({ detail }: { detail: ApprovalDetail }) {
  const o = detail.origin
  if (!o) return null
  return (
    <Section title="Origin">
      <dl className="fields" data-testid="request-origin">
        <dt>Agent</dt>
        <dd>{o.agentName ?? detail.agent?.name ?? 'unknown'}</dd>
        <dt>Routed</dt>
        <dd>
          {o.route ? ROUTE_WORDS[o.route] : 'unknown'}
          {o.rule && <> · rule “{o.rule}”</>}
          {o.policyName && <> · policy “{o.policyName}”</>}
          {!o.policyId && <span className="muted"> (the tool’s default)</span>}
        </dd>
        <dt>Idempotency key</dt>
        <dd>
          <code>{o.externalId ?? '—'}</code>
        </dd>
      </dl>
    </Section>
  )
}
