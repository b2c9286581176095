// Realtime pokes end to end through supabase-js: who may join a tenant's private topic (RLS on
// realtime.messages, checked the way Supabase does), who hears a change, and that a transaction
// touching many rows and tables sends exactly one poke per tenant.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js'
import { afterAll, describe, expect, it } from 'vitest'
import {
  addMember,
  createTenant,
  createTenantWithMember,
  createUser,
  signedInClient,
  supabaseClient,
} from '../../src/stack/fixtures'
import { TABLES } from '../../src/shared/db/tables.gen'
import { admin } from '../support/db'
import { createAgent, createApproval } from '../support/fixtures'
import { stack } from './support'

interface Poke {
  txid: string
}

interface Listening {
  channel: RealtimeChannel
  pokes: Poke[]
}

type JoinOutcome = { joined: true; listening: Listening } | { joined: false; reason: string }

const clients: SupabaseClient[] = []
afterAll(async () => {
  await Promise.all(clients.map((c) => c.removeAllChannels()))
})

async function memberClient(email: string, password: string): Promise<SupabaseClient> {
  const client = await signedInClient(stack(), email, password)
  clients.push(client)
  return client
}

/** Joins `topic` as a private channel and collects its `changed` broadcasts. */
function join(client: SupabaseClient, topic: string): Promise<JoinOutcome> {
  const pokes: Poke[] = []
  const channel = client
    .channel(topic, { config: { private: true } })
    .on('broadcast', { event: 'changed' }, (m) => pokes.push(m.payload as Poke))
  return new Promise((resolve) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve({ joined: true, listening: { channel, pokes } })
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
        void client.removeChannel(channel)
        resolve({ joined: false, reason: err?.message ?? status })
      }
    })
  })
}

