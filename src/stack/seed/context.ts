// The tenants a run writes into, read from the database (supabase/seed.sql's demo tenants), plus
// what the run adds before any approval: the demo reviewers' colleagues, each tenant's agents and
// tools. Everything later refers to these ids.
import type pg from 'pg'
import {
  DAY,
  iso,
  type AgentInfo,
  type ApprovalKind,
  type Currency,
  type Reviewer,
  type TenantCtx,
} from './model'
import type { Rng } from './prng'
import { AGENT_PERSONAS, COLLEAGUES, DEMO_EMAILS, TENANT_PROFILES, type DemoRole } from './roster'
import { TOOLS, type ToolName } from './tools'
import { LLM_MODELS } from './vocab'
import type { Row, TableWriter } from './writer'

export interface SeedContext {
  tenants: TenantCtx[]
  bySlug: Map<string, TenantCtx>
  /** Demo reviewers' ids by role, and colleagues' ids by email. */
  demo: Record<DemoRole, string>
  colleague: (email: string) => string
  names: Map<string, string>
}

/** Adds the colleagues (same demo password as finance@) and their memberships; idempotent. */
async function ensureColleagues(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ encrypted_password: string }>(
    'select encrypted_password from auth.users where email = $1',
    [DEMO_EMAILS.finance],
  )
  const hash = rows[0]?.encrypted_password
  if (!hash) throw new Error('seed: the demo users are missing; run on a stack seeded with supabase/seed.sql')
  await client.query(
    `insert into auth.users (id, email, encrypted_password, raw_user_meta_data)
     select c.id, c.email, $2, jsonb_build_object('full_name', c.full_name)
     from jsonb_to_recordset($1::jsonb) as c(id uuid, email text, full_name text)
     on conflict do nothing`,
    [JSON.stringify(COLLEAGUES.map((c) => ({ id: c.id, email: c.email, full_name: c.fullName }))), hash],
  )
  await client.query(
    `insert into public.tenant_members (tenant_id, user_id, role, approval_limit, max_risk)
     select t.id, c.id, c.role, c.approval_limit, c.max_risk
     from jsonb_to_recordset($1::jsonb) as c(id uuid, slug text, role text, approval_limit numeric, max_risk smallint)
     join public.tenants t on t.slug = c.slug
     on conflict do nothing`,
    [
      JSON.stringify(
        COLLEAGUES.map((c) => ({
          id: c.id,
          slug: c.tenantSlug,
          role: c.role,
          approval_limit: c.approvalLimit,
          max_risk: c.maxRisk,
        })),
      ),
    ],
  )
}

interface MemberRow {
  tenant_id: string
  user_id: string
  role: string
  approval_limit: string | null
  max_risk: number
  full_name: string | null
  email: string
  can_decide: boolean
}

/** Everyone acting in each tenant: direct members first, then holding members reaching down. */
async function loadPeople(client: pg.ClientBase, tenantIds: string[]): Promise<Map<string, Reviewer[]>> {
  const { rows } = await client.query<MemberRow & { for_tenant: string }>(
    `select t.id as for_tenant, m.tenant_id, m.user_id, m.role, m.approval_limit::text, m.max_risk, p.full_name, p.email,
            exists (select 1 from public.role_permissions rp where rp.role = m.role and rp.permission = 'approvals:decide') as can_decide
     from public.tenants t
     join public.tenant_members m on m.is_active and m.deleted_at is null
       and (m.tenant_id = t.id or m.tenant_id = t.parent_tenant_id)
     join public.profiles p on p.id = m.user_id
     where t.id = any ($1::uuid[])
     order by t.id, (m.tenant_id = t.id) desc, p.email`,
    [tenantIds],
  )
  const out = new Map<string, Reviewer[]>()
  for (const r of rows) {
    const list = out.get(r.for_tenant) ?? []
    if (list.some((x) => x.id === r.user_id)) continue // a direct membership wins over the holding's
    list.push({
      id: r.user_id,
      name: r.full_name ?? r.email,
      role: r.role,
      limit: r.approval_limit === null ? null : Number(r.approval_limit),
      maxRisk: r.max_risk,
      canDecide: r.can_decide,
    })
    out.set(r.for_tenant, list)
  }
  return out
}

function agentRows(
  rng: Rng,
  tenantId: string,
  slug: string,
  now: number,
): { rows: Row[]; agents: AgentInfo[] } {
  const roster = TENANT_PROFILES[slug]?.roster ?? []
  const personas = rng.sample(AGENT_PERSONAS, roster.length)
  const rows: Row[] = []
  const agents: AgentInfo[] = []
  let chief: string | null = null
  const leads = new Map<string, string>()
  roster.forEach((spec, i) => {
    const id = rng.uuid()
    const [provider, model] =
      spec.tier <= 2 ? rng.pick(LLM_MODELS.slice(0, 3)) : rng.pick(LLM_MODELS.slice(1))
    const createdAt = now - (120 + rng.int(0, 60)) * DAY
    const reportsTo =
      spec.tier === 1 ? null : ((spec.tier >= 3 ? leads.get(spec.department) : undefined) ?? chief)
    rows.push({
      id,
      tenant_id: tenantId,
      name: personas[i] ?? `Agent ${i + 1}`,
      role: spec.role,
      kind: spec.kind,
      tier: spec.tier,
      autonomy: spec.autonomy,
      status: spec.status ?? 'active',
      reports_to: reportsTo,
      department: spec.department,
      risk_tier: spec.riskTier,
      max_cost_per_day: [0, 250, 120, 60, 25, 10][spec.tier],
      model_config: { provider, model, temperature: spec.tier <= 2 ? 0.2 : 0.4, max_output_tokens: 4096 },
      created_at: iso(createdAt),
    })
    if (spec.tier === 1) chief = id
    if (spec.tier <= 2 && !leads.has(spec.department)) leads.set(spec.department, id)
    agents.push({
      id,
      name: personas[i] ?? `Agent ${i + 1}`,
      role: spec.role,
      kind: spec.kind,
      tier: spec.tier,
      autonomy: spec.autonomy,
      status: spec.status ?? 'active',
      createdAt,
      raises: spec.raises,
    })
  })
  return { rows, agents }
}

