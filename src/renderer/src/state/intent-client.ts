// The one intent client: how a reviewer's step — a decision in the inbox, a review step in
// Escalations, Flags, the Outbox or Change sets — becomes a queued intent. The step shows at once
// (the view's optimistic mark), a toast offers Undo for the hold window, the intent is queued in the
// core in the background, and a refusal to queue takes the mark off again and says why. `z` undoes
// the reviewer's last step still held, whichever view it was taken in; the Queue's Undo takes back
// one held intent the same way (its item comes back, the step's toast stops offering it).
import type { MethodArgs } from '../../../shared/contract'
import type { Intent } from '../../../shared/contract-domain'
import { call, errorMessage } from './api'
import { dismissToast, showToast, updateToast } from './toast-store'

export type NewIntent = MethodArgs<'intents.create'>

/** How a view shows a step before the core has it, and takes it back. */
export interface IntentMark {
  /** Shows the step at once: decided items leave the inbox, a review row reads "Acknowledge · Queued". */
  set(): void
  /** The core has answered for every item (queued or refused): the view may read the replica again. */
  settle(): void
  /** These items' steps were refused or undone: show them as they were. */
  clear(ids: readonly string[]): void
}

export interface Step {
  /** The toast's first words: "Approved", "Acknowledged", "Snoozed until …". */
  verb: string
  /** What it was about: a title, or "3 requests". */
  subject: string
  /** Where an item comes back to when its step is refused or undone ("in the inbox"); none when it never left. */
  back?: string
  /** One per item: its id (as the mark names it) and its intent, built when sent (a decision reads the detail first). */
  items: readonly { id: string; intent: () => NewIntent | Promise<NewIntent> }[]
  /** The hold window the Undo toast shows until the core says when the intents leave. */
  holdMs: number
  /** None for a step the view shows only once the replica has it (an agent's suspension, a message). */
  mark?: IntentMark
}

interface Queued {
  key: number
  step: Step
  /** The intents the core queued, with the item each is for. */
  intents: { id: string; intent: Intent }[]
  state: 'sending' | 'held' | 'undoing' | 'done'
  /** Date.now() deadline after which undo is no longer offered. */
  holdUntil: number
  toastId: string
  /** `z` came while the core had not answered yet: undo as soon as it has. */
  undoRequested: boolean
}

/** Enough recent steps that any still in its hold window can be undone from its toast. */
const KEEP = 20
const recent: Queued[] = []
let nextKey = 1

/** Marks the step, offers Undo and queues its intents; refusals to queue come back with the reason. */
export function queueIntent(step: Step): void {
  if (step.items.length === 0) return
  step.mark?.set()
  const queued: Queued = {
    key: nextKey++,
    step,
    intents: [],
    state: 'sending',
    holdUntil: Date.now() + step.holdMs,
    toastId: '',
    undoRequested: false,
  }
  queued.toastId = showToast({
    tone: 'success',
    message: `${step.verb} · ${step.subject}`,
    action: { label: 'Undo', binding: 'z', run: () => void undoStep(queued.key) },
    ms: step.holdMs,
  })
  recent.push(queued)
  if (recent.length > KEEP) recent.shift()
  void send(queued)
}

