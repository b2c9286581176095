// The tenants the reviewer sees, with their own role in each (null when seen through a holding), as
// a tree in reading order: each top-level tenant by name, its subsidiaries by name right after it.
import type { PGliteInterface } from '@electric-sql/pglite'
import type { z } from 'zod'
import type { TenantSummary } from '../../shared/contract-domain'

export async function listTenants(db: PGliteInterface, userId: string): Promise<z.infer<typeof TenantSummary>[]> {
  const res = await db.query<{
    id: string
    name: string
    slug: string
    kind: string
    parent_tenant_id: string | null
    member_role: string | null
  }>(
    `select t.id, t.name, t.slug, t.kind, t.parent_tenant_id,
            (select m.role from tenant_members m
              where m.tenant_id = t.id and m.user_id = $1 and m.is_active and m.deleted_at is null) as member_role
       from tenants t
       -- A subsidiary whose holding I do not see stands on its own at the top level.
       left join tenants parent on parent.id = t.parent_tenant_id and parent.deleted_at is null
      where t.deleted_at is null
      order by coalesce(parent.name, t.name), coalesce(parent.id, t.id), parent.id is not null, t.name, t.id`,
    [userId],
  )
  return res.rows.map((t) => ({
    id: t.id,
    name: t.name,
    slug: t.slug,
    kind: t.kind,
    parentTenantId: t.parent_tenant_id,
    memberRole: t.member_role,
  }))
}