export async function loadContext(
  client: pg.ClientBase,
  writer: TableWriter,
  rng: Rng,
  now: number,
): Promise<SeedContext> {
  await ensureColleagues(client)
  const slugs = Object.keys(TENANT_PROFILES)
  const { rows: tenantRows } = await client.query<{
    id: string
    slug: string
    name: string
    kind: string
    base_currency: string
  }>('select id, slug, name, kind, base_currency from public.tenants where slug = any ($1) order by slug', [
    slugs,
  ])
  if (tenantRows.length !== slugs.length)
    throw new Error('seed: the demo tenants are missing; run on a stack seeded with supabase/seed.sql')
  const people = await loadPeople(
    client,
    tenantRows.map((t) => t.id),
  )

  const agentInserts: Row[] = []
  const toolInserts: Row[] = []
  const tenants: TenantCtx[] = tenantRows.map((t, i) => {
    const { rows, agents } = agentRows(rng, t.id, t.slug, now)
    agentInserts.push(...rows)
    for (const spec of Object.values(TOOLS)) {
      toolInserts.push({
        tenant_id: t.id,
        app: spec.app,
        tool_key: spec.key,
        name: `${spec.app}.${spec.key}`,
        description: spec.description,
        category: spec.category,
        json_schema: spec.json_schema,
        risk_default: spec.risk_default,
        approval_default: spec.approval_default,
        write_allowed: spec.write_allowed,
        rate_bucket: spec.rate_bucket,
        money: spec.money ?? null,
      })
    }
    const raisers = new Map<ApprovalKind, AgentInfo[]>()
    for (const a of agents) {
      if (a.status !== 'active') continue
      for (const [kind] of a.raises) raisers.set(kind, [...(raisers.get(kind) ?? []), a])
    }
    const everyone = people.get(t.id) ?? []
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      base: t.base_currency as Currency,
      isHolding: t.kind === 'holding',
      kinds: TENANT_PROFILES[t.slug]!.kinds.filter(([k]) => raisers.has(k)),
      agents,
      raisers,
      tools: {} as Record<ToolName, string>,
      deciders: everyone.filter((p) => p.canDecide),
      people: everyone,
      subsidiaryId: String(i + 1),
      repo: `${t.slug.split('-')[0]}/${t.slug === 'northwind-payments' ? 'payments-platform' : 'netsuite-sdf'}`,
    }
  })
  await writer.insert('agents', agentInserts)
  // Tools are per tenant and unique by (app, key): a second run reuses the first run's catalog.
  const inserted = await client.query(
    `insert into public.tools (tenant_id, app, tool_key, name, description, category, json_schema, risk_default,
                               approval_default, write_allowed, rate_bucket, money)
     select tenant_id, app, tool_key, name, description, category, json_schema, risk_default, approval_default,
            write_allowed, rate_bucket, money
     from jsonb_populate_recordset(null::public.tools, $1::jsonb)
     on conflict (tenant_id, app, tool_key) do nothing`,
    [JSON.stringify(toolInserts)],
  )
  writer.counts.set('tools', (writer.counts.get('tools') ?? 0) + (inserted.rowCount ?? 0))
  const { rows: toolIds } = await client.query<{
    id: string
    tenant_id: string
    app: string
    tool_key: string
  }>('select id, tenant_id, app, tool_key from public.tools where tenant_id = any ($1::uuid[])', [
    tenants.map((t) => t.id),
  ])
  const bySlug = new Map(tenants.map((t) => [t.slug, t]))
  for (const t of tenants) {
    for (const [name, spec] of Object.entries(TOOLS) as [ToolName, (typeof TOOLS)[ToolName]][]) {
      const row = toolIds.find((r) => r.tenant_id === t.id && r.app === spec.app && r.tool_key === spec.key)
      if (!row) throw new Error(`seed: tool ${spec.app}.${spec.key} missing for ${t.slug}`)
      t.tools[name] = row.id
    }
  }

  const { rows: demoRows } = await client.query<{ id: string; email: string }>(
    'select id, email from public.profiles where email = any ($1)',
    [[...Object.values(DEMO_EMAILS), ...COLLEAGUES.map((c) => c.email)]],
  )
  const idOf = (email: string) => {
    const id = demoRows.find((r) => r.email === email)?.id
    if (!id) throw new Error(`seed: no profile for ${email}`)
    return id
  }
  const demo = Object.fromEntries(
    Object.entries(DEMO_EMAILS).map(([role, email]) => [role, idOf(email)]),
  ) as Record<DemoRole, string>
  const names = new Map<string, string>()
  for (const list of people.values()) for (const p of list) names.set(p.id, p.name)
  return { tenants, bySlug, demo, colleague: idOf, names }
}
