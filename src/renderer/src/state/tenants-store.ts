// The tenants the reviewer can see, for names on rows and the tenant switcher; a scope on a tenant
// that is no longer among them falls back to all.
import { create } from 'zustand'
import type { z } from 'zod'
import type { TenantSummary } from '../../../shared/contract-domain'
import { call } from './api'
import { keepScopeVisible } from './tenant-scope'

type Tenant = z.infer<typeof TenantSummary>

interface TenantsState {
  /** As the core lists them: each holding followed by its subsidiaries. */
  tenants: Tenant[]
  byId: ReadonlyMap<string, Tenant>
}

export const useTenants = create<TenantsState>(() => ({ tenants: [], byId: new Map() }))

export async function loadTenants(): Promise<void> {
  try {
    const tenants = await call('tenants.list', {})
    useTenants.setState({ tenants, byId: new Map(tenants.map((t) => [t.id, t])) })
    keepScopeVisible(tenants.map((t) => t.id))
  } catch {
    // Names fall back to nothing; the next data change retries.
  }
}
