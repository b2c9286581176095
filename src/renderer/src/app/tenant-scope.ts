// The tenant scope: all tenants, or one subsidiary, for reviewers who see several (holding managers).
// Every view reads it and passes it to the core as `tenantId`; the switcher in the header sets it.
import { create } from 'zustand'

interface TenantScopeState {
  /** null: every tenant I can see. */
  tenantId: string | null
}

export const useTenantScope = create<TenantScopeState>(() => ({ tenantId: null }))

export function setTenantScope(tenantId: string | null): void {
  useTenantScope.setState({ tenantId })
}

/** The scope as contract arguments: `{ tenantId }` when one tenant is chosen, `{}` for all. */
export function scopeArgs(): { tenantId?: string } {
  const { tenantId } = useTenantScope.getState()
  return tenantId ? { tenantId } : {}
}
