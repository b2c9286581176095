// The intent client as a reviewer meets it: a decision in the inbox and a review in the change-sets
// view show at once, offer Undo while the core holds them, and `z` takes back the last one held —
// whichever view it was made in and whichever is on screen. A refusal to queue takes the mark off
// again and says the core's reason; an undo that comes too late says so and changes nothing.
// The real stores, commands and intent client run against a scripted core in Node.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

type Listener = (payload: unknown) => void

interface HeldIntent {
  clientMutationId: string
  kind: string
  args: Record<string, unknown>
  /** 'held' can still be undone; 'sent' has left for the server. */
  state: 'held' | 'sent'
}

interface FakeCore {
  intents: Map<string, HeldIntent>
  /** Refusals to queue, by the approval or change set they are about. */
  refuse: Map<string, { code: string; message: string }>
  undoCalls: string[]
  /** The hold window elapses in the core: every intent leaves for the server. */
  sendAll(): void
}

const APPROVALS = ['a-1', 'a-2', 'a-3'].map((id, i) => ({
  id,
  title: `Refund ${i + 1}`,
  kind: 'refund',
  riskLevel: 1,
  amount: 1000,
  currency: 'EUR',
  expiresAt: null,
  preflight: null,
  agentId: null,
  agentName: null,
}))
const CHANGESETS = ['cs-1', 'cs-2'].map((id, i) => ({ id, title: `Change set ${i + 1}`, status: 'pending_review', preflight: null }))

/** Which item an intent is about. */
const subjectOf = (args: Record<string, unknown>) => String(args['approval_id'] ?? args['changeset_id'])

function installFakeCore(): FakeCore {
  const listeners = new Map<string, Set<Listener>>()
  let seq = 0
  const core: FakeCore = {
    intents: new Map(),
    refuse: new Map(),
    undoCalls: [],
    sendAll: () => core.intents.forEach((i) => (i.state = 'sent')),
  }
  const pendingFor = (id: string) => [...core.intents.values()].some((i) => subjectOf(i.args) === id)
  const answer = (method: string, args: Record<string, unknown>): unknown => {
    switch (method) {
      case 'inbox.list': {
        // An approval with my intent on it is no longer in my inbox.
        const items = APPROVALS.filter((a) => !pendingFor(a.id))
        return { items, total: items.length }
      }
      case 'changesets.list': {
        const items = CHANGESETS.map((c) => ({
          ...c,
          pendingIntent: pendingFor(c.id) ? 'held' : null,
          pendingVerdict: null,
          lastRefusal: null,
        }))
        return { items, total: items.length }
      }
      case 'approvals.detail':
        return { id: args['id'], version: 3, payloadHash: 'hash-seen' }
      case 'intents.create': {
        const about = subjectOf(args['args'] as Record<string, unknown>)
        const refusal = core.refuse.get(about)
        if (refusal) throw refusal
        const intent: HeldIntent = {
          clientMutationId: `m-${++seq}`,
          kind: String(args['kind']),
          args: args['args'] as Record<string, unknown>,
          state: 'held',
        }
        core.intents.set(intent.clientMutationId, intent)
        return {
          ...intent,
          createdAt: new Date().toISOString(),
          holdUntil: new Date(Date.now() + 60_000).toISOString(),
          attempts: 0,
          refusal: null,
          label: intent.kind,
        }
      }
      case 'intents.undo': {
        const id = String(args['clientMutationId'])
        core.undoCalls.push(id)
        const intent = core.intents.get(id)
        if (!intent || intent.state !== 'held') return { undone: false }
        core.intents.delete(id)
        return { undone: true }
      }
      default:
        throw { code: 'not_found', message: `not scripted: ${method}` }
    }
  }
  const g = globalThis as Record<string, unknown>
  g.window = {
    addEventListener: () => {},
    api: {
      call: async (method: string, args: Record<string, unknown>) => {
        // Answers come back later than asked, as they do from a busy core.
        await new Promise((r) => setTimeout(r, 1 + Math.random() * 10))
        try {
          return { ok: true, value: answer(method, args) }
        } catch (error) {
          return { ok: false, error }
        }
      },
      on: (event: string, listener: Listener) => {
        if (!listeners.has(event)) listeners.set(event, new Set())
        listeners.get(event)!.add(listener)
        return () => listeners.get(event)!.delete(listener)
      },
    },
  }
  g.document = { getElementById: () => null, querySelector: () => null, querySelectorAll: () => [], activeElement: null }
  g.CSS = { escape: (s: string) => s }
  g.requestAnimationFrame = (fn: () => void) => setTimeout(fn, 0)
  return core
}