async function joined(client: SupabaseClient, topic: string): Promise<Listening> {
  const outcome = await join(client, topic)
  if (!outcome.joined) throw new Error(`join ${topic} refused: ${outcome.reason}`)
  return outcome.listening
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A change to tenant `id` in its own transaction; returns that transaction's id. */
async function touchTenant(id: string): Promise<string> {
  const { rows } = await admin().query<{ txid: string }>(
    `update public.tenants set settings = settings || jsonb_build_object('touched', now()::text)
     where id = $1 returning sync_txid::text as txid`,
    [id],
  )
  return rows[0]!.txid
}

describe('joining a tenant topic', () => {
  it('admits a member of the tenant and refuses a member of another tenant with Supabase’s reason', async () => {
    const a = await createTenantWithMember(stack().dbUrl)
    const b = await createTenantWithMember(stack().dbUrl)
    const client = await memberClient(a.user.email, a.user.password)

    const own = await join(client, `tenant:${a.tenant.id}`)
    expect(own.joined).toBe(true)
    const other = await join(client, `tenant:${b.tenant.id}`)
    expect(other).toEqual({
      joined: false,
      reason: `Unauthorized: You do not have permissions to read from this Channel topic: tenant:${b.tenant.id}`,
    })
    // Nor someone else's user topic.
    const foreignUser = await join(client, `user:${b.user.id}`)
    expect(foreignUser.joined).toBe(false)
  })

  it('refuses anon, and a member whose membership is inactive', async () => {
    const a = await createTenantWithMember(stack().dbUrl)
    const anon = supabaseClient(stack())
    clients.push(anon)
    const asAnon = await join(anon, `tenant:${a.tenant.id}`)
    expect(asAnon.joined).toBe(false)

    const former = await createUser(stack().dbUrl)
    await addMember(stack().dbUrl, { tenantId: a.tenant.id, userId: former.id, role: 'viewer', isActive: false })
    const client = await memberClient(former.email, former.password)
    expect((await join(client, `tenant:${a.tenant.id}`)).joined).toBe(false)
  })

  it('refuses a public channel: pokes are private only', async () => {
    const a = await createTenantWithMember(stack().dbUrl)
    const client = await memberClient(a.user.email, a.user.password)
    const channel = client.channel(`tenant:${a.tenant.id}`)
    const reason = await new Promise<string>((resolve) =>
      channel.subscribe((status, err) => {
        if (status !== 'SUBSCRIBED') resolve(err?.message ?? status)
      }),
    )
    expect(reason).toMatch(/PrivateOnly/)
  })
})

describe('pokes', () => {
  it('a holding manager hears changes of the holding’s subsidiaries; an outsider joins none of them', async () => {
    const db = stack().dbUrl
    const holding = await createTenant(db, { kind: 'holding' })
    const subsidiary = await createTenant(db, { parentTenantId: holding.id })
    const manager = await createUser(db)
    await addMember(db, { tenantId: holding.id, userId: manager.id, role: 'manager' })
    const client = await memberClient(manager.email, manager.password)
    const listening = await joined(client, `tenant:${subsidiary.id}`)
    const onHolding = await joined(client, `tenant:${holding.id}`)

    const txid = await touchTenant(subsidiary.id)
    await until(() => listening.pokes.length > 0, 'the subsidiary poke')
    expect(listening.pokes).toEqual([expect.objectContaining({ txid })])
    // A change to the subsidiary's own tenant row (attached, renamed, deactivated) also pokes the
    // holding, whose managers may not have joined the subsidiary's topic yet.
    await until(() => onHolding.pokes.length > 0, 'the holding poke')
    expect(onHolding.pokes).toEqual([expect.objectContaining({ txid })])

    const outsider = await createTenantWithMember(db)
    const outsiderClient = await memberClient(outsider.user.email, outsider.user.password)
    expect((await join(outsiderClient, `tenant:${subsidiary.id}`)).joined).toBe(false)
  })

  it('one transaction writing 1,000+ rows over several tables and tenants sends one poke per tenant', async () => {
    const db = stack().dbUrl
    const a = await createTenantWithMember(db)
    const b = await createTenant(db)
    await addMember(db, { tenantId: b.id, userId: a.user.id, role: 'viewer' })
    const client = await memberClient(a.user.email, a.user.password)
    const [inA, inB] = await Promise.all([joined(client, `tenant:${a.tenant.id}`), joined(client, `tenant:${b.id}`)])

    const c = await admin().connect()
    let bigTx: string
    try {
      await c.query('begin')
      // One statement of 1,000 rows in A, one of 300 in B, then 50 single-row statements in A.
      await c.query(
        `insert into public.memory_entries (tenant_id, type, summary)
         select $1, 'knowledge', 'bulk ' || g from generate_series(1, 1000) g`,
        [a.tenant.id],
      )
      await c.query(
        `insert into public.memory_entries (tenant_id, type, summary)
         select $1, 'knowledge', 'bulk ' || g from generate_series(1, 300) g`,
        [b.id],
      )
      for (let i = 0; i < 50; i++) {
        await c.query(`update public.tenants set settings = jsonb_build_object('n', $2::int) where id = $1`, [a.tenant.id, i])
      }
      bigTx = (await c.query<{ txid: string }>('select pg_current_xact_id()::text as txid')).rows[0]!.txid
      await c.query('commit')
    } finally {
      c.release()
    }
    // A later transaction's poke arrives after the big one's (delivery follows commit order), so
    // once it is here every poke of the big transaction has been delivered too.
    const marker = await touchTenant(a.tenant.id)
    await until(() => inA.pokes.some((p) => p.txid === marker), 'the marker poke')
    await touchTenant(b.id)
    await until(() => inB.pokes.length >= 2, 'the second poke in B')

    expect(inA.pokes.filter((p) => p.txid === bigTx)).toHaveLength(1)
    expect(inB.pokes.filter((p) => p.txid === bigTx)).toHaveLength(1)
    const { rows } = await admin().query<{ n: string }>(
      `select count(*) as n from realtime.messages where payload ->> 'txid' = $1`,
      [bigTx],
    )
    expect(Number(rows[0]!.n)).toBe(2)
  })

  it('every replicated table pokes, those added after the Realtime migration (fx_rates) included', async () => {
    const { rows } = await admin().query<{ table: string; ops: string[] }>(
      `select c.relname as table, array_agg(t.tgname::text order by t.tgname) as ops
       from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and t.tgname like '%\\_poke\\_%' group by c.relname`,
    )
    const poking = new Map(rows.map((r) => [r.table, r.ops]))
    for (const table of Object.keys(TABLES)) expect(poking.get(table), table).toEqual([`${table}_poke_insert`, `${table}_poke_update`])
  })

  it('a new exchange rate pokes every tenant; a new approval pokes only its own tenant', async () => {
    const db = stack().dbUrl
    const a = await createTenantWithMember(db)
    const b = await createTenantWithMember(db)
    const [inA, inB] = await Promise.all([
      memberClient(a.user.email, a.user.password).then((c) => joined(c, `tenant:${a.tenant.id}`)),
      memberClient(b.user.email, b.user.password).then((c) => joined(c, `tenant:${b.tenant.id}`)),
    ])

    // Market data every console replicates (scope '*'): a pair no other test uses.
    const code = () => Array.from({ length: 3 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join('')
    const from = code()
    let to = code()
    while (to === from) to = code()
    const { rows: rate } = await admin().query<{ txid: string }>(
      `insert into public.fx_rates (from_currency, to_currency, valid_on, rate, source)
       values ($1, $2, current_date, 1.0825, 'test') returning sync_txid::text as txid`,
      [from, to],
    )
    const rateTx = rate[0]!.txid
    await until(() => inA.pokes.some((p) => p.txid === rateTx) && inB.pokes.some((p) => p.txid === rateTx), 'the rate poke in both')

    const agent = await createAgent(a.tenant.id)
    const approval = await createApproval(a.tenant.id, { agentId: agent.id })
    const { rows: created } = await admin().query<{ txid: string }>('select sync_txid::text as txid from public.approvals where id = $1', [
      approval.id,
    ])
    const approvalTx = created[0]!.txid
    await until(() => inA.pokes.some((p) => p.txid === approvalTx), 'the approval poke')
    // B hears its own later change, and never A's approval.
    const marker = await touchTenant(b.tenant.id)
    await until(() => inB.pokes.some((p) => p.txid === marker), 'the marker poke in B')
    expect(inB.pokes.map((p) => p.txid)).not.toContain(approvalTx)
  })

  it('a rolled-back transaction sends nothing', async () => {
    const a = await createTenantWithMember(stack().dbUrl)
    const client = await memberClient(a.user.email, a.user.password)
    const listening = await joined(client, `tenant:${a.tenant.id}`)
    const c = await admin().connect()
    let doomed: string
    try {
      await c.query('begin')
      await c.query(`update public.tenants set settings = '{"doomed": true}' where id = $1`, [a.tenant.id])
      doomed = (await c.query<{ txid: string }>('select pg_current_xact_id()::text as txid')).rows[0]!.txid
      await c.query('rollback')
    } finally {
      c.release()
    }
    const marker = await touchTenant(a.tenant.id)
    await until(() => listening.pokes.some((p) => p.txid === marker), 'the marker poke')
    expect(listening.pokes.map((p) => p.txid)).not.toContain(doomed)
  })

  it('a new membership pokes the member’s own topic, so their console learns of the tenant at once', async () => {
    const db = stack().dbUrl
    const user = await createUser(db)
    const tenant = await createTenant(db)
    const client = await memberClient(user.email, user.password)
    const mine = await joined(client, `user:${user.id}`)
    await addMember(db, { tenantId: tenant.id, userId: user.id, role: 'viewer' })
    await until(() => mine.pokes.length === 1, 'the membership poke')
  })

  it('a refreshed token no longer admitted (membership ended) closes the channel', async () => {
    const a = await createTenantWithMember(stack().dbUrl)
    const client = await memberClient(a.user.email, a.user.password)
    const statuses: string[] = []
    const channel = client.channel(`tenant:${a.tenant.id}`, { config: { private: true } })
    await new Promise<void>((resolve) =>
      channel.subscribe((status) => {
        statuses.push(status)
        if (status === 'SUBSCRIBED') resolve()
      }),
    )
    await admin().query('update public.tenant_members set is_active = false where tenant_id = $1 and user_id = $2', [
      a.tenant.id,
      a.user.id,
    ])
    // A new session's token, as the console's refresh would hand over.
    const fresh = await signedInClient(stack(), a.user.email, a.user.password)
    const { data } = await fresh.auth.getSession()
    await client.realtime.setAuth(data.session!.access_token)
    await until(() => statuses.includes('CLOSED'), 'the channel to close')
  })
})
