// The Audit view's state: its filter (the AuditFilter the list and the CSV export use, tenant scope
// included), the page of the log on screen, the entries opened to their diff, the values the filters
// offer, and the chain verification — running with its progress, or its verdict.
import { create } from 'zustand'
import type { z } from 'zod'
import type { AuditEntry, AuditFacets, AuditFilter, AuditVerdict } from '../../../shared/contract-domain'
import { call, errorMessage, on } from '../state/api'
import { scopeArgs } from '../state/tenant-scope'
import { useTenants } from '../state/tenants-store'
import { announce } from '../ui/announce'

export type Entry = z.infer<typeof AuditEntry>
export type Verdict = z.infer<typeof AuditVerdict>
/** The filter fields the view sets; the tenant comes from the tenant scope. */
export type AuditFilterFields = Omit<AuditFilter, 'tenantId'>

export const PAGE_SIZE = 100

export type Verification =
  | { status: 'idle' }
  | { status: 'running'; tenantId: string; checked: number; total: number }
  | { status: 'done'; verdict: Verdict }
  | { status: 'failed'; tenantId: string; message: string }

interface AuditState {
  filter: AuditFilterFields
  offset: number
  items: Entry[]
  total: number
  loaded: boolean
  error: string | null
  expanded: ReadonlySet<string>
  facets: z.infer<typeof AuditFacets> | null
  /** The tenant whose chain "Verify chain" checks when the scope shows several; null: the default. */
  verifyTenantId: string | null
  verification: Verification
  /** An entry to focus once its page is on screen (the one a verification names). */
  focusId: string | null
}

export const useAudit = create<AuditState>(() => ({
  filter: {},
  offset: 0,
  items: [],
  total: 0,
  loaded: false,
  error: null,
  expanded: new Set(),
  facets: null,
  verifyTenantId: null,
  verification: { status: 'idle' },
  focusId: null,
}))

const get = useAudit.getState
const set = useAudit.setState

/** The filter the screen shows, tenant scope included: what the list reads and the CSV export writes. */
export function currentAuditFilter(): AuditFilter {
  return { ...scopeArgs(), ...get().filter }
}

let pageSeq = 0

/** Reads the page at `offset` (default: the current one) under the current filter. */
export async function loadAuditPage(offset = get().offset): Promise<void> {
  const seq = ++pageSeq
  try {
    const page = await call('audit.list', { ...currentAuditFilter(), limit: PAGE_SIZE, offset })
    if (seq !== pageSeq) return
    // Past the end (the log shrank, or a filter narrowed it): back to the last page there is.
    if (page.items.length === 0 && offset > 0 && page.total > 0) {
      void loadAuditPage(Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE)
      return
    }
    set({ items: page.items, total: page.total, offset, loaded: true, error: null })
  } catch (err) {
    if (seq === pageSeq) set({ loaded: true, error: errorMessage(err) })
  }
}

export function setAuditFilter(patch: Partial<AuditFilterFields>): void {
  const filter: AuditFilterFields = { ...get().filter, ...patch }
  for (const key of Object.keys(filter) as (keyof AuditFilterFields)[]) {
    if (filter[key] === undefined || filter[key] === '') delete filter[key]
  }
  set({ filter, expanded: new Set() })
  void loadAuditPage(0)
}

export function clearAuditFilter(): void {
  set({ filter: {}, expanded: new Set() })
  void loadAuditPage(0)
}

export function hasFilter(): boolean {
  return Object.keys(get().filter).length > 0
}

/** Older (+1) or newer (-1) page; false at either end. */
export function turnPage(delta: 1 | -1): boolean {
  const { offset, total } = get()
  const next = offset + delta * PAGE_SIZE
  if (next < 0 || next >= total) return false
  void loadAuditPage(next)
  return true
}

export function toggleExpanded(id: string): void {
  const expanded = new Set(get().expanded)
  if (expanded.has(id)) expanded.delete(id)
  else expanded.add(id)
  set({ expanded })
}

export async function loadFacets(): Promise<void> {
  try {
    set({ facets: await call('audit.facets', scopeArgs()) })
  } catch {
    // The filters fall back to what is already offered; the next change retries.
  }
}

/** The tenant "Verify chain" checks: the scope's, the one chosen, or the only (or first) visible one. */
export function tenantToVerify(): string | null {
  const scoped = scopeArgs().tenantId
  if (scoped) return scoped
  const tenants = useTenants.getState().tenants
  const chosen = get().verifyTenantId
  if (chosen && tenants.some((t) => t.id === chosen)) return chosen
  return tenants[0]?.id ?? null
}

export function setVerifyTenant(tenantId: string): void {
  set({ verifyTenantId: tenantId })
}

export async function verifyChain(): Promise<void> {
  const tenantId = tenantToVerify()
  if (!tenantId || get().verification.status === 'running') return
  set({ verification: { status: 'running', tenantId, checked: 0, total: 0 } })
  const off = on('audit.verifyProgress', (p) => {
    const v = get().verification
    if (v.status === 'running' && v.tenantId === p.tenantId)
      set({ verification: { ...v, checked: p.checked, total: p.total } })
  })
  try {
    const verdict = await call('audit.verify', { tenantId })
    set({ verification: { status: 'done', verdict } })
    if (verdict.ok)
      announce(`Verified ${verdict.entries.toLocaleString()} entries: the audit chain is intact.`)
    else {
      announce(
        verdict.brokenAt?.reason === 'rewritten'
          ? `The audit history was rewritten: entry ${verdict.brokenAt.id} is not what this console verified.`
          : verdict.brokenAt?.reason === 'tail_deleted'
            ? `The newest audit entries were deleted: the chain should reach entry ${verdict.brokenAt.id}.`
            : `The audit chain breaks at entry ${verdict.brokenAt?.id}.`,
      )
      if (verdict.brokenAt) await showEntry(verdict.brokenAt.id)
    }
  } catch (err) {
    set({ verification: { status: 'failed', tenantId, message: errorMessage(err) } })
    announce(`Could not verify the audit chain: ${errorMessage(err)}`)
  } finally {
    off()
  }
}

/**
 * Pages to an entry and opens it: under the current filter when it shows the entry, else with the
 * filter cleared, so the entry a verification names is always on screen.
 */
export async function showEntry(id: string): Promise<void> {
  try {
    let { offset } = await call('audit.locate', { ...currentAuditFilter(), id })
    if (offset === null && hasFilter()) {
      set({ filter: {} })
      offset = (await call('audit.locate', { ...currentAuditFilter(), id })).offset
    }
    if (offset === null) return
    set({ focusId: id, expanded: new Set([...get().expanded, id]) })
    await loadAuditPage(Math.floor(offset / PAGE_SIZE) * PAGE_SIZE)
  } catch (err) {
    set({ error: errorMessage(err) })
  }
}

export function focusHandled(): void {
  set({ focusId: null })
}
