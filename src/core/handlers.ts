// One handler per contract method, each a thin step from validated arguments to the query layer,
// the queue or the session. Expected failures are ApiErrors; dispatch() turns them into outcomes.
import { reassignees } from './queries/reassignees'
import type { CoreHandlers, Settings } from '../shared/contract'
import type { CoreState } from './core'
import { createIntent } from './queue/create'
import * as queue from './queue/intents'
import { approvalDetail } from './queries/detail'
import { findInInbox, listInbox } from './queries/inbox'
import { listTenants } from './queries/tenants'
import { exportCsv } from './queries/exports'
import { sodReport } from './queries/sod'
import { agentDetail, agentTrust, listAgents } from './queries/agents'
import { auditFacets, listAudit, locateAudit, verifyAudit } from './queries/audit'
import { changesetDetail, listChangesets, listEscalations, listFlags } from './queries/reviews'
import { listOutbox } from './queries/outbox'
import { backtestPolicy, policyEditorState, policyTools, type ServerAccess } from './queries/policies'

export function buildHandlers(core: CoreState): CoreHandlers {
  const now = () => new Date(core.now())
  const server = (): ServerAccess => ({ auth: core.auth, workingOffline: core.status.get().workOffline })
  const changed = async (rows: queue.IntentRow[]) => {
    for (const row of rows) emitIntent(core, row)
    await core.engine?.intentsChanged()
  }

  return {
    'session.get': () => core.session(),
    'session.signIn': ({ email, password }) => core.signIn(email, password),
    'session.signOut': ({ force }) => core.signOut(force ?? false),

    'settings.get': () => core.settings.read(),
    'settings.update': async (patch) => {
      const next: Settings = { ...(await core.settings.read()), ...patch }
      await core.settings.write(next)
      return next
    },

    'sync.status': async () => core.status.get(),
    'sync.setWorkOffline': async ({ offline }) => {
      core.requireReplica()
      core.engine?.setWorkOffline(offline)
      await core.live?.setPaused(offline)
      return core.status.get()
    },
    'sync.now': async () => {
      core.requireReplica()
      core.engine?.nudge()
      return core.status.get()
    },

    'tenants.list': async () => {
      const r = core.requireReplica()
      return listTenants(r.db, r.userId)
    },
    'inbox.list': async ({ filter, limit, offset }) => {
      const r = core.requireReplica()
      const at = now()
      const caches = core.caches()
      const ctx = await caches.reviewer.get(at)
      const lane = await caches.lanes.others(ctx)
      return listInbox(r.reads, ctx, await caches.exclusions.ids(at), filter, limit, offset, lane, caches.totals)
    },
    'inbox.counts': async ({ tenantId }) => {
      const at = now()
      const caches = core.caches()
      const ctx = await caches.reviewer.get(at)
      return caches.counts.read(ctx, await caches.exclusions.ids(at), (await caches.lanes.others(ctx)).ids, tenantId)
    },
    'inbox.find': async ({ query, limit }) => {
      const r = core.requireReplica()
      const at = now()
      const caches = core.caches()
      const ctx = await caches.reviewer.get(at)
      return findInInbox(r.reads, ctx, await caches.exclusions.ids(at), await caches.lanes.others(ctx), query, limit)
    },
    'views.list': async () => core.savedViews.list(await core.viewOwner()),
    'views.save': async ({ name, filter }) => core.savedViews.save(await core.viewOwner(), name, filter),
    'views.rename': async ({ id, name }) => core.savedViews.rename(await core.viewOwner(), id, name),
    'views.delete': async ({ id }) => core.savedViews.remove(await core.viewOwner(), id),
    'approvals.detail': async ({ id }) => {
      const r = core.requireReplica()
      return approvalDetail(r.db, await core.caches().reviewer.get(now()), id)
    },
    'approvals.reassignees': async ({ id }) => {
      const r = core.requireReplica()
      return reassignees(r.db, await core.caches().reviewer.get(now()), id)
    },

    'intents.create': async (intent) => {
      const r = core.requireReplica()
      const { holdSeconds } = await core.settings.read()
      const row = await createIntent(r.db, intent, { reviewer: await core.caches().reviewer.get(now()), holdSeconds })
      // The reviewer is told "queued" only once the intent would survive a power cut.
      await r.flush()
      await changed([row])
      return queue.toIntent(row)
    },
    'intents.undo': async ({ clientMutationId }) => {
      const r = core.requireReplica()
      const undone = await queue.undoIntent(r.db, r.userId, clientMutationId, now())
      if (undone) {
        await r.flush()
        core.emitData(['pending_mutations'])
        await core.engine?.intentsChanged()
      }
      return { undone }
    },
    'intents.dismiss': async ({ clientMutationId }) => {
      const r = core.requireReplica()
      const dismissed = await queue.dismissIntent(r.db, r.userId, clientMutationId, now())
      if (dismissed) {
        const row = await queue.getIntent(r.db, r.userId, clientMutationId)
        if (row) emitIntent(core, row)
        core.emitData(['pending_mutations'])
      }
      return { dismissed }
    },
    'queue.list': async () => {
      const r = core.requireReplica()
      return (await queue.listQueue(r.db, r.userId)).map(queue.toIntent)
    },
    'history.list': async ({ limit, offset }) => {
      const r = core.requireReplica()
      const { rows, total } = await queue.listHistory(r.db, r.userId, limit, offset)
      return { items: rows.map(queue.toIntent), total }
    },

    'escalations.list': async (args) => {
      const r = core.requireReplica()
      return listEscalations(r.db, await core.caches().reviewer.get(now()), args)
    },
    'flags.list': async (args) => {
      const r = core.requireReplica()
      return listFlags(r.db, await core.caches().reviewer.get(now()), args)
    },
    'changesets.list': async (args) => {
      const r = core.requireReplica()
      return listChangesets(r.db, await core.caches().reviewer.get(now()), args)
    },
    'outbox.list': async (args) => {
      const r = core.requireReplica()
      return listOutbox(r.db, await core.caches().reviewer.get(now()), args)
    },
    'changesets.detail': async ({ id }) => {
      const r = core.requireReplica()
      return changesetDetail(r.db, await core.caches().reviewer.get(now()), id)
    },
    'agents.list': async ({ tenantId }) => listAgents(core.requireReplica().db, now(), tenantId),
    'agents.trust': async ({ agentId, days }) => agentTrust(core.requireReplica().db, now(), agentId, days),
    'agents.detail': async (args) => agentDetail(core.requireReplica().db, now(), args),
    'audit.list': async (args) => listAudit(core.requireReplica().db, args),
    'audit.facets': async ({ tenantId }) => auditFacets(core.requireReplica().db, tenantId),
    'audit.locate': async (args) => locateAudit(core.requireReplica().db, args),
    'audit.verify': async ({ tenantId }) =>
      verifyAudit(core.requireReplica().db, tenantId, (checked, total) => core.emit('audit.verifyProgress', { tenantId, checked, total })),
    'exports.csv': async (request) => {
      const r = core.requireReplica()
      return exportCsv(r.db, r.userId, request, now())
    },
    'reports.sod': async ({ tenantId }) => sodReport(core.requireReplica().db, tenantId),
    'policies.tools': async ({ tenantId }) =>
      policyTools(core.requireReplica().db, await core.caches().reviewer.get(now()), tenantId),
    'policies.get': async (args) =>
      policyEditorState(core.requireReplica().db, await core.caches().reviewer.get(now()), server(), args),
    'policies.backtest': async (args) => backtestPolicy(core.requireReplica().db, server(), args),
  }
}

function emitIntent(core: CoreState, row: queue.IntentRow): void {
  core.emit('intent.changed', queue.toIntent(row))
  core.emitData(['pending_mutations'])
}
