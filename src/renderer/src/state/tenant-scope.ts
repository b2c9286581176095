// The tenant scope: all tenants, or one subsidiary, for reviewers who see several (holding managers).
// Every view reads it and passes it to the core as `tenantId`; the switcher in the header sets it.
// It is kept in the settings, so the console opens on the tenant the reviewer chose last.
import { create } from 'zustand'
import { updateSettings, useSettings } from './settings-store'

interface TenantScopeState {
  /** null: every tenant I can see. */
  tenantId: string | null
}

export const useTenantScope = create<TenantScopeState>(() => ({ tenantId: null }))

export function setTenantScope(tenantId: string | null): void {
  if (useTenantScope.getState().tenantId === tenantId) return
  useTenantScope.setState({ tenantId })
  void updateSettings({ tenantScope: tenantId })
}

/** The scope as contract arguments: `{ tenantId }` when one tenant is chosen, `{}` for all. */
export function scopeArgs(): { tenantId?: string } {
  const { tenantId } = useTenantScope.getState()
  return tenantId ? { tenantId } : {}
}

/**
 * Drops a scope the reviewer cannot see (another reviewer's choice on this machine, a tenant they
 * left). An empty list is a replica still on its first sync: nothing to judge by yet.
 */
export function keepScopeVisible(visibleIds: readonly string[]): void {
  const { tenantId } = useTenantScope.getState()
  if (tenantId && visibleIds.length > 0 && !visibleIds.includes(tenantId)) setTenantScope(null)
}

/** Applies the scope saved last time, once the settings are read; false while they are not yet. */
function restoreSavedScope(): boolean {
  const saved = useSettings.getState().settings
  if (!saved) return false
  if (saved.tenantScope) useTenantScope.setState({ tenantId: saved.tenantScope })
  return true
}

// Settings are read at start-up, usually before the first inbox read; if they come later, the views
// follow the restored scope like any other change of it.
if (!restoreSavedScope()) {
  const stop = useSettings.subscribe(() => {
    if (restoreSavedScope()) stop()
  })
}
