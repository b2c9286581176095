// The fixture helpers give each test file its own tenants and reviewers, and those reviewers sign in
// and see exactly what their memberships imply — the starting point of every other suite.
import { describe, expect, it } from 'vitest'
import {
  addMember,
  createTenant,
  createTenantWithMember,
  createUser,
  signedInClient,
} from '../../src/stack/fixtures'
import { stack } from './support'

type Who = { user_id: string; tenants: { id: string; member_role: string | null }[] }

async function whoami(email: string, password: string): Promise<Who> {
  const { data, error } = await (await signedInClient(stack(), email, password)).rpc('whoami')
  expect(error).toBeNull()
  return data as Who
}

describe('fixtures', () => {
  it('makes a fresh tenant with a member who signs in and sees only that tenant', async () => {
    const { tenant, user } = await createTenantWithMember(stack().dbUrl, 'ops', {
      approvalLimit: 500,
      maxRisk: 2,
    })
    const who = await whoami(user.email, user.password)
    expect(who.user_id).toBe(user.id)
    expect(who.tenants).toEqual([expect.objectContaining({ id: tenant.id, member_role: 'ops' })])
  })

  it('builds a holding whose member sees its subsidiaries, while a subsidiary member sees only theirs', async () => {
    const holding = await createTenant(stack().dbUrl, { kind: 'holding' })
    const [east, west] = await Promise.all([
      createTenant(stack().dbUrl, { parentTenantId: holding.id }),
      createTenant(stack().dbUrl, { parentTenantId: holding.id }),
    ])
    const manager = await createUser(stack().dbUrl, { fullName: 'Holding Manager' })
    const clerk = await createUser(stack().dbUrl)
    await addMember(stack().dbUrl, { tenantId: holding.id, userId: manager.id, role: 'manager' })
    await addMember(stack().dbUrl, { tenantId: east.id, userId: clerk.id, role: 'viewer' })
    expect((await whoami(manager.email, manager.password)).tenants.map((t) => t.id).sort()).toEqual(
      [holding.id, east.id, west.id].sort(),
    )
    expect((await whoami(clerk.email, clerk.password)).tenants.map((t) => t.id)).toEqual([east.id])
  })

  it('gives an inactive membership no visibility', async () => {
    const tenant = await createTenant(stack().dbUrl)
    const user = await createUser(stack().dbUrl)
    await addMember(stack().dbUrl, { tenantId: tenant.id, userId: user.id, role: 'finance', isActive: false })
    expect((await whoami(user.email, user.password)).tenants).toEqual([])
  })
})