async function console_() {
  vi.resetModules()
  const core = installFakeCore()
  const commands = await import('../../src/renderer/src/app/commands')
  const registry = await import('../../src/renderer/src/keyboard/registry')
  const inbox = await import('../../src/renderer/src/inbox/inbox-store')
  const router = await import('../../src/renderer/src/state/router-store')
  const toasts = await import('../../src/renderer/src/state/toast-store')
  const { changesets } = await import('../../src/renderer/src/changesets/changesets-store')
  const { queueReviewIntent } = await import('../../src/renderer/src/reviews/review-actions')
  const unregister = commands.registerAppCommands()
  inbox.refreshInbox()
  await vi.waitFor(() => expect(inbox.useInbox.getState().rows.length).toBe(3))
  await changesets.reload()

  const inboxIds = () => inbox.useInbox.getState().rows.map((r) => r?.id)
  const toastTexts = () => toasts.useToasts.getState().toasts.map((t) => [t.message, t.detail].filter(Boolean).join(' — '))
  /** A key press as the dispatcher would run it: the command bound to that key, if enabled. */
  const press = (key: string) => {
    const cmd = registry.listCommands().find((c) => c.keys.includes(key) && registry.isEnabled(c))
    expect(cmd, `a command for ${key}`).toBeDefined()
    cmd!.run({ source: 'key' })
  }
  /** `a` then a comment, as the change-sets view's approve dialog submits it. */
  const approveChangeset = (id: string) => {
    const item = changesets.use.getState().items.find((c) => c.id === id)!
    queueReviewIntent({
      store: changesets,
      item,
      intent: { kind: 'changeset.review', args: { changeset_id: id, verdict: 'approved' } },
      action: 'Approve',
      done: 'Approved',
      subject: item.title,
    })
  }
  const heldAbout = () => [...core.intents.values()].map((i) => subjectOf(i.args)).sort()
  return { core, inbox, router, changesets, inboxIds, toastTexts, press, approveChangeset, heldAbout, unregister }
}

let stop: (() => void) | null = null
beforeEach(() => {
  stop = null
})
afterEach(() => stop?.())

