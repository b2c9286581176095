// The Audit view: the tenant's audit log, newest first and a page at a time, with filters (actor,
// entity, action, time); Enter opens an entry's before/after as a key-by-key diff. "Verify chain"
// recomputes the tenant's hash chain from the replica with a progress bar, and says "Verified N
// entries" or names the first broken entry and shows it, highlighted. Export CSV saves what the
// filters show.
import { useEffect, type MouseEvent } from 'react'
import { useReplicaChanges } from '../state/replica-changes'
import { useTenantScope } from '../state/tenant-scope'
import { useTenants } from '../state/tenants-store'
import { exportCsv } from '../exports/export-csv'
import { Keys } from '../ui/Kbd'
import { formatDateTime, humanize } from '../ui/format'
import { AuditFilters } from './AuditFilters'
import {
  currentAuditFilter,
  focusHandled,
  loadAuditPage,
  loadFacets,
  PAGE_SIZE,
  setVerifyTenant,
  showEntry,
  tenantToVerify,
  toggleExpanded,
  turnPage,
  useAudit,
  verifyChain,
  type Entry,
  type Verdict,
  type Verification,
} from './audit-store'
import { changeSummary, EntryDiff } from './EntryDiff'
import './audit.css'

/** Tables whose changes can alter what this view shows: the log, and the names of its actors and entities. */
const WATCHED = new Set(['audit_log', 'agents', 'profiles', 'approvals', 'actions', 'tenants', 'tools', 'changesets'])

/** After a replica change: the page on screen, and the values the filters offer. */
function reloadAudit(): void {
  void loadAuditPage()
  void loadFacets()
}

const COLUMNS = 6

const BREAK_REASONS = {
  integrity_hash: 'its content no longer matches its hash: it was changed after it was written',
  prev_hash: 'its link to the entry before is broken: an entry before it was removed, reordered or rewritten',
  tail_deleted: 'the chain should reach this entry, but the entries after its new end, up to this one, were deleted',
  rewritten: 'this entry no longer has the hash this console verified: history up to here was rewritten',
} as const
type BreakReason = keyof typeof BREAK_REASONS

type Broken = NonNullable<Verdict['brokenAt']>

/** The verdict in words: a broken link or entry, a deleted tail, or history rewritten after it was witnessed. */
function BrokenChain({ broken, tenant, entries }: { broken: Broken; tenant: string; entries: number }) {
  const witnessed = broken.witnessedAt ? ` (verified on this console ${new Date(broken.witnessedAt).toLocaleString()})` : ''
  switch (broken.reason) {
    case 'tail_deleted':
      return (
        <>
          <strong>Entries deleted at the end of the chain</strong> in {tenant}: the chain should reach #{broken.id}
          {witnessed} but now ends at {broken.after ? `#${broken.after}` : 'no entry at all'}.{' '}
          {entries.toLocaleString()} entries checked.
        </>
      )
    case 'rewritten':
      return (
        <>
          <strong>History was rewritten</strong> in {tenant}: entry #{broken.id} no longer has the hash it had
          {witnessed}. The first changed entry comes {broken.after ? `after #${broken.after}` : 'at or before it'};
          the hashes were recomputed, so the chain alone would look intact.
        </>
      )
    default:
      return (
        <>
          <strong>Chain breaks at #{broken.id}</strong> in {tenant}: {BREAK_REASONS[broken.reason]}.{' '}
          {entries.toLocaleString()} entries before it verified.
        </>
      )
  }
}