async function send(queued: Queued): Promise<void> {
  const { step } = queued
  const results = await Promise.allSettled(step.items.map(async (item) => call('intents.create', await item.intent())))
  step.mark?.settle()
  const refused: string[] = []
  let firstError: unknown = null
  results.forEach((r, i) => {
    const item = step.items[i]
    if (!item) return
    if (r.status === 'fulfilled') queued.intents.push({ id: item.id, intent: r.value })
    else {
      refused.push(item.id)
      firstError ??= r.reason
    }
  })
  if (refused.length > 0) {
    step.mark?.clear(refused)
    const back = step.back
    showToast({
      tone: 'error',
      message: `Not queued: ${errorMessage(firstError)}`,
      ...(back ? { detail: refused.length > 1 ? `${refused.length} items are back ${back}.` : `The item is back ${back}.` } : {}),
      ms: 8000,
    })
  }
  const now = Date.now()
  const held = queued.intents.filter((q) => q.intent.state === 'held').map((q) => Date.parse(q.intent.holdUntil))
  queued.holdUntil = Math.max(now, ...held.filter(Number.isFinite))
  if (queued.intents.length === 0 || queued.holdUntil <= now) {
    // Nothing left that an undo could take back: the toast keeps its words but drops the offer.
    queued.state = 'done'
    if (queued.intents.length === 0) dismissToast(queued.toastId)
    else updateToast(queued.toastId, { action: undefined, ms: 3000 })
    if (queued.undoRequested && queued.intents.length > 0) tooLate()
    return
  }
  queued.state = 'held'
  updateToast(queued.toastId, { ms: queued.holdUntil - now })
  if (queued.undoRequested) await undoStep(queued.key)
}

/**
 * The Queue's per-item Undo: takes back one held intent. If a step this session queued it, the item
 * comes back as after `z` (its mark cleared) and that step's toast no longer offers it.
 */
export async function undoIntent(intent: Pick<Intent, 'clientMutationId' | 'label'>): Promise<void> {
  const queued = recent.find((q) => q.intents.some((i) => i.intent.clientMutationId === intent.clientMutationId))
  let undone: boolean
  try {
    undone = (await call('intents.undo', { clientMutationId: intent.clientMutationId })).undone
  } catch (err) {
    showToast({ tone: 'error', message: `Could not undo: ${errorMessage(err)}`, ms: 5000 })
    return
  }
  if (!undone) {
    tooLate()
    return
  }
  const back = queued?.step.back
  if (queued) {
    const item = queued.intents.find((i) => i.intent.clientMutationId === intent.clientMutationId)!
    queued.intents = queued.intents.filter((i) => i !== item)
    queued.step.mark?.clear([item.id])
    if (queued.intents.length === 0) {
      queued.state = 'done'
      dismissToast(queued.toastId)
    }
  }
  showToast({ tone: 'info', message: `Undone · ${intent.label}${back ? ` is back ${back}` : ''}`, ms: 3000 })
}

function tooLate(): void {
  showToast({ tone: 'warning', message: 'Too late to undo: it was already sent.', ms: 5000 })
}

/** `z`: undoes the reviewer's most recent step still in its hold window, whichever view it was taken in. */
export function undoLast(): Promise<void> {
  return undoStep()
}

/** Undoes one step (from its toast), or the most recent one still held. */
async function undoStep(key?: number): Promise<void> {
  const now = Date.now()
  const queued =
    key !== undefined
      ? recent.find((q) => q.key === key)
      : recent.findLast((q) => (q.state === 'sending' || q.state === 'held') && q.holdUntil > now)
  if (!queued || queued.state === 'done' || queued.state === 'undoing') {
    if (key === undefined) showToast({ tone: 'info', message: 'Nothing to undo.', ms: 2500 })
    return
  }
  if (queued.state === 'sending') {
    queued.undoRequested = true
    return
  }
  queued.state = 'undoing'
  dismissToast(queued.toastId)
  const outcomes = await Promise.allSettled(
    queued.intents.map((q) => call('intents.undo', { clientMutationId: q.intent.clientMutationId })),
  )
  queued.state = 'done'
  const undone = queued.intents
    .filter((_, i) => {
      const o = outcomes[i]
      return o?.status === 'fulfilled' && o.value.undone
    })
    .map((q) => q.id)
  if (undone.length === 0) {
    tooLate()
    return
  }
  queued.step.mark?.clear(undone)
  const partial = undone.length < queued.intents.length
  showToast({
    tone: 'info',
    message: partial
      ? `Undone ${undone.length} of ${queued.intents.length}; the rest were already sent.`
      : `Undone · ${queued.step.subject}${queued.step.back ? ` is back ${queued.step.back}` : ''}`,
    ms: 3000,
  })
}
