import { describe, expect, it } from 'vitest'
import { asAnon, asUser, DEMO } from './support/db'

type Who = { user_id: string | null; tenants: { slug: string; member_role: string | null }[] }

async function whoami(userId: string): Promise<Who> {
  return asUser(userId, async (c) => (await c.query('select public.whoami() as w')).rows[0].w)
}

describe('tenancy visibility (RLS through visible_tenant_ids)', () => {
  it('gives each demo reviewer exactly their tenants; the holding manager also sees both subsidiaries', async () => {
    const slugs = async (id: string) => (await whoami(id)).tenants.map((t) => t.slug).sort()
    expect(await slugs(DEMO.users.finance.id)).toEqual(['northwind-retail'])
    expect(await slugs(DEMO.users.ops.id)).toEqual(['northwind-payments'])
    expect(await slugs(DEMO.users.viewer.id)).toEqual(['northwind-retail'])
    expect(await slugs(DEMO.users.manager.id)).toEqual(['northwind-group', 'northwind-payments', 'northwind-retail'])
    expect(await slugs(DEMO.users.outsider.id)).toEqual(['acme-logistics'])
  })

  it('shows anon no tenant at all', async () => {
    const w: Who = await asAnon(async (c) => (await c.query('select public.whoami() as w')).rows[0].w)
    expect(w).toMatchObject({ user_id: null, tenants: [] })
  })

  it('refuses direct writes by an authenticated reviewer', async () => {
    await expect(
      asUser(DEMO.users.manager.id, (c) => c.query(`insert into public.tenants (name, slug) values ('X', 'x')`)),
    ).rejects.toThrow(/permission denied/)
    await expect(
      asUser(DEMO.users.manager.id, (c) =>
        c.query(`update public.tenant_members set approval_limit = null where user_id = $1`, [DEMO.users.ops.id]),
      ),
    ).rejects.toThrow(/permission denied/)
  })
})
