// The tenants the reviewer can see, for names on rows and the tenant filter.
import { create } from 'zustand'
import type { z } from 'zod'
import type { TenantSummary } from '../../../shared/contract-domain'
import { call } from './api'

type Tenant = z.infer<typeof TenantSummary>

interface TenantsState {
  tenants: Tenant[]
  byId: ReadonlyMap<string, Tenant>
}

export const useTenants = create<TenantsState>(() => ({ tenants: [], byId: new Map() }))

export async function loadTenants(): Promise<void> {
  try {
    const tenants = await call('tenants.list', {})
    useTenants.setState({ tenants, byId: new Map(tenants.map((t) => [t.id, t])) })
  } catch {
    // Names fall back to nothing; the next data change retries.
  }
}