function VerifyPanel() {
  const verification = useAudit((s) => s.verification)
  const tenants = useTenants((s) => s.tenants)
  const scope = useTenantScope((s) => s.tenantId)
  useAudit((s) => s.verifyTenantId) // re-render when the choice changes
  const target = tenantToVerify()
  const running = verification.status === 'running'
  const tenantName = (id: string) => tenants.find((t) => t.id === id)?.name ?? 'this tenant'
  return (
    <section className="verify-panel" aria-label="Chain verification">
      <div className="verify-controls">
        {!scope && tenants.length > 1 && (
          <label className="filter-field">
            <span>Chain of</span>
            <select
              value={target ?? ''}
              onChange={(e) => setVerifyTenant(e.target.value)}
              disabled={running}
              data-testid="verify-tenant"
            >
              {tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          className="primary"
          onClick={() => void verifyChain()}
          disabled={running || !target}
          data-testid="verify-chain"
        >
          Verify chain <Keys binding="v" />
        </button>
        <button
          type="button"
          onClick={() => void exportCsv({ kind: 'audit', filter: currentAuditFilter() })}
          data-testid="audit-export"
        >
          Export CSV <Keys binding="shift+x" />
        </button>
      </div>
      <VerifyOutcome verification={verification} tenantName={tenantName} />
    </section>
  )
}

function VerifyOutcome({
  verification: v,
  tenantName,
}: {
  verification: Verification
  tenantName: (id: string) => string
}) {
  if (v.status === 'idle') return null
  if (v.status === 'running') {
    const pct = v.total > 0 ? Math.round((v.checked / v.total) * 100) : 0
    return (
      <div className="verify-progress" data-testid="verify-progress">
        <div
          className="progressbar"
          role="progressbar"
          aria-label={`Verifying the audit chain of ${tenantName(v.tenantId)}`}
          aria-valuemin={0}
          aria-valuemax={v.total}
          aria-valuenow={v.checked}
          aria-valuetext={`${v.checked.toLocaleString()} of ${v.total.toLocaleString()} entries`}
        >
          <div className="progressbar-fill" style={{ width: `${pct}%` }} />
        </div>
        <span className="num">
          {v.checked.toLocaleString()} / {v.total.toLocaleString()} entries
        </span>
      </div>
    )
  }
  if (v.status === 'failed') {
    return (
      <p className="banner banner-error">
        Could not verify the chain of {tenantName(v.tenantId)}: {v.message}
      </p>
    )
  }
  const { verdict } = v
  if (verdict.ok) {
    return (
      <p className="banner banner-ok" data-testid="verify-result" data-ok="true">
        Verified {verdict.entries.toLocaleString()} entries of {tenantName(verdict.tenantId)}: the chain is
        intact.{' '}
        <span className="muted">
          Entry numbers are shared by every tenant’s log, so this tenant’s may skip some; each entry is linked to
          the one before it in this chain.
        </span>
      </p>
    )
  }
  const broken = verdict.brokenAt
  return (
    <div
      className="banner banner-error verify-broken"
      data-testid="verify-result"
      data-ok="false"
      data-broken-id={broken?.id}
      data-reason={broken?.reason}
    >
      <p>{broken ? <BrokenChain broken={broken} tenant={tenantName(verdict.tenantId)} entries={verdict.entries} /> : null}</p>
      {broken && (
        <button type="button" onClick={() => void showEntry(broken.id)}>
          Show entry #{broken.id} <Keys binding="b" />
        </button>
      )}
    </div>
  )
}

interface RowProps {
  entry: Entry
  open: boolean
  /** Why the chain breaks at this entry, when it does. */
  broken: BreakReason | null
  tenant?: string
}

/** What the actor is, beside its name: a policy deciding is neither the agent that asked nor a reviewer. */
function actorRole(e: Entry): string | null {
  if (e.byPolicy) return null
  if (e.actorType === 'system') return null
  return e.actorType === 'user' ? 'reviewer' : 'agent'
}

function AuditRow({ entry, open, broken, tenant }: RowProps) {
  const role = actorRole(entry)
  const toggle = (e: MouseEvent) => {
    // A click selecting text is not a toggle.
    if (window.getSelection()?.toString()) return
    ;(e.currentTarget as HTMLElement).focus()
    toggleExpanded(entry.id)
  }
  return (
    <>
      <tr
        className={`audit-row${broken ? ' audit-row-broken' : ''}`}
        data-list-item
        data-id={entry.id}
        data-testid="audit-row"
        data-broken={broken ? 'true' : undefined}
        tabIndex={-1}
        // aria-expanded is not allowed on a table row (axe: aria-conditional-attr); the state is data.
        data-expanded={open ? 'true' : undefined}
        onClick={toggle}
      >
        <td className="num">
          {broken && (
            <span className="broken-mark" title="The chain breaks here">
              <span aria-hidden="true">⚠ </span>
              <span className="visually-hidden">Chain breaks here: </span>
            </span>
          )}
          #{entry.id}
        </td>
        <td>
          <time dateTime={entry.occurredAt}>{formatDateTime(entry.occurredAt)}</time>
        </td>
        <td data-testid="audit-actor">
          {entry.actorName}
          {role && <span className="muted"> · {role}</span>}
        </td>
        <td>
          <code>{entry.action}</code>
        </td>
        <td data-testid="audit-entity">
          <span className="muted">{humanize(entry.entityType)}</span>
          {entry.entityName ? (
            <div title={entry.entityId ?? undefined}>{entry.entityName}</div>
          ) : (
            // The replica does not hold it (never synced here, or gone): its kind, never a bare id.
            entry.entityId && (
              <div className="muted" title={entry.entityId}>
                not on this console
              </div>
            )
          )}
          {tenant && <div className="muted">{tenant}</div>}
        </td>
        <td className="audit-change">
          <span aria-hidden="true" className="expander">
            {open ? '▾' : '▸'}
          </span>{' '}
          {changeSummary(entry.beforeState, entry.afterState)}
        </td>
      </tr>
      {open && (
        <tr
          className={`audit-detail${broken ? ' audit-row-broken' : ''}`}
          data-testid="audit-detail"
          data-entry-id={entry.id}
        >
          <td colSpan={COLUMNS}>
            {broken && <p className="broken-note">⚠ The chain breaks here: {BREAK_REASONS[broken]}.</p>}
            <EntryDiff before={entry.beforeState} after={entry.afterState} />
            <p className="muted hash">
              Entity id <code>{entry.entityId ?? '—'}</code> · integrity hash{' '}
              <code>{entry.integrityHash.slice(0, 16)}…</code>
            </p>
          </td>
        </tr>
      )}
    </>
  )
}

function Pager() {
  const { offset, total, items } = useAudit()
  if (total === 0) return null
  return (
    <div className="audit-pager">
      <button type="button" onClick={() => turnPage(-1)} disabled={offset === 0}>
        Newer <Keys binding="[" />
      </button>
      <span className="muted" data-testid="audit-range" data-total={total}>
        {(offset + 1).toLocaleString()}–{(offset + items.length).toLocaleString()} of {total.toLocaleString()}{' '}
        entries
      </span>
      <button type="button" onClick={() => turnPage(1)} disabled={offset + PAGE_SIZE >= total}>
        Older <Keys binding="]" />
      </button>
    </div>
  )
}

function useAuditData(): void {
  const scope = useTenantScope((s) => s.tenantId)
  useEffect(() => {
    void loadAuditPage(0)
    void loadFacets()
  }, [scope])
  useReplicaChanges(WATCHED, reloadAudit)
}

export function AuditView() {
  const { items, loaded, error, expanded, verification, focusId, filter } = useAudit()
  const tenants = useTenants((s) => s.byId)
  const scope = useTenantScope((s) => s.tenantId)
  useAuditData()

  // The entry a verification named: focus its row once its page is on screen.
  useEffect(() => {
    if (!focusId || !items.some((e) => e.id === focusId)) return
    document.querySelector<HTMLElement>(`[data-list-item][data-id="${CSS.escape(focusId)}"]`)?.focus()
    focusHandled()
  }, [focusId, items])

  const broken = verification.status === 'done' ? verification.verdict.brokenAt : null
  const showTenant = !scope && tenants.size > 1
  const filtered = Object.keys(filter).length > 0
  return (
    <div className="page audit-view">
      <div className="audit-head">
        <h1>Audit</h1>
        <VerifyPanel />
      </div>
      <AuditFilters />
      {error && <p className="banner banner-error">{error}</p>}
      <div
        className="table-wrap audit-log"
        data-home-focus
        tabIndex={-1}
        aria-label="Audit log"
        data-testid="audit-log"
      >
        <table className="data-table" role="grid" aria-label="Audit log entries, newest first">
          <thead>
            <tr>
              <th scope="col">Entry</th>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Entity</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <AuditRow
                key={e.id}
                entry={e}
                open={expanded.has(e.id)}
                broken={broken?.id === e.id ? broken.reason : null}
                tenant={showTenant ? tenants.get(e.tenantId)?.name : undefined}
              />
            ))}
          </tbody>
        </table>
        {loaded && items.length === 0 && (
          <div className="empty">
            <p className="empty-title">
              {filtered ? 'No entries match these filters' : 'No audit entries yet'}
            </p>
            <p className="muted">
              {filtered
                ? 'Clear a filter to see more.'
                : 'Entries appear here as decisions and changes are recorded in this tenant.'}
            </p>
          </div>
        )}
      </div>
      <Pager />
    </div>
  )
}
