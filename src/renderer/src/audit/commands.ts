// The Audit view's commands. app/views.tsx registers them and enables them only while this view is on screen.
import type { Command } from '../keyboard/registry'
import { exportCsv } from '../exports/export-csv'
import { announce } from '../ui/announce'
import { focusedListItemId } from '../ui/focus'
import { AUDIT_SEARCH_ID } from './AuditFilters'
import {
  clearAuditFilter,
  currentAuditFilter,
  hasFilter,
  showEntry,
  toggleExpanded,
  turnPage,
  useAudit,
  verifyChain,
} from './audit-store'

const brokenId = () => {
  const v = useAudit.getState().verification
  return v.status === 'done' && !v.verdict.ok ? v.verdict.brokenAt?.id : undefined
}

function page(delta: 1 | -1) {
  if (!turnPage(delta)) announce(delta > 0 ? 'This is the oldest page.' : 'This is the newest page.')
}

export const auditCommands: Command[] = [
  {
    id: 'audit.filter',
    title: 'Filter the audit log',
    section: 'Review',
    keys: ['/'],
    run: () => document.getElementById(AUDIT_SEARCH_ID)?.focus(),
  },
  {
    id: 'audit.toggle',
    title: 'Open or close the entry’s before / after',
    section: 'Review',
    keys: ['enter'],
    enabled: () => focusedListItemId() !== undefined,
    run: () => {
      const id = focusedListItemId()
      if (id) toggleExpanded(id)
    },
  },
  {
    id: 'audit.verify',
    title: 'Verify the audit chain',
    section: 'Review',
    keys: ['v'],
    enabled: () => useAudit.getState().verification.status !== 'running',
    run: () => void verifyChain(),
  },
  {
    id: 'audit.broken',
    title: 'Show the entry where the chain breaks',
    section: 'Review',
    keys: ['b'],
    enabled: () => brokenId() !== undefined,
    run: () => {
      const id = brokenId()
      if (id) void showEntry(id)
    },
  },
  {
    id: 'audit.export',
    title: 'Export the filtered audit log as CSV',
    section: 'Review',
    keys: ['shift+x'],
    run: () => void exportCsv({ kind: 'audit', filter: currentAuditFilter() }),
  },
  {
    id: 'audit.older',
    title: 'Older audit entries (next page)',
    section: 'Review',
    keys: [']', 'pagedown'],
    run: () => page(1),
  },
  {
    id: 'audit.newer',
    title: 'Newer audit entries (previous page)',
    section: 'Review',
    keys: ['[', 'pageup'],
    run: () => page(-1),
  },
  {
    id: 'audit.clear',
    title: 'Clear the audit filters',
    section: 'Review',
    keys: ['c'],
    enabled: hasFilter,
    run: clearAuditFilter,
  },
]