describe('the intent client', () => {
  it('marks a decision and a review at once, before the core has answered', async () => {
    const c = await console_()
    stop = c.unregister
    c.press('a')
    // Same tick as the key press: the item has left the inbox and the toast offers Undo.
    expect(c.inboxIds()).toEqual(['a-2', 'a-3'])
    expect(c.toastTexts()).toContain('Approved · Refund 1')
    expect(c.core.intents.size).toBe(0)

    c.router.go('changesets')
    c.approveChangeset('cs-1')
    expect(c.changesets.use.getState().optimistic.get('cs-1')).toMatchObject({ action: 'Approve' })
    expect(c.toastTexts()).toContain('Approved · Change set 1')

    await vi.waitFor(() => expect(c.heldAbout()).toEqual(['a-1', 'cs-1']))
    // Once the replica carries the review, the row's own state speaks and the optimistic mark goes.
    await vi.waitFor(() => expect(c.changesets.use.getState().optimistic.size).toBe(0))
    expect(c.changesets.use.getState().items.find((i) => i.id === 'cs-1')?.pendingIntent).toBe('held')
  })

  it('undoes a decision within its hold window: the intent leaves the queue and the item is back in focus', async () => {
    const c = await console_()
    stop = c.unregister
    c.press('a')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual(['a-1']))
    c.press('z')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual([]))
    await vi.waitFor(() => expect(c.inboxIds()).toEqual(['a-1', 'a-2', 'a-3']))
    expect(c.inbox.useInbox.getState().focusedId).toBe('a-1')
    expect(c.toastTexts()).toContain('Undone · Refund 1 is back in the inbox')
  })

  it('takes back a z pressed before the core answered, as soon as it has', async () => {
    const c = await console_()
    stop = c.unregister
    c.press('a')
    c.press('z')
    await vi.waitFor(() => expect(c.toastTexts()).toContain('Undone · Refund 1 is back in the inbox'))
    expect(c.heldAbout()).toEqual([])
  })

  it('refuses an undo once the intent has been sent: says it is too late and the decision stands', async () => {
    const c = await console_()
    stop = c.unregister
    c.press('a')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual(['a-1']))
    c.core.sendAll()
    c.press('z')
    await vi.waitFor(() => expect(c.toastTexts()).toContain('Too late to undo: it was already sent.'))
    expect(c.core.undoCalls).toHaveLength(1)
    expect(c.heldAbout()).toEqual(['a-1'])
    expect(c.inboxIds()).not.toContain('a-1')
    // Nothing is left to undo: a second z says so instead of trying again.
    c.press('z')
    await vi.waitFor(() => expect(c.toastTexts()).toContain('Nothing to undo.'))
    expect(c.core.undoCalls).toHaveLength(1)
  })

  it('brings a decision the core refuses to queue back, with the core’s reason', async () => {
    const c = await console_()
    stop = c.unregister
    c.core.refuse.set('a-1', { code: 'over_limit', message: 'This amount is above your approval limit.' })
    c.press('a')
    expect(c.inboxIds()).not.toContain('a-1')
    await vi.waitFor(() =>
      expect(c.toastTexts()).toContain('Not queued: This amount is above your approval limit. — The item is back in the inbox.'),
    )
    await vi.waitFor(() => expect(c.inboxIds()).toEqual(['a-1', 'a-2', 'a-3']))
    expect(c.inbox.useInbox.getState().focusedId).toBe('a-1')
    // The Approved toast no longer offers an undo of something never queued.
    expect(c.toastTexts()).not.toContain('Approved · Refund 1')
    expect(c.heldAbout()).toEqual([])
  })

  it('clears a review’s mark when the core refuses it, with the core’s reason', async () => {
    const c = await console_()
    stop = c.unregister
    c.router.go('changesets')
    c.core.refuse.set('cs-2', { code: 'forbidden', message: 'You wrote this change set.' })
    c.approveChangeset('cs-2')
    expect(c.changesets.use.getState().optimistic.has('cs-2')).toBe(true)
    await vi.waitFor(() => expect(c.toastTexts()).toContain('Not queued: You wrote this change set. — The item is back on the list.'))
    await vi.waitFor(() => expect(c.changesets.use.getState().optimistic.has('cs-2')).toBe(false))
    expect(c.heldAbout()).toEqual([])
  })

  it('gives z one meaning: the last step held, a review from the change-sets view as well as a decision', async () => {
    const c = await console_()
    stop = c.unregister
    c.press('a')
    c.router.go('changesets')
    c.approveChangeset('cs-1')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual(['a-1', 'cs-1']))

    // Back in the inbox, z takes back the review made in the change-sets view: it was the last step.
    c.router.go('inbox')
    c.press('z')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual(['a-1']))
    expect(c.toastTexts()).toContain('Undone · Change set 1 is back on the list')

    // On the change-sets view, z takes back the decision made in the inbox.
    c.router.go('changesets')
    c.press('z')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual([]))
    await vi.waitFor(() => expect(c.inboxIds()).toContain('a-1'))
  })

  it('gives the Queue’s Undo the same meaning: the item comes back, and z moves on to the step before', async () => {
    const c = await console_()
    stop = c.unregister
    const { undoIntent } = await import('../../src/renderer/src/state/intent-client')
    c.press('a')
    c.press('a')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual(['a-1', 'a-2']))
    const second = [...c.core.intents.values()].find((i) => subjectOf(i.args) === 'a-2')!

    // The Queue lists the intent with its label; its Undo takes back that one only.
    await undoIntent({ clientMutationId: second.clientMutationId, label: 'Approve · Refund 2' })
    expect(c.heldAbout()).toEqual(['a-1'])
    expect(c.toastTexts()).toContain('Undone · Approve · Refund 2 is back in the inbox')
    await vi.waitFor(() => expect(c.inboxIds()).toEqual(['a-2', 'a-3']))
    // Its step's toast no longer offers an undo of it.
    expect(c.toastTexts()).not.toContain('Approved · Refund 2')

    // z now means the step before, not the one the Queue already took back.
    c.press('z')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual([]))
    await vi.waitFor(() => expect(c.inboxIds()).toEqual(['a-1', 'a-2', 'a-3']))
    expect(c.core.undoCalls).toEqual([second.clientMutationId, expect.not.stringMatching(second.clientMutationId)])
  })

  it('says it is too late when the Queue’s Undo comes after the intent was sent', async () => {
    const c = await console_()
    stop = c.unregister
    const { undoIntent } = await import('../../src/renderer/src/state/intent-client')
    c.press('a')
    await vi.waitFor(() => expect(c.heldAbout()).toEqual(['a-1']))
    c.core.sendAll()
    const [sent] = [...c.core.intents.values()]
    await undoIntent({ clientMutationId: sent!.clientMutationId, label: 'Approve · Refund 1' })
    expect(c.toastTexts()).toContain('Too late to undo: it was already sent.')
    expect(c.inboxIds()).not.toContain('a-1')
  })
})
